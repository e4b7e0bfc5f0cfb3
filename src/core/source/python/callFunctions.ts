/**
 * The tensor functions a custom layer's `call` may use — keras.ops, tf, tf.math, tf.nn,
 * keras.backend (K) and the layers' function forms — as shape expressions
 * (model/customLayer.ts). Names are matched on their last part (`ops.mean`, `tf.reduce_mean`),
 * with the argument names and defaults of the library the path comes from. Anything not
 * listed here is unknown, with its name, never guessed.
 */
import type { DimExpr, ShapeExpr } from '../../model/customLayer';
import { arg, int, shapeValue, tensorsOf, unknown, type Call } from './callArgs';
import { rearrangeFunction } from './rearrangeFunctions';
import type { Sym } from './symbolic';

export type { Call } from './callArgs';


/** Functions of one tensor whose result has the input's shape. */
const ELEMENTWISE_1 = new Set([
  'exp', 'log', 'square', 'sqrt', 'rsqrt', 'abs', 'tanh', 'sigmoid', 'relu', 'relu6', 'softplus', 'softsign', 'negative',
  'cast', 'stop_gradient', 'sin', 'cos', 'log1p', 'expm1', 'sign', 'softmax', 'log_softmax', 'gelu', 'silu', 'swish', 'elu',
  'selu', 'leaky_relu', 'identity', 'round', 'floor', 'ceil', 'erf', 'reciprocal', 'logical_not', 'convert_to_tensor',
  'clip', 'clip_by_value', 'dropout', 'l2_normalize', 'normalize', 'hard_sigmoid', 'zeros_like', 'ones_like', 'cumsum',
  // Rearranging values along an axis keeps the shape (Swin's shifted windows: tf.roll).
  'roll', 'flip', 'reverse', 'sort',
]);
/** Functions of two tensors, broadcast like the arithmetic operators. */
const ELEMENTWISE_2 = new Set([
  'add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power', 'pow', 'true_divide', 'floor_divide', 'mod',
  'squared_difference', 'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal', 'logical_and', 'logical_or',
]);
/** The merge layers' function forms (`layers.add([a, b])`): a list of tensors, broadcast. */
const MERGE = new Set(['add', 'subtract', 'multiply', 'average', 'maximum', 'minimum']);
const REDUCTIONS = new Set(['mean', 'sum', 'max', 'min', 'prod', 'std', 'var', 'logsumexp', 'any', 'all', 'argmax', 'argmin', 'amax', 'amin']);
const RANDOM = new Set(['normal', 'uniform', 'truncated_normal', 'random_normal', 'random_uniform']);

/** An axis argument: an int, a tuple of ints, None (all); `fallback` when absent. */
function axes(s: Sym | undefined, fallback: number[] | null): number[] | null | string {
  if (!s) return fallback;
  if (s.t === 'dim' && s.dim.kind === 'value' && s.dim.value === null) return null;
  const one = int(s);
  if (one !== undefined) return [one];
  if (s.t === 'tuple') {
    const out = s.items.map(int);
    if (out.every((a): a is number => a !== undefined)) return out;
  }
  return 'an axis that is not a known number';
}

function flag(s: Sym | undefined, fallback: boolean): boolean | string {
  if (!s) return fallback;
  return s.t === 'const' && typeof s.value === 'boolean' ? s.value : 'a flag that is not True or False';
}

/** Builds a tensor Sym from the first argument's expression, or passes its reason on. */
function withTensor(c: Call, s: Sym | undefined, f: (x: ShapeExpr) => ShapeExpr | string): Sym {
  if (!s) return unknown(`${c.path}() without a tensor`);
  const t = c.tensor(s);
  if (t.t === 'unknown') return t;
  const out = f(t.expr);
  return typeof out === 'string' ? unknown(`${c.path}(): ${out}`) : { t: 'tensor', expr: out };
}

const value = (v: number): DimExpr => ({ kind: 'value', value: v });

/** `tf.range(limit)`, `tf.range(start, limit, delta)`, `ops.arange(start, stop, step)`: a 1-D tensor. */
function range(c: Call): Sym {
  const first = arg(c, 0, 'start');
  const second = arg(c, 1, 'limit', 'stop');
  const [start, stop] = second ? [first, second] : [{ t: 'dim', dim: value(0) } as Sym, first];
  const step = arg(c, 2, 'delta', 'step') ?? { t: 'dim', dim: value(1) };
  if (start?.t !== 'dim' || stop?.t !== 'dim' || step.t !== 'dim') return unknown(`the bounds of ${c.path}() are not known`);
  const zero = int(start) === 0;
  const length: DimExpr = int(step) === 1
    ? (zero ? stop.dim : { kind: 'op', op: '-', a: stop.dim, b: start.dim })
    : { kind: 'op', op: 'ceildiv', a: zero ? stop.dim : { kind: 'op', op: '-', a: stop.dim, b: start.dim }, b: step.dim };
  return { t: 'tensor', expr: { kind: 'dims', dims: [length] } };
}

/**
 * `tf.image.extract_patches(images, sizes=[1, p, p, 1], strides=[1, s, s, 1], rates=[1, 1, 1, 1], padding)`
 * and `keras.ops.image.extract_patches(images, size, strides=None, dilation_rate=1, padding="valid")`:
 * (batch, rows, cols, p·p·channels), with a convolution's window arithmetic.
 */
function extractPatches(c: Call): Sym {
  const keras = !c.path.startsWith('tf');
  const size = arg(c, 1, keras ? 'size' : 'sizes');
  const strides = arg(c, 2, 'strides');
  const rates = arg(c, 3, keras ? 'dilation_rate' : 'rates');
  const padding = arg(c, 4, 'padding');
  const pair = (s: Sym | undefined): [DimExpr, DimExpr] | undefined => {
    if (s?.t === 'dim') return [s.dim, s.dim];
    if (s?.t !== 'tuple') return undefined;
    const items = keras ? s.items : s.items.slice(1, 3); // tf's are [1, rows, cols, 1]
    if (items.length !== 2 || items.some((d) => d.t !== 'dim')) return undefined;
    return items.map((d) => (d as Extract<Sym, { t: 'dim' }>).dim) as [DimExpr, DimExpr];
  };
  const window = pair(size);
  const step = strides === undefined || (strides.t === 'dim' && strides.dim.kind === 'value' && strides.dim.value === null) ? window : pair(strides);
  if (!window || !step) return unknown(`the patch size or strides of ${c.path}() are not known`);
  if (rates && !(int(rates) === 1 || (rates.t === 'tuple' && rates.items.every((r) => int(r) === 1)))) return unknown(`${c.path}() with dilation is not evaluated`);
  const pad = padding === undefined ? 'valid' : padding.t === 'const' && typeof padding.value === 'string' ? padding.value.toLowerCase() : undefined;
  if (pad !== 'valid' && pad !== 'same') return unknown(`the padding of ${c.path}() is not known`);
  return withTensor(c, arg(c, 0, 'images'), (x) => {
    const axis = (a: number): DimExpr => ({ kind: 'axis', of: x, axis: a });
    const out = (a: number, k: DimExpr, s: DimExpr): DimExpr => (pad === 'same'
      ? { kind: 'op', op: 'ceildiv', a: axis(a), b: s }
      : { kind: 'op', op: '+', a: { kind: 'op', op: '//', a: { kind: 'op', op: '-', a: axis(a), b: k }, b: s }, b: value(1) });
    const depth: DimExpr = { kind: 'op', op: '*', a: { kind: 'op', op: '*', a: window[0], b: window[1] }, b: axis(3) };
    return { kind: 'dims', dims: [axis(0), out(1, window[0], step[0]), out(2, window[1], step[1]), depth] };
  });
}

function reduction(c: Call): Sym {
  // tf.argmax's axis defaults to 0; keras.ops' to None (all axes), like NumPy.
  const fallback = c.fn === 'argmax' || c.fn === 'argmin' ? (c.path.startsWith('tf') ? [0] : null) : null;
  const a = axes(arg(c, 1, 'axis'), fallback);
  const keep = flag(c.keyword.get('keepdims') ?? c.keyword.get('keep_dims') ?? (c.fn.startsWith('arg') ? undefined : c.positional[2]), false);
  if (typeof a === 'string' || typeof keep === 'string') return unknown(`${c.path}(): ${typeof a === 'string' ? a : keep}`);
  return withTensor(c, arg(c, 0, 'x', 'input', 'input_tensor'), (x) => ({ kind: 'reduce', of: x, axes: a, keepdims: keep }));
}

function concatenate(c: Call, stacked: boolean): Sym {
  const list = arg(c, 0, 'values', 'xs', 'tensors', 'arrays', 'inputs');
  if (list?.t !== 'tuple') return unknown(`${c.path}() of something that is not a known list of tensors`);
  // keras.ops.concatenate and stack default to axis 0 as NumPy; K.concatenate and layers.concatenate to -1.
  const fallback = !stacked && /(^|\.)(layers|backend|K)\./.test(c.path) ? -1 : c.path.startsWith('tf') && !stacked ? undefined : 0;
  const axisArg = arg(c, 1, 'axis');
  const axis = axisArg ? int(axisArg) : fallback;
  if (axis === undefined) return unknown(`the axis of ${c.path}() is not known`);
  const parts = tensorsOf(c, list.items);
  if (typeof parts === 'string') return unknown(parts);
  return { t: 'tensor', expr: stacked ? { kind: 'stack', parts, axis } : { kind: 'concat', parts, axis } };
}

function broadcastAll(c: Call, items: Sym[]): Sym {
  const parts = tensorsOf(c, items);
  if (typeof parts === 'string') return unknown(parts);
  return { t: 'tensor', expr: parts.length === 1 ? parts[0] : { kind: 'broadcast', parts } };
}

/** A tensor function's result in `call`, or why it is not known. */
export function tensorFunction(c: Call): Sym {
  const { fn, path, positional } = c;
  const first = arg(c, 0, 'x', 'input', 'tensor', 'input_tensor');
  if (fn === 'shape' || fn === 'int_shape') {
    const x = first ? c.tensor(first) : undefined;
    return x?.t === 'tensor' ? { t: 'shapeOf', of: x.expr } : unknown(`${path}() of something that is not a known tensor`);
  }
  if (RANDOM.has(fn) && path.includes('random') || fn === 'zeros' || fn === 'ones' || fn === 'fill') {
    const shape = shapeValue(arg(c, 0, 'shape', 'dims'), `shape given to ${path}`);
    return typeof shape === 'string' ? unknown(shape) : { t: 'tensor', expr: shape };
  }
  const rearranged = rearrangeFunction(c);
  if (rearranged) return rearranged;
  if (MERGE.has(fn) && /(^|\.)layers\./.test(path)) {
    const list = arg(c, 0, 'inputs');
    return list?.t === 'tuple' ? broadcastAll(c, list.items) : unknown(`${path}() of something that is not a known list of tensors`);
  }
  if (ELEMENTWISE_1.has(fn) && first) return broadcastAll(c, [first]);
  if (ELEMENTWISE_2.has(fn) && positional.length === 2) return broadcastAll(c, positional);
  if (fn === 'where' && positional.length === 3) return broadcastAll(c, positional);
  if (REDUCTIONS.has(fn) || fn.startsWith('reduce_')) return reduction({ ...c, fn: fn.replace(/^reduce_/, '') });
  switch (fn) {
    case 'reshape': {
      const target = arg(c, 1, 'shape', 'newshape', 'new_shape');
      // reshape(q, tf.shape(x)): another tensor's whole shape (the VQ-VAE's quantizer), or one
      // built from its axes (`(batch,) + x.shape[1:]`).
      const shape = shapeValue(target, `shape given to ${path}`);
      if (typeof shape === 'string') return unknown(shape);
      return withTensor(c, first, (x) => (shape.kind === 'dims' ? { kind: 'reshape', of: x, dims: shape.dims } : { kind: 'reshapeTo', of: x, target: shape }));
    }
    case 'concatenate': case 'concat': return concatenate(c, false);
    case 'stack': return concatenate(c, true);
    case 'matmul': {
      const ta = flag(c.keyword.get('transpose_a'), false);
      const tb = flag(c.keyword.get('transpose_b'), false);
      const ab = tensorsOf(c, positional.slice(0, 2));
      if (typeof ab === 'string' || ab.length !== 2) return unknown(typeof ab === 'string' ? ab : `${path}() needs two tensors`);
      if (typeof ta === 'string' || typeof tb === 'string') return unknown(`${path}(): a transpose flag that is not known`);
      return { t: 'tensor', expr: { kind: 'matmul', a: ab[0], b: ab[1], transposeA: ta, transposeB: tb } };
    }
    case 'transpose': {
      const perm = axes(arg(c, 1, 'perm', 'axes'), null);
      return typeof perm === 'string' ? unknown(`${path}(): ${perm}`) : withTensor(c, first, (x) => ({ kind: 'transpose', of: x, perm }));
    }
    case 'expand_dims': {
      const axis = int(arg(c, 1, 'axis'));
      return axis === undefined ? unknown(`the axis of ${path}() is not known`) : withTensor(c, first, (x) => ({ kind: 'expand', of: x, axis }));
    }
    case 'squeeze': {
      const a = axes(arg(c, 1, 'axis'), null);
      return typeof a === 'string' ? unknown(`${path}(): ${a}`) : withTensor(c, first, (x) => ({ kind: 'squeeze', of: x, axes: a }));
    }
    case 'one_hot': {
      const depth = arg(c, 1, 'depth', 'num_classes');
      return depth?.t !== 'dim' ? unknown(`the depth of ${path}() is not known`) : withTensor(c, first, (x) => ({ kind: 'oneHot', of: x, depth: depth.dim }));
    }
    case 'range': case 'arange': return range(c);
    case 'extract_patches': return extractPatches(c);
    // Keras' fuzz factor (1e-7 unless set_epsilon changes it): a Python float, so a scalar here.
    case 'epsilon': return /(^|\.)(backend|config|K)\.epsilon$/.test(path) ? { t: 'dim', dim: value(1e-7) } : unknown(`${path}() in call is not evaluated yet`);
    default: return unknown(`${path}() in call is not evaluated yet`);
  }
}
