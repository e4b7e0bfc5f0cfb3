/**
 * A run's compile settings (settings.json's `compile`: Keras' optimizer and loss names) as
 * Keras 3's `compile_config`, so `keras.saving.load_model` returns a model compiled as the
 * run was and `fit` goes on with the same optimizer, learning rate and loss (Adam's moments
 * too, when the run's checkpoint has them: ./optimizerState.ts).
 */
import type { JsonObject } from './kerasLayers';

export interface RunCompile {
  optimizer?: string;
  learningRate?: number;
  loss?: string;
  fromLogits?: boolean;
  metrics?: string[];
}

/** Keras 3's optimizer classes by the names ConvLens trains with. */
const OPTIMIZERS: Record<string, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta', adamax: 'Adamax' };

/** Keras 3's loss classes, for a loss that needs an argument (from_logits). */
const LOSSES: Record<string, string> = {
  categorical_crossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  binary_crossentropy: 'BinaryCrossentropy',
};

function loss(name: string, fromLogits: boolean): JsonObject[string] {
  const className = LOSSES[name];
  if (!fromLogits || !className) return name;
  return { module: 'keras.losses', class_name: className, config: { name, reduction: 'sum_over_batch_size', from_logits: true }, registered_name: null };
}

/** The `compile_config` for a run's settings, or undefined when the run names no optimizer Keras has. */
export function compileConfig(compile: RunCompile | undefined): JsonObject | undefined {
  const name = compile?.optimizer?.toLowerCase();
  const optimizer = name === undefined ? undefined : OPTIMIZERS[name];
  if (!compile?.loss || !name || !optimizer) return undefined;
  const optimizerConfig: JsonObject = { name };
  if (compile.learningRate !== undefined) optimizerConfig.learning_rate = compile.learningRate;
  return {
    optimizer: { module: 'keras.optimizers', class_name: optimizer, config: optimizerConfig, registered_name: null },
    loss: loss(compile.loss, compile.fromLogits === true),
    loss_weights: null,
    metrics: compile.metrics && compile.metrics.length > 0 ? compile.metrics : null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}
