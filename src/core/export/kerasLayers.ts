/**
 * One layer of a TF.js layers model (its `modelTopology`, which TF.js serialises the way
 * Keras 2 did: snake_case arguments, `{class_name, config}` initializers) as Keras 3 writes
 * it in a `.keras` file's config.json: `{module: 'keras.layers', class_name, config,
 * registered_name: null}` with `name`, `trainable`, `dtype` first. Only classes whose Keras 3
 * counterpart computes the same function with the same weights are exported; any other is a
 * one-line ExportError naming the layer, never a file Keras would load into another model.
 */
import { ExportError } from './errors';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Keras 3 layer classes that take TF.js' serialised arguments as they are (TF.js mirrors Keras 2's names). */
const SAME_ARGUMENTS = new Set([
  'Conv1D', 'Conv2D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'Dense',
  'Flatten', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'BatchNormalization', 'LayerNormalization', 'Activation', 'ReLU', 'ELU', 'Softmax',
  'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Reshape', 'Permute', 'RepeatVector', 'Rescaling',
  'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
]);

/** Arguments Keras 3 writes that TF.js leaves out, at the value TF.js computes with. */
const DEFAULTS: Record<string, JsonObject> = { Flatten: { data_format: 'channels_last' } };

/** Arguments TF.js writes that Keras 3 no longer takes (it raises on unknown keyword arguments). */
const DROPPED: Record<string, string[]> = { Embedding: ['input_length'] };

/** Keras 3 activation names whose function is TF.js' function of the same name. */
const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'softsign', 'swish', 'gelu', 'mish', 'exponential']);

/** Why an activation cannot be exported under its name. */
const ACTIVATION_TRAPS: Record<string, string> = {
  hard_sigmoid: "Keras 3's hard_sigmoid is relu6(x + 3) / 6, TF.js' is clip(0.2·x + 0.5, 0, 1): the exported model would compute another function",
  gelu_new: 'Keras has no gelu_new (TF.js\' tanh approximation of GELU)',
};

/** Keras 3's module for each kind of serialised object. */
const MODULES: Record<string, string> = { initializer: 'keras.initializers', regularizer: 'keras.regularizers', constraint: 'keras.constraints' };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(key: string): keyof typeof MODULES | undefined {
  if (key.endsWith('_initializer')) return 'initializer';
  if (key.endsWith('_regularizer')) return 'regularizer';
  if (key.endsWith('_constraint')) return 'constraint';
  return undefined;
}

/** `{class_name, config}` → Keras 3's `{module, class_name, config, registered_name}`. */
function serialisedObject(layer: string, key: string, value: Json): Json {
  if (!isObject(value)) return value;
  const kind = kindOf(key);
  if (!kind || typeof value.class_name !== 'string') throw new ExportError(`layer '${layer}': cannot export its ${key} (${JSON.stringify(value).slice(0, 80)})`);
  const config: JsonObject = isObject(value.config) ? { ...value.config } : {};
  // TF.js' VarianceScaling 'normal' is truncated (Keras 2's meaning); Keras 3 names it so.
  if (value.class_name === 'VarianceScaling' && config.distribution === 'normal') config.distribution = 'truncated_normal';
  return { module: MODULES[kind], class_name: value.class_name, config, registered_name: null };
}

function checkActivation(layer: string, key: string, value: Json): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'string') throw new ExportError(`layer '${layer}': its ${key} is not a named activation`);
  const trap = ACTIVATION_TRAPS[value];
  if (trap) throw new ExportError(`layer '${layer}' uses ${key} '${value}': ${trap}`);
  if (!ACTIVATIONS.has(value)) throw new ExportError(`layer '${layer}' uses ${key} '${value}', which ConvLens does not export to Keras`);
}

export interface KerasLayer {
  module: string;
  class_name: string;
  config: JsonObject;
  registered_name: null;
}

/** The Keras 3 form of one TF.js layer (not InputLayer, not a nested model). */
export function kerasLayer(className: string, tfjsConfig: JsonObject): KerasLayer {
  const name = typeof tfjsConfig.name === 'string' ? tfjsConfig.name : className;
  if (!SAME_ARGUMENTS.has(className) && className !== 'LeakyReLU' && className !== 'Embedding') {
    throw new ExportError(`layer '${name}' is a ${className}, which ConvLens does not export to Keras (it exports ${[...SAME_ARGUMENTS, 'LeakyReLU', 'Embedding'].sort().join(', ')})`);
  }
  const config: JsonObject = { name, trainable: tfjsConfig.trainable ?? true, dtype: tfjsConfig.dtype ?? 'float32', ...DEFAULTS[className] };
  // Input shapes go to the InputLayer; Embedding's input_dim is its vocabulary size, not a shape.
  const skip = new Set(['name', 'trainable', 'dtype', 'batch_input_shape', 'input_shape', ...(className === 'Embedding' ? [] : ['input_dim']), ...(DROPPED[className] ?? [])]);
  for (const [key, value] of Object.entries(tfjsConfig)) {
    if (skip.has(key)) continue;
    if (key === 'activation' || key === 'recurrent_activation') checkActivation(name, key, value);
    // Keras 3 renamed LeakyReLU's alpha (Keras 2, TF.js) to negative_slope.
    const kerasKey = className === 'LeakyReLU' && key === 'alpha' ? 'negative_slope' : key;
    config[kerasKey] = serialisedObject(name, key, value);
  }
  return { module: 'keras.layers', class_name: className, config, registered_name: null };
}

/** Keras 3's InputLayer entry for an input of shape `batchShape` (batch axis first, null). */
export function inputLayer(name: string, batchShape: Json[]): KerasLayer {
  return { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: batchShape, dtype: 'float32', sparse: false, name }, registered_name: null };
}

/** A Keras layer ConvLens trained as a stand-in (an augmentation layer, identity in TF.js), from the code's own class and arguments. */
export interface OriginalLayer {
  className: string;
  config: JsonObject;
}

function hasUnknown(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return typeof v.unknown === 'string' || Object.values(v).some(hasUnknown);
  return false;
}

/**
 * The code's own layer in place of TF.js' stand-in: Keras' class with the arguments written
 * in the code (Keras fills in its defaults), so the exported model augments as the code does.
 * These layers are inactive at inference, so the predictions stay the run's.
 */
export function originalLayer(name: string, original: OriginalLayer): KerasLayer {
  const config: JsonObject = { name, trainable: true, dtype: 'float32' };
  for (const [key, value] of Object.entries(original.config)) {
    if (['name', 'trainable', 'dtype', 'batch_input_shape', 'input_shape', 'input_dim'].includes(key)) continue;
    if (hasUnknown(value)) throw new ExportError(`layer '${name}' (${original.className}): its ${key} is not known without running the code, so it cannot be written into the Keras config`);
    config[key] = value;
  }
  return { module: 'keras.layers', class_name: original.className, config, registered_name: null };
}
