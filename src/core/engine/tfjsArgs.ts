/**
 * Reading one Keras layer config for TF.js: an ArgReader that remembers which keys were
 * consumed (leftovers are Keras errors), and converters for activations, initialisers,
 * regularisers, constraints, padding and convolution geometry.
 */
import { isUnknown, type ConfigValue, type LayerSpec } from '../model/spec';
import { UnresolvedLayerError, UnsupportedConfigError } from './errors';

/** Keras base-Layer arguments consumed elsewhere (input shape: the builder) or meaningless to TF.js. */
export const IGNORED_BASE_ARGS = ['name', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim', 'autocast', 'dynamic', 'input_dtype'];

export const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

// ---------------------------------------------------------------------------------------
// Reading config values

export function unknownIn(v: ConfigValue | undefined): string | undefined {
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
export class ArgReader {
  private readonly used = new Set<string>();

  constructor(readonly layer: LayerSpec) {}

  /** The raw value (undefined when absent or None/null); throws on values unknown statically. */
  raw(key: string): ConfigValue | undefined {
    this.used.add(key);
    const v = this.layer.config[key];
    const reason = unknownIn(v);
    if (reason !== undefined) throw new UnresolvedLayerError(this.layer, `argument '${key}': ${reason}`);
    return v ?? undefined;
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
export function squash(s: string): string {
  return s.replace(/_/g, '').toLowerCase();
}

export const ACTIVATIONS: Record<string, string> = {
  linear: 'linear', relu: 'relu', relu6: 'relu6', elu: 'elu', selu: 'selu', sigmoid: 'sigmoid',
  softmax: 'softmax', softplus: 'softplus', softsign: 'softsign', tanh: 'tanh', swish: 'swish',
  silu: 'swish', mish: 'mish', gelu: 'gelu', logsoftmax: 'logSoftmax',
};

export function activation(a: ArgReader, key = 'activation'): string {
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

export const INITIALIZERS: Record<string, string> = {
  glorotuniform: 'glorotUniform', glorotnormal: 'glorotNormal', heuniform: 'heUniform', henormal: 'heNormal',
  lecununiform: 'leCunUniform', lecunnormal: 'leCunNormal', zeros: 'zeros', zero: 'zeros', ones: 'ones', one: 'ones',
  orthogonal: 'orthogonal', identity: 'identity', constant: 'constant', randomnormal: 'randomNormal', normal: 'randomNormal',
  randomuniform: 'randomUniform', uniform: 'randomUniform', truncatednormal: 'truncatedNormal', variancescaling: 'varianceScaling',
};

export const VARIANCE_SCALING_VALUES: Record<string, string> = {
  fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg', truncated_normal: 'truncatedNormal', untruncated_normal: 'normal',
};

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Keras serialised object `{class_name, config}` -> TF.js `{className, config}` with camelCase keys. */
export function serialisedObject(v: ConfigValue): { cls: string; config: Record<string, unknown> } | undefined {
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
export function initializer(a: ArgReader, key: string, kerasDefault: string): unknown {
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
export function regularizer(a: ArgReader, key: string): unknown {
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

export const CONSTRAINTS: Record<string, string> = { maxnorm: 'maxNorm', nonneg: 'nonNeg', unitnorm: 'unitNorm', minmaxnorm: 'minMaxNorm' };

export function constraint(a: ArgReader, key: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return undefined;
  const id = typeof v === 'string' ? CONSTRAINTS[squash(v)] : undefined;
  if (id === undefined) a.fail(key, `unsupported constraint ${JSON.stringify(v)} (only the string forms are translated)`);
  return id;
}

// ---------------------------------------------------------------------------------------
// Arguments shared by several layers

export function padding(a: ArgReader, allowed: readonly string[] = ['valid', 'same']): string | undefined {
  const v = a.string('padding');
  if (v === undefined) return undefined;
  const p = v.toLowerCase();
  if (!allowed.includes(p)) {
    a.fail('padding', p === 'causal' ? "TF.js does not implement 'causal' padding" : `expected one of ${allowed.join(', ')}, got '${v}'`);
  }
  return p;
}

/** TF.js layers here are built channels-last; Keras' default data_format is channels_last too. */
export function dataFormat(a: ArgReader): void {
  const v = a.string('data_format');
  if (v !== undefined && squash(v) !== 'channelslast') {
    a.fail('data_format', `only channels_last is supported (TF.js CPU/WebGL kernels are channels-last), got '${v}'`);
  }
}

export function isOne(v: ConfigValue): boolean {
  return v === 1 || (Array.isArray(v) && v.every((x) => x === 1));
}

/** Base-Layer arguments every TF.js layer accepts. */
export function baseArgs(a: ArgReader, name: string): Record<string, unknown> {
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
export function kernelArgs(a: ArgReader, out: Record<string, unknown>): void {
  out['activation'] = activation(a);
  const useBias = a.bool('use_bias');
  if (useBias !== undefined) out['useBias'] = useBias;
  weightArgs(a, out, 'kernel', 'glorotUniform');
  weightArgs(a, out, 'bias', 'zeros');
}

/**
 * One weight's initialiser, regulariser and constraint: Keras `kernel_initializer` ->
 * TF.js `kernelInitializer` and so on, with Keras' default initialiser made explicit.
 * `constraints: false` for layers whose TF.js version takes none.
 */
export function weightArgs(a: ArgReader, out: Record<string, unknown>, weight: string, kerasDefault: string, constraints = true): void {
  out[`${weight}Initializer`] = initializer(a, `${weight}_initializer`, kerasDefault);
  setIfDefined(out, `${weight}Regularizer`, regularizer(a, `${weight}_regularizer`));
  if (constraints) setIfDefined(out, `${weight}Constraint`, constraint(a, `${weight}_constraint`));
}

export function setIfDefined(out: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined) out[key] = v;
}

/** kernel_size / strides / padding / dilation_rate of an N-D convolution. */
export function convGeometry(a: ArgReader, out: Record<string, unknown>, rank: number, paddings?: readonly string[]): void {
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
