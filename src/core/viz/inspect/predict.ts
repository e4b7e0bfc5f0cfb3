/**
 * What a classifier says about one image: class probabilities from whatever head it ends in
 * (softmax, sigmoid, or raw logits), and, for Grad-CAM, the class score before the final
 * squashing, so that its gradient does not vanish where the model is confident (tf-keras-vis #30).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DataError } from '../../engine/data/types';
import type { ClassScore, InspectModelInfo } from './types';

type Tf = typeof tfjs;
type Layer = tfjs.layers.Layer;

export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';

export interface ClassifierHead {
  /** The squashing the output layer applies last. */
  activation: OutputActivation;
  /** Output units; 1 with a sigmoid (or a single logit) is a binary classifier with two classes. */
  units: number;
  /** How many classes the user can pick: 2 for one unit, else `units`. */
  classes: number;
}

function activationName(layer: Layer): string {
  const className = layer.getClassName();
  if (className === 'Softmax') return 'softmax';
  const activation = layer.getConfig()['activation'];
  return typeof activation === 'string' ? activation : 'linear';
}

/** The layer that produces the model's output: a nested model's own output layer when the model ends in one. */
function outputLayer(model: tfjs.LayersModel): Layer {
  let layer = model.outputs[0]?.sourceLayer;
  while (layer && 'outputs' in layer && Array.isArray(layer.outputs)) layer = (layer as tfjs.LayersModel).outputs[0]?.sourceLayer;
  if (!layer) throw new DataError(`model '${model.name}' has no output`);
  return layer;
}

export function classifierHead(model: tfjs.LayersModel): ClassifierHead {
  const name = activationName(outputLayer(model));
  const activation: OutputActivation = name === 'softmax' || name === 'sigmoid' ? name : 'linear';
  const units = model.outputs[0]?.shape.at(-1) ?? 1;
  if (model.outputs[0]?.shape.length !== 2)
    throw new DataError(`model '${model.name}' is not a classifier: its output is ${model.outputs[0]?.shape.length}-D, not (batch, classes)`);
  return { activation, units, classes: units === 1 ? 2 : units };
}

/**
 * The output layer's value before its activation, from that layer's inputs, where it can be
 * separated exactly: an Activation/Softmax layer's input, or a Dense layer's x·W + b. Undefined
 * otherwise (the caller then inverts the activation: log p for softmax, which shifts every
 * class's score by the same log-sum-exp; log(p / (1 − p)) for sigmoid, which is exact).
 */
export function preActivation(tf: Tf, layer: Layer, inputs: tfjs.Tensor[]): tfjs.Tensor | undefined {
  const className = layer.getClassName();
  const input = inputs[0];
  if (!input || inputs.length !== 1) return undefined;
  if (className === 'Activation' || className === 'Softmax') return input;
  if (className === 'Dense' && input.rank === 2) {
    // getWeights() gives the variables' own tensors (kernel, then bias when used): not to be disposed.
    const [kernel, bias] = layer.getWeights();
    if (!kernel) return undefined;
    const z = tf.matMul(input, kernel);
    return bias ? z.add(bias) : z;
  }
  return undefined;
}

/** Every class's probability for the first image of `output` (the model's raw output), in class order. */
export function probabilitiesFrom(tf: Tf, head: ClassifierHead, output: tfjs.Tensor): Float32Array {
  return tf.tidy(() => {
    const row = output.slice([0, 0], [1, head.units]).reshape([head.units]);
    let p: tfjs.Tensor;
    if (head.units === 1) {
      const one = head.activation === 'linear' ? tf.sigmoid(row) : row;
      p = tf.concat([tf.sub(1, one), one]);
    } else {
      p = head.activation === 'linear' ? tf.softmax(row) : row;
    }
    return p.dataSync() as Float32Array;
  });
}

export function classLabel(info: InspectModelInfo, index: number): string {
  return info.classNames[index] ?? `class ${index}`;
}

/** Classes sorted by probability, most probable first. */
export function rankClasses(info: InspectModelInfo, probabilities: Float32Array, top = 5): ClassScore[] {
  return Array.from(probabilities, (probability, index) => ({ index, label: classLabel(info, index), probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, top);
}

/** The top five classes for the image `x` (batch of one). */
export function predict(tf: Tf, model: tfjs.LayersModel, info: InspectModelInfo, x: tfjs.Tensor4D): ClassScore[] {
  const head = classifierHead(model);
  const output = model.predict(x) as tfjs.Tensor;
  try {
    return rankClasses(info, probabilitiesFrom(tf, head, output));
  } finally {
    output.dispose();
  }
}
