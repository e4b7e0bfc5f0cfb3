/**
 * Compile settings: what `model.compile(...)` in the user's code says (spec.compile), or
 * defaults chosen from the output layer, mapped from Keras names to TF.js.
 *
 * Labels always travel as class ids (Int32Array) and are encoded per batch:
 *  - 'onehot' for categorical_crossentropy AND sparse_categorical_crossentropy (the same
 *    loss once the ids are one-hot; TF.js' string 'sparseCategoricalCrossentropy' pairs with
 *    a different accuracy metric and is not needed), mean squared error, hinge losses;
 *  - 'binary' (a [n, 1] float column of 0/1) for binary_crossentropy on a 1-unit output.
 * `from_logits=True` (or a linear output with the default loss) uses TF.js' softmax /
 * sigmoid cross-entropy on the logits.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import type { ModelIO } from '../data/validate';

type Tf = typeof tfjs;
type Tensor = tfjs.Tensor;

export type LossName = 'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy' | 'mean_squared_error' | 'categorical_hinge';
export type OptimizerName = 'adam' | 'rmsprop' | 'sgd' | 'adagrad' | 'adadelta' | 'adamax';

export interface CompileSettings {
  optimizer: OptimizerName;
  learningRate: number;
  loss: LossName;
  fromLogits: boolean;
  /** Metrics reported: 'accuracy' is the only one ConvLens computes. */
  metrics: string[];
  labels: 'onehot' | 'binary';
  /** Where each choice came from, for settings.json and messages. */
  source: { optimizer: 'code' | 'default'; learningRate: 'code' | 'default'; loss: 'code' | 'default' };
  /** Things in the code that were not used (unsupported metrics), one sentence each. */
  notes: string[];
}

/** A compile setting ConvLens cannot train with; the message says what is supported. */
export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompileError';
  }
}

/** Keras' default learning rates (keras.optimizers.*). */
export const DEFAULT_LEARNING_RATE: Record<OptimizerName, number> = {
  adam: 1e-3,
  rmsprop: 1e-3,
  sgd: 1e-2,
  adagrad: 1e-3,
  adadelta: 1e-3,
  adamax: 1e-3,
};

function normalise(name: string): string {
  return name
    .replace(/^.*\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/^rms_prop$/, 'rmsprop')
    .replace(/^ada_grad$/, 'adagrad');
}

const LOSS_ALIASES: Record<string, LossName> = {
  categorical_crossentropy: 'categorical_crossentropy',
  categorical_cross_entropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy',
  sparse_categorical_cross_entropy: 'sparse_categorical_crossentropy',
  binary_crossentropy: 'binary_crossentropy',
  binary_cross_entropy: 'binary_crossentropy',
  mse: 'mean_squared_error',
  mean_squared_error: 'mean_squared_error',
  categorical_hinge: 'categorical_hinge',
};

const OPTIMIZERS: OptimizerName[] = ['adam', 'rmsprop', 'sgd', 'adagrad', 'adadelta', 'adamax'];
const ACCURACY = new Set(['accuracy', 'acc', 'categorical_accuracy', 'sparse_categorical_accuracy', 'binary_accuracy']);

/** An optimizer named in the code (any Keras spelling) with its learning rate, or Keras' defaults (Adam, its default rate). */
export function resolveOptimizer(name: string | undefined, rate: number | undefined): { optimizer: OptimizerName; learningRate: number } {
  let optimizer: OptimizerName = 'adam';
  if (name !== undefined) {
    const o = normalise(name);
    if (!OPTIMIZERS.includes(o as OptimizerName)) {
      throw new CompileError(`optimizer '${name}' is not supported for training here; use one of ${OPTIMIZERS.join(', ')}`);
    }
    optimizer = o as OptimizerName;
  }
  const learningRate = rate ?? DEFAULT_LEARNING_RATE[optimizer];
  if (!(learningRate > 0)) throw new CompileError(`learning rate ${learningRate} must be positive`);
  return { optimizer, learningRate };
}

/** Keras' class name of an optimizer, as a log line names it: `RMSprop(learning_rate=0.001)`. */
export function describeOptimizer({ optimizer, learningRate }: Pick<CompileSettings, 'optimizer' | 'learningRate'>): string {
  const names: Record<OptimizerName, string> = { adam: 'Adam', rmsprop: 'RMSprop', sgd: 'SGD', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax' };
  return `${names[optimizer]}(learning_rate=${learningRate})`;
}

export function resolveCompile(spec: ModelSpec, io: Pick<ModelIO, 'outputUnits' | 'outputActivation'>): CompileSettings {
  const c = spec.compile;
  const notes: string[] = [];
  const units = io.outputUnits ?? 0;
  const activation = io.outputActivation ?? 'linear';

  const { optimizer, learningRate } = resolveOptimizer(c?.optimizer, c?.learningRate);

  let loss: LossName;
  let fromLogits = c?.fromLogits ?? false;
  if (c?.loss !== undefined) {
    const l = LOSS_ALIASES[normalise(c.loss)];
    if (l === undefined) {
      throw new CompileError(`loss '${c.loss}' is not supported for training here; use ${Object.keys(LOSS_ALIASES).filter((k) => !k.includes('cross_entropy')).join(', ')}`);
    }
    loss = l;
  } else {
    loss = units === 1 ? 'binary_crossentropy' : 'categorical_crossentropy';
    // A linear output trained with the default loss: its outputs are logits.
    if (activation === 'linear') fromLogits = true;
  }
  if (loss === 'binary_crossentropy' && units > 1 && activation === 'softmax') {
    notes.push('binary_crossentropy on a softmax output: ConvLens trains it as Keras does, on one-hot labels');
  }

  const metrics: string[] = [];
  for (const m of c?.metrics ?? ['accuracy']) {
    if (ACCURACY.has(normalise(m))) {
      if (!metrics.includes('accuracy')) metrics.push('accuracy');
    } else notes.push(`metric '${m}' is not computed (ConvLens reports loss and accuracy)`);
  }
  if (metrics.length === 0) metrics.push('accuracy');

  return {
    optimizer,
    learningRate,
    loss,
    fromLogits,
    metrics,
    labels: loss === 'binary_crossentropy' && units === 1 ? 'binary' : 'onehot',
    source: {
      optimizer: c?.optimizer !== undefined ? 'code' : 'default',
      learningRate: c?.learningRate !== undefined ? 'code' : 'default',
      loss: c?.loss !== undefined ? 'code' : 'default',
    },
    notes,
  };
}

export function createOptimizer(tf: Tf, c: Pick<CompileSettings, 'optimizer' | 'learningRate'>): tfjs.Optimizer {
  const lr = c.learningRate;
  switch (c.optimizer) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'adagrad':
      return tf.train.adagrad(lr, 0.1);
    case 'adadelta':
      return tf.train.adadelta(lr, 0.95, 1e-7);
    case 'adamax':
      return tf.train.adamax(lr, 0.9, 0.999, 1e-7);
  }
}

/** Per-sample loss, the same function training minimises (mean over the batch). */
export function lossFunction(tf: Tf, c: CompileSettings): (yTrue: Tensor, yPred: Tensor) => Tensor {
  const none = tf.Reduction.NONE;
  switch (c.loss) {
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      return c.fromLogits ? (t, p) => tf.losses.softmaxCrossEntropy(t, p, undefined, 0, none) : (t, p) => tf.metrics.categoricalCrossentropy(t, p);
    case 'binary_crossentropy':
      return c.fromLogits ? (t, p) => tf.mean(tf.losses.sigmoidCrossEntropy(t, p, undefined, 0, none), -1) : (t, p) => tf.metrics.binaryCrossentropy(t, p);
    case 'mean_squared_error':
      return (t, p) => tf.metrics.meanSquaredError(t, p);
    case 'categorical_hinge':
      return (t, p) => {
        const pos = tf.sum(tf.mul(t, p), -1);
        const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
        return tf.relu(tf.add(tf.sub(neg, pos), 1));
      };
  }
}

/** Per-sample accuracy (0 or 1). */
export function accuracyFunction(tf: Tf, c: CompileSettings): (yTrue: Tensor, yPred: Tensor) => Tensor {
  if (c.labels === 'binary') {
    const threshold = c.fromLogits ? 0 : 0.5;
    return (t, p) => tf.mean(tf.cast(tf.equal(t, tf.cast(tf.greater(p, threshold), 'float32')), 'float32'), -1);
  }
  return (t, p) => tf.cast(tf.equal(tf.argMax(t, -1), tf.argMax(p, -1)), 'float32');
}

/** Compiles `model` for training with these settings. */
export function compileModel(tf: Tf, model: tfjs.LayersModel, c: CompileSettings): void {
  const loss = lossFunction(tf, c);
  const acc = accuracyFunction(tf, c);
  // Named functions, so TF.js logs them as 'loss' and 'acc'.
  const lossFn = { loss: (t: Tensor, p: Tensor) => loss(t, p) }.loss;
  const accFn = { acc: (t: Tensor, p: Tensor) => acc(t, p) }.acc;
  model.compile({ optimizer: createOptimizer(tf, c), loss: lossFn, metrics: [accFn] });
}

/** Encodes a batch of class ids as the labels the loss expects. Caller disposes. */
export function encodeLabels(tf: Tf, ids: Int32Array, c: CompileSettings, numClasses: number): Tensor {
  if (c.labels === 'binary') return tf.tensor2d(Float32Array.from(ids), [ids.length, 1]);
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), numClasses), 'float32'));
}
