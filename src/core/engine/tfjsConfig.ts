/**
 * Translation of one Keras layer (class name + snake_case config, as the readers produce
 * it) into the TF.js factory and camelCase arguments that build the same layer.
 *
 * This module is pure data-in/data-out and never loads TF.js: the TF.js types are
 * imported with `import type` only.
 *
 * Where Keras and TF.js defaults differ, the Keras default is passed explicitly, because a
 * spec describes a Keras model:
 *  - kernel initialisers: TF.js Conv*, DepthwiseConv2D and Dense default to glorotNormal,
 *    Keras to glorot_uniform;
 *  - Softmax: TF.js' layer defaults to axis 1, Keras to -1;
 *  - pooling `strides=None` means "equal to pool_size" in both, so it is simply omitted.
 *
 * Keras arguments TF.js cannot honour raise {@link UnsupportedConfigError}; Keras classes
 * TF.js lacks raise {@link UnsupportedLayerError}. Arguments neither recognised here nor in
 * the Keras base Layer raise too (Keras itself rejects unknown keyword arguments).
 */

import type * as tfjs from '@tensorflow/tfjs';
import { isUnknown, type ConfigValue, type LayerSpec } from '../model/spec';
import { UnresolvedLayerError, UnsupportedConfigError, UnsupportedLayerError } from './errors';

/** A factory function name in `tf.layers` ('conv2d', 'maxPooling2d', ...). */
export type TfjsFactory = keyof typeof tfjs.layers;

export interface TfjsLayerConfig {
  /** The `tf.layers` factory that builds the layer. */
  factory: TfjsFactory;
  /** Its argument object, in TF.js' camelCase spelling. */
  args: Record<string, unknown>;
  /**
   * Set when the TF.js layer is a stand-in rather than an exact equivalent (a training-only
   * augmentation layer built as an identity); the text says what is lost.
   */
  substitute?: string;
  /**
   * SeparableConv2D only: TF.js (4.x) builds the pointwise kernel with the *depthwise*
   * initialiser, ignoring `pointwiseInitializer`. When the Keras config asks for a different
   * one, the builder sets it on the layer after construction.
   */
  pointwiseInitializer?: unknown;
}

export interface TfjsConfigOptions {
  /**
   * Which name to give the TF.js layer: Keras' (`layer.name`, default) or the one TF.js
   * would have given it (`layer.tfjsName`). Invalid TF.js names are dropped (TF.js then
   * generates one).
   */
  naming?: 'keras' | 'tfjs';
  /**
   * Keras random augmentation layers (RandomFlip, RandomRotation, RandomZoom,
   * RandomTranslation, RandomContrast) have no TF.js equivalent. They are the identity at
   * inference time and add no weights, so by default ('identity') they are built as a
   * linear Activation layer of the same name: shapes, parameter counts and predictions
   * match Keras, but *training* sees no augmentation. 'error' throws UnsupportedLayerError.
   */
  augmentation?: 'identity' | 'error';
}

/** Classes whose applied form takes a list of tensors. */
export const MERGE_CLASSES: ReadonlySet<string> = new Set([
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate',
]);

const AUGMENTATION_CLASSES: ReadonlySet<string> = new Set([
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast',
  'RandomCrop', 'RandomBrightness', 'RandomHeight', 'RandomWidth',
]);

/** Keras base-Layer arguments consumed elsewhere (input shape: the builder) or meaningless to TF.js. */
const IGNORED_BASE_ARGS = ['name', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim', 'autocast', 'dynamic', 'input_dtype'];

const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

// ---------------------------------------------------------------------------------------
// Reading config values

function unknownIn(v: ConfigValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return v.unknown;
  if (Array.isArray(v)) {
    for (const item of v) {
      const r = unknownIn(item);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof v === 'object') {
    for (const item of Object.values(v)) {
      const r = unknownIn(item);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Reads a layer's config, remembering which keys were consumed so leftovers can be reported. */
class ArgReader {
  private readonly used = new Set<string>();

  constructor(readonly layer: LayerSpec) {}

  /** The raw value (undefined when absent or None/null); throws on values unknown statically. */
  raw(key: string): ConfigValue | undefined {
    this.used.add(key);
    const v = this.layer.config[key];
    const reason = unknownIn(v);
    if (reason !== undefined) throw new UnresolvedLayerError(this.layer, `argument '${key}': ${reason}`);
    return v === null ? undefined : v;
  }

  fail(key: string, reason: string): never {
    throw new UnsupportedConfigError(this.layer, key, reason);
  }

  number(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number') this.fail(key, `expected a number, got ${JSON.stringify(v)}`);
    return v;
  }

  requiredNumber(key: string): number {
    const v = this.number(key);
    if (v === undefined) this.fail(key, 'this argument is required');
    return v;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(key, `expected a boolean, got ${JSON.stringify(v)}`);
    return v;
  }

  /** An int or a tuple of `rank` ints (Keras accepts both for kernel_size, strides, ...). */
  intTuple(key: string, rank: number): number | number[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && v.length === rank && v.every((x) => typeof x === 'number')) return [...v] as number[]; // a copy: tfjs layers mutate the arrays they are given (Reshape rewrites -1)
    return this.fail(key, `expected an int or a tuple of ${rank} ints, got ${JSON.stringify(v)}`);
  }

  /** Like intTuple but always returns the expanded tuple. */
  intTupleExpanded(key: string, rank: number): number[] | undefined {
    const v = this.intTuple(key, rank);
    return typeof v === 'number' ? new Array<number>(rank).fill(v) : v;
  }

  /** A list of ints (possibly with None = null), e.g. Reshape's target_shape or noise_shape. */
  intList(key: string, allowNull: boolean): (number | null)[] | undefined {
    const v = this.layer.config[key];
    this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number' || (allowNull && x === null))) return [...v] as (number | null)[]; // a copy: tfjs mutates it
    return this.fail(key, `expected a tuple of ints, got ${JSON.stringify(v)}`);
  }

  /** Throws for any config key not consumed: Keras rejects unknown keyword arguments. */
  finish(): void {
    for (const key of Object.keys(this.layer.config)) {
      if (this.used.has(key) || IGNORED_BASE_ARGS.includes(key)) continue;
      const v = this.layer.config[key];
      this.fail(key, `not a ${this.layer.className} argument, or not one TF.js supports (value ${JSON.stringify(v)})`);
    }
  }

  /** Consumes a key whose only TF.js-compatible value is its Keras default. */
  onlyDefault(key: string, isDefault: (v: ConfigValue) => boolean, reason: string): void {
    const v = this.raw(key);
    if (v !== undefined && !isDefault(v)) this.fail(key, reason);
  }
}

// ---------------------------------------------------------------------------------------
// Identifiers: activations, initialisers, regularisers, constraints

/** Lower-case, underscores removed: 'glorot_uniform', 'GlorotUniform', 'glorotUniform' -> 'glorotuniform'. */
function squash(s: string): string {
  return s.replace(/_/g, '').toLowerCase();
}

const ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid',
  softmax: 'softmax', softplus: 'softplus', softsign: 'softsign', tanh: 'tanh', swish: 'swish',
  silu: 'swish', mish: 'mish', gelu: 'gelu', logsoftmax: 'logSoftmax',
};

function activation(a: ArgReader, key = 'activation'): string {
  const v = a.string(key);
  if (v === undefined || v === 'None') return 'linear';
  // TF.js' hardSigmoid is Keras 2's clip(0.2x + 0.5); Keras 3's hard_sigmoid is relu6(x + 3) / 6.
  // A TF.js spelling means TF.js semantics; the Keras spelling cannot be reproduced.
  if (v === 'hardSigmoid') return v;
  const id = ACTIVATIONS[squash(v)];
  if (id === undefined) {
    a.fail(key, squash(v) === 'hardsigmoid'
      ? "Keras 3's hard_sigmoid (relu6(x + 3) / 6) differs from TF.js' hardSigmoid (0.2x + 0.5)"
      : `TF.js has no activation '${v}'`);
  }
  return id;
}

const INITIALIZERS: Record<string, string> = {
  glorotuniform: 'glorotUniform', glorotnormal: 'glorotNormal', heuniform: 'heUniform', henormal: 'heNormal',
  lecununiform: 'leCunUniform', lecunnormal: 'leCunNormal', zeros: 'zeros', zero: 'zeros', ones: 'ones', one: 'ones',
  orthogonal: 'orthogonal', identity: 'identity', constant: 'constant', randomnormal: 'randomNormal', normal: 'randomNormal',
  randomuniform: 'randomUniform', uniform: 'randomUniform', truncatednormal: 'truncatedNormal', variancescaling: 'varianceScaling',
};

const VARIANCE_SCALING_VALUES: Record<string, string> = {
  fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg', truncated_normal: 'truncatedNormal', untruncated_normal: 'normal',
};

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Keras serialised object `{class_name, config}` -> TF.js `{className, config}` with camelCase keys. */
function serialisedObject(v: ConfigValue): { cls: string; config: Record<string, unknown> } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isUnknown(v)) return undefined;
  const cls = v['class_name'] ?? v['className'];
  if (typeof cls !== 'string') return undefined;
  const inner = v['config'];
  const config: Record<string, unknown> = {};
  if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
    for (const [k, x] of Object.entries(inner)) {
      config[snakeToCamel(k)] = typeof x === 'string' && VARIANCE_SCALING_VALUES[x] ? VARIANCE_SCALING_VALUES[x] : x;
    }
  }
  return { cls, config };
}

/** An initialiser identifier, with `kerasDefault` (a TF.js identifier) when absent. */
function initializer(a: ArgReader, key: string, kerasDefault: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return kerasDefault;
  if (typeof v === 'string') {
    const id = INITIALIZERS[squash(v)];
    if (id === undefined) a.fail(key, `TF.js has no initializer '${v}'`);
    return id;
  }
  const obj = serialisedObject(v);
  const id = obj && INITIALIZERS[squash(obj.cls)];
  if (!obj || id === undefined) return a.fail(key, `unsupported initializer ${JSON.stringify(v)}`);
  return { className: id.charAt(0).toUpperCase() + id.slice(1), config: obj.config };
}

/** A regulariser as a TF.js serialised L1L2 (which TF.js deserialises), or undefined. */
function regularizer(a: ArgReader, key: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return undefined;
  let l1 = 0;
  let l2 = 0;
  if (typeof v === 'string') {
    // Keras' string forms use the class defaults: L1(0.01), L2(0.01), L1L2(0, 0).
    const s = squash(v);
    if (s === 'l1') l1 = 0.01;
    else if (s === 'l2') l2 = 0.01;
    else if (s !== 'l1l2') a.fail(key, `unsupported regularizer '${v}'`);
  } else {
    const obj = serialisedObject(v);
    const cfg = obj ? obj.config : (typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
    const cls = obj ? squash(obj.cls) : 'l1l2';
    if (!cfg || !['l1', 'l2', 'l1l2'].includes(cls)) return a.fail(key, `unsupported regularizer ${JSON.stringify(v)}`);
    const num = (x: unknown, def: number): number => (typeof x === 'number' ? x : def);
    l1 = num(cfg['l1'], cls === 'l1' ? 0.01 : 0);
    l2 = num(cfg['l2'], cls === 'l2' ? 0.01 : 0);
  }
  return { className: 'L1L2', config: { l1, l2 } };
}

const CONSTRAINTS: Record<string, string> = { maxnorm: 'maxNorm', nonneg: 'nonNeg', unitnorm: 'unitNorm', minmaxnorm: 'minMaxNorm' };

function constraint(a: ArgReader, key: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return undefined;
  const id = typeof v === 'string' ? CONSTRAINTS[squash(v)] : undefined;
  if (id === undefined) a.fail(key, `unsupported constraint ${JSON.stringify(v)} (only the string forms are translated)`);
  return id;
}

// ---------------------------------------------------------------------------------------
// Arguments shared by several layers

function padding(a: ArgReader, allowed: readonly string[] = ['valid', 'same']): string | undefined {
  const v = a.string('padding');
  if (v === undefined) return undefined;
  const p = v.toLowerCase();
  if (!allowed.includes(p)) {
    a.fail('padding', p === 'causal' ? "TF.js does not implement 'causal' padding" : `expected one of ${allowed.join(', ')}, got '${v}'`);
  }
  return p;
}

/** TF.js layers here are built channels-last; Keras' default data_format is channels_last too. */
function dataFormat(a: ArgReader): void {
  const v = a.string('data_format');
  if (v !== undefined && squash(v) !== 'channelslast') {
    a.fail('data_format', `only channels_last is supported (TF.js CPU/WebGL kernels are channels-last), got '${v}'`);
  }
}

function isOne(v: ConfigValue): boolean {
  return v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
}

/** Base-Layer arguments every TF.js layer accepts. */
function baseArgs(a: ArgReader, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (TFJS_NAME.test(name)) out['name'] = name;
  const trainable = a.bool('trainable');
  if (trainable !== undefined) out['trainable'] = trainable;
  const dtype = a.raw('dtype');
  if (dtype !== undefined) {
    if (dtype !== 'float32' && dtype !== 'int32') a.fail('dtype', `TF.js supports float32 and int32 layers, got ${JSON.stringify(dtype)}`);
    out['dtype'] = dtype;
  }
  a.onlyDefault('weights', () => false, 'initial weights cannot be passed through a static spec');
  // TF.js throws 'Layer invocation in the presence of activity regularizer(s) is not supported yet'.
  a.onlyDefault('activity_regularizer', () => false, 'TF.js cannot apply a layer that has an activity regularizer');
  return out;
}

/** Arguments common to Conv1D/Conv2D/Conv2DTranspose/Dense: activation, bias, kernel/bias initialisers, ... */
function kernelArgs(a: ArgReader, out: Record<string, unknown>): void {
  out['activation'] = activation(a);
  const useBias = a.bool('use_bias');
  if (useBias !== undefined) out['useBias'] = useBias;
  out['kernelInitializer'] = initializer(a, 'kernel_initializer', 'glorotUniform');
  out['biasInitializer'] = initializer(a, 'bias_initializer', 'zeros');
  setIfDefined(out, 'kernelRegularizer', regularizer(a, 'kernel_regularizer'));
  setIfDefined(out, 'biasRegularizer', regularizer(a, 'bias_regularizer'));
  setIfDefined(out, 'kernelConstraint', constraint(a, 'kernel_constraint'));
  setIfDefined(out, 'biasConstraint', constraint(a, 'bias_constraint'));
}

function setIfDefined(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined) out[key] = v;
}

/** kernel_size / strides / padding / dilation_rate of an N-D convolution. */
function convGeometry(a: ArgReader, out: Record<string, unknown>, rank: number, paddings?: readonly string[]): void {
  const kernelSize = a.intTuple('kernel_size', rank);
  if (kernelSize === undefined) a.fail('kernel_size', 'this argument is required');
  out['kernelSize'] = kernelSize;
  setIfDefined(out, 'strides', a.intTuple('strides', rank));
  setIfDefined(out, 'padding', padding(a, paddings));
  setIfDefined(out, 'dilationRate', a.intTuple('dilation_rate', rank));
  const strides = out['strides'];
  const dilation = out['dilationRate'];
  if (strides !== undefined && dilation !== undefined && !isOne(strides as ConfigValue) && !isOne(dilation as ConfigValue)) {
    a.fail('dilation_rate', 'strides > 1 together with dilation_rate > 1 is rejected by Keras and unsupported by TF.js');
  }
  dataFormat(a);
}

// ---------------------------------------------------------------------------------------
// Per-class translations

type Translator = (a: ArgReader, out: Record<string, unknown>) => TfjsFactory;

function conv(rank: 1 | 2): Translator {
  return (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, rank);
    a.onlyDefault('groups', (v) => v === 1, 'TF.js has no grouped convolution');
    kernelArgs(a, out);
    return rank === 1 ? 'conv1d' : 'conv2d';
  };
}

function pooling(rank: 1 | 2, factory: TfjsFactory): Translator {
  return (a, out) => {
    setIfDefined(out, 'poolSize', a.intTuple('pool_size', rank));
    // Keras strides=None means strides = pool_size, which is also TF.js' default.
    setIfDefined(out, 'strides', a.intTuple('strides', rank));
    setIfDefined(out, 'padding', padding(a));
    dataFormat(a);
    return factory;
  };
}

function globalPooling(factory: TfjsFactory): Translator {
  return (a) => {
    dataFormat(a);
    a.onlyDefault('keepdims', (v) => v === false, 'TF.js global pooling has no keepdims');
    return factory;
  };
}

function merge(factory: TfjsFactory): Translator {
  return () => factory;
}

function identityForAugmentation(): Translator {
  return (a) => {
    // Consume every argument: the stand-in takes none of them.
    for (const key of Object.keys(a.layer.config)) a.raw(key);
    return 'activation';
  };
}

const TRANSLATORS: Record<string, Translator> = {
  Conv1D: conv(1),
  Conv2D: conv(2),
  Conv2DTranspose: (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, 2);
    if (out['dilationRate'] !== undefined && !isOne(out['dilationRate'] as ConfigValue)) {
      a.fail('dilation_rate', 'TF.js Conv2DTranspose ignores dilation');
    }
    a.onlyDefault('output_padding', () => false, 'TF.js Conv2DTranspose has no output_padding');
    kernelArgs(a, out);
    return 'conv2dTranspose';
  },
  SeparableConv2D: (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, 2);
    setIfDefined(out, 'depthMultiplier', a.number('depth_multiplier'));
    out['activation'] = activation(a);
    setIfDefined(out, 'useBias', a.bool('use_bias'));
    out['depthwiseInitializer'] = initializer(a, 'depthwise_initializer', 'glorotUniform');
    out['pointwiseInitializer'] = initializer(a, 'pointwise_initializer', 'glorotUniform');
    out['biasInitializer'] = initializer(a, 'bias_initializer', 'zeros');
    setIfDefined(out, 'depthwiseRegularizer', regularizer(a, 'depthwise_regularizer'));
    setIfDefined(out, 'pointwiseRegularizer', regularizer(a, 'pointwise_regularizer'));
    setIfDefined(out, 'biasRegularizer', regularizer(a, 'bias_regularizer'));
    setIfDefined(out, 'depthwiseConstraint', constraint(a, 'depthwise_constraint'));
    setIfDefined(out, 'pointwiseConstraint', constraint(a, 'pointwise_constraint'));
    setIfDefined(out, 'biasConstraint', constraint(a, 'bias_constraint'));
    return 'separableConv2d';
  },
  DepthwiseConv2D: (a, out) => {
    convGeometry(a, out, 2);
    if (out['dilationRate'] !== undefined && !isOne(out['dilationRate'] as ConfigValue)) {
      a.fail('dilation_rate', 'TF.js DepthwiseConv2D ignores dilation');
    }
    setIfDefined(out, 'depthMultiplier', a.number('depth_multiplier'));
    out['activation'] = activation(a);
    setIfDefined(out, 'useBias', a.bool('use_bias'));
    out['depthwiseInitializer'] = initializer(a, 'depthwise_initializer', 'glorotUniform');
    out['biasInitializer'] = initializer(a, 'bias_initializer', 'zeros');
    setIfDefined(out, 'depthwiseRegularizer', regularizer(a, 'depthwise_regularizer'));
    setIfDefined(out, 'biasRegularizer', regularizer(a, 'bias_regularizer'));
    setIfDefined(out, 'depthwiseConstraint', constraint(a, 'depthwise_constraint'));
    setIfDefined(out, 'biasConstraint', constraint(a, 'bias_constraint'));
    return 'depthwiseConv2d';
  },
  MaxPooling1D: pooling(1, 'maxPooling1d'),
  AveragePooling1D: pooling(1, 'averagePooling1d'),
  MaxPooling2D: pooling(2, 'maxPooling2d'),
  AveragePooling2D: pooling(2, 'averagePooling2d'),
  GlobalAveragePooling1D: globalPooling('globalAveragePooling1d'),
  GlobalMaxPooling1D: globalPooling('globalMaxPooling1d'),
  GlobalAveragePooling2D: globalPooling('globalAveragePooling2d'),
  GlobalMaxPooling2D: globalPooling('globalMaxPooling2d'),
  Flatten: (a) => {
    dataFormat(a);
    return 'flatten';
  },
  Dense: (a, out) => {
    out['units'] = a.requiredNumber('units');
    kernelArgs(a, out);
    a.onlyDefault('lora_rank', () => false, 'TF.js Dense has no LoRA');
    return 'dense';
  },
  Dropout: (a, out) => {
    out['rate'] = a.requiredNumber('rate');
    setIfDefined(out, 'noiseShape', a.intList('noise_shape', true));
    setIfDefined(out, 'seed', a.number('seed'));
    return 'dropout';
  },
  // Keras' SpatialDropout2D is exactly Dropout with noise shape (batch, 1, 1, channels) in
  // channels_last; TF.js' Dropout fills the None entries from the input, so this is exact.
  SpatialDropout2D: (a, out) => {
    out['rate'] = a.requiredNumber('rate');
    setIfDefined(out, 'seed', a.number('seed'));
    dataFormat(a);
    out['noiseShape'] = [null, 1, 1, null];
    return 'dropout';
  },
  BatchNormalization: (a, out) => {
    setIfDefined(out, 'axis', a.number('axis'));
    setIfDefined(out, 'momentum', a.number('momentum'));
    setIfDefined(out, 'epsilon', a.number('epsilon'));
    setIfDefined(out, 'center', a.bool('center'));
    setIfDefined(out, 'scale', a.bool('scale'));
    out['betaInitializer'] = initializer(a, 'beta_initializer', 'zeros');
    out['gammaInitializer'] = initializer(a, 'gamma_initializer', 'ones');
    out['movingMeanInitializer'] = initializer(a, 'moving_mean_initializer', 'zeros');
    out['movingVarianceInitializer'] = initializer(a, 'moving_variance_initializer', 'ones');
    setIfDefined(out, 'betaRegularizer', regularizer(a, 'beta_regularizer'));
    setIfDefined(out, 'gammaRegularizer', regularizer(a, 'gamma_regularizer'));
    setIfDefined(out, 'betaConstraint', constraint(a, 'beta_constraint'));
    setIfDefined(out, 'gammaConstraint', constraint(a, 'gamma_constraint'));
    // synchronized only matters for multi-device training; the single-device result is the same.
    a.bool('synchronized');
    return 'batchNormalization';
  },
  LayerNormalization: (a, out) => {
    const axis = a.raw('axis');
    if (axis !== undefined) {
      if (typeof axis !== 'number' && !(Array.isArray(axis) && axis.every((x) => typeof x === 'number'))) {
        a.fail('axis', `expected an int or a list of ints, got ${JSON.stringify(axis)}`);
      }
      out['axis'] = axis;
    }
    setIfDefined(out, 'epsilon', a.number('epsilon'));
    setIfDefined(out, 'center', a.bool('center'));
    setIfDefined(out, 'scale', a.bool('scale'));
    a.onlyDefault('rms_scaling', (v) => v === false, 'TF.js LayerNormalization has no rms_scaling');
    out['betaInitializer'] = initializer(a, 'beta_initializer', 'zeros');
    out['gammaInitializer'] = initializer(a, 'gamma_initializer', 'ones');
    setIfDefined(out, 'betaRegularizer', regularizer(a, 'beta_regularizer'));
    setIfDefined(out, 'gammaRegularizer', regularizer(a, 'gamma_regularizer'));
    a.onlyDefault('beta_constraint', () => false, 'TF.js LayerNormalization has no constraints');
    a.onlyDefault('gamma_constraint', () => false, 'TF.js LayerNormalization has no constraints');
    return 'layerNormalization';
  },
  Activation: (a, out) => {
    out['activation'] = activation(a);
    return 'activation';
  },
  ReLU: (a, out) => {
    const maxValue = a.number('max_value');
    const slope = a.number('negative_slope') ?? 0;
    const threshold = a.number('threshold') ?? 0;
    if (threshold !== 0) a.fail('threshold', 'TF.js ReLU has no threshold');
    if (slope !== 0) {
      // ReLU(negative_slope=s) without a cap is exactly LeakyReLU(s).
      if (maxValue !== undefined) a.fail('negative_slope', 'TF.js has no capped leaky ReLU');
      out['alpha'] = slope;
      return 'leakyReLU';
    }
    setIfDefined(out, 'maxValue', maxValue);
    return 'reLU';
  },
  LeakyReLU: (a, out) => {
    // Keras 3 calls it negative_slope, Keras 2 alpha; both default to 0.3, as TF.js' alpha does.
    const slope = a.number('negative_slope') ?? a.number('alpha');
    setIfDefined(out, 'alpha', slope);
    return 'leakyReLU';
  },
  Softmax: (a, out) => {
    out['axis'] = a.number('axis') ?? -1;
    return 'softmax';
  },
  Reshape: (a, out) => {
    const target = a.intList('target_shape', false);
    if (target === undefined) a.fail('target_shape', 'this argument is required');
    out['targetShape'] = target;
    return 'reshape';
  },
  ZeroPadding2D: (a, out) => {
    setIfDefined(out, 'padding', nestedPadding(a, 'padding'));
    dataFormat(a);
    return 'zeroPadding2d';
  },
  Cropping2D: (a, out) => {
    out['cropping'] = nestedPadding(a, 'cropping') ?? 0;
    dataFormat(a);
    return 'cropping2D';
  },
  UpSampling2D: (a, out) => {
    setIfDefined(out, 'size', a.intTupleExpanded('size', 2));
    const interpolation = a.string('interpolation');
    if (interpolation !== undefined) {
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') a.fail('interpolation', `TF.js supports 'nearest' and 'bilinear', got '${interpolation}'`);
      out['interpolation'] = interpolation;
    }
    dataFormat(a);
    return 'upSampling2d';
  },
  Add: merge('add'),
  Multiply: merge('multiply'),
  Average: merge('average'),
  Maximum: merge('maximum'),
  Minimum: merge('minimum'),
  Concatenate: (a, out) => {
    setIfDefined(out, 'axis', a.number('axis'));
    return 'concatenate';
  },
  Rescaling: (a, out) => {
    out['scale'] = a.requiredNumber('scale');
    setIfDefined(out, 'offset', a.number('offset'));
    return 'rescaling';
  },
  Resizing: (a, out) => {
    out['height'] = a.requiredNumber('height');
    out['width'] = a.requiredNumber('width');
    const interpolation = a.string('interpolation');
    if (interpolation !== undefined) {
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') a.fail('interpolation', `TF.js supports 'nearest' and 'bilinear', got '${interpolation}'`);
      out['interpolation'] = interpolation;
    }
    // TF.js treats cropToAspectRatio as "not alignCorners" and never crops.
    a.onlyDefault('crop_to_aspect_ratio', (v) => v === false, 'TF.js Resizing does not implement crop_to_aspect_ratio');
    a.onlyDefault('pad_to_aspect_ratio', (v) => v === false, 'TF.js Resizing has no pad_to_aspect_ratio');
    a.raw('fill_mode'); // only used with pad_to_aspect_ratio
    a.raw('fill_value');
    dataFormat(a);
    return 'resizing';
  },
};

/** ZeroPadding2D / Cropping2D: int, (sym_h, sym_w) or ((top, bottom), (left, right)). */
function nestedPadding(a: ArgReader, key: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2) {
    // Copies: tfjs layers may rewrite the arrays they are given, and these belong to the spec.
    if (v.every((x) => typeof x === 'number')) return [...v];
    if (v.every((x) => Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'number'))) return v.map((x) => [...(x as number[])]);
  }
  return a.fail(key, `expected an int, a pair of ints or a pair of pairs, got ${JSON.stringify(v)}`);
}

/** Keras classes TF.js (4.x) lacks, with the reason given to the user. */
const LACKING: Record<string, string> = {
  Subtract: 'TF.js has no Subtract merge layer.',
  Lambda: 'a Lambda runs arbitrary Python and cannot be translated.',
  InputLayer: 'an InputLayer is created by buildTfjsModel (tf.input), not translated as a layer.',
};

/**
 * Translates one layer. Throws {@link UnresolvedLayerError} for a layer the reader could not
 * resolve, {@link UnsupportedLayerError} for a class TF.js lacks, {@link UnsupportedConfigError}
 * for an argument TF.js cannot honour. InputLayer and nested models are the builder's job.
 */
export function toTfjsConfig(layer: LayerSpec, options: TfjsConfigOptions = {}): TfjsLayerConfig {
  if (layer.unresolved !== undefined) throw new UnresolvedLayerError(layer, layer.unresolved);
  const name = options.naming === 'tfjs' ? layer.tfjsName : layer.name;
  const a = new ArgReader(layer);

  if (AUGMENTATION_CLASSES.has(layer.className)) {
    if (options.augmentation === 'error') {
      throw new UnsupportedLayerError(layer, `TF.js has no ${layer.className} augmentation layer.`);
    }
    identityForAugmentation()(a, {});
    const args = baseArgs(a, name);
    return {
      factory: 'activation',
      args: { ...args, activation: 'linear' },
      substitute: `${layer.className} built as an identity: same shape, no weights, same inference output, but no augmentation while training.`,
    };
  }

  const translate = TRANSLATORS[layer.className];
  if (translate === undefined) {
    throw new UnsupportedLayerError(layer, LACKING[layer.className]);
  }
  const args = baseArgs(a, name);
  const factory = translate(a, args);
  a.finish();

  const result: TfjsLayerConfig = { factory, args };
  if (factory === 'separableConv2d' && JSON.stringify(args['pointwiseInitializer']) !== JSON.stringify(args['depthwiseInitializer'])) {
    result.pointwiseInitializer = args['pointwiseInitializer'];
  }
  return result;
}

/**
 * The input shape (without the batch axis) a layer's config declares: InputLayer's `shape`
 * / `batch_shape` (Keras 3) or `input_shape` / `batch_input_shape` (Keras 2), or any layer's
 * `input_shape` / `batch_input_shape` / `input_dim` keyword. Undefined when none is given.
 */
export function declaredInputShape(layer: LayerSpec): (number | null)[] | undefined {
  const c = layer.config;
  const asShape = (key: string): (number | null)[] | undefined => {
    const v = c[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return [v];
    const reason = unknownIn(v);
    if (reason !== undefined) throw new UnresolvedLayerError(layer, `argument '${key}': ${reason}`);
    if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null)) return v as (number | null)[];
    throw new UnsupportedConfigError(layer, key, `expected a shape tuple, got ${JSON.stringify(v)}`);
  };
  const shape = asShape('shape') ?? asShape('input_shape');
  if (shape) return shape;
  const batchShape = asShape('batch_shape') ?? asShape('batch_input_shape');
  if (batchShape) return batchShape.slice(1);
  const inputDim = c['input_dim'];
  if (typeof inputDim === 'number') return [inputDim];
  return undefined;
}
