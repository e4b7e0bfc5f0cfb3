/**
 * Shape arithmetic of the tensor functions a custom layer's `call` may use (keras.ops, tf,
 * keras.backend), on concrete shapes with Keras' None for an unknown size. Each function
 * returns the output shape, or a sentence saying why Keras would refuse these shapes. The
 * rules are NumPy's (keras.ops follows NumPy): broadcasting, matmul's batch axes, reductions.
 */
import { formatShapeKeras } from '../shapes/format';

export type Shape = (number | null)[];

/** Two sizes that must agree (a concatenation's other axes, matmul's inner axis): None takes the other's. */
function merge(a: number | null, b: number | null): number | null | undefined {
  if (a === null) return b;
  if (b === null || a === b) return a;
  return undefined;
}

/** An axis counted from the end when negative; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** NumPy broadcasting with Keras' None: None against 1 or None stays None. */
export function broadcast(a: Shape, b: Shape): Shape | string {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)];
    const y = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null || y === null) out.push(x ?? y);
    else if (x === y) out.push(x);
    else return `shapes ${formatShapeKeras(a)} and ${formatShapeKeras(b)} do not broadcast`;
  }
  return out;
}

/**
 * `reshape(x, target)`: at most one -1, inferred from the sizes that are known. A None in the
 * target stands for a None of x (the batch axis, `ops.shape(x)[0]`), so they cancel out.
 */
export function reshape(x: Shape, target: Shape): Shape | string {
  const inferred = target.filter((d) => d === -1).length;
  if (inferred > 1) return `reshape to ${formatShapeKeras(target)} has more than one -1`;
  const knownIn = x.filter((d): d is number => d !== null).reduce((p, d) => p * d, 1);
  const knownOut = target.filter((d): d is number => d !== null && d !== -1).reduce((p, d) => p * d, 1);
  const unknownIn = x.filter((d) => d === null).length;
  const unknownOut = target.filter((d) => d === null).length;
  if (inferred === 0) {
    if (unknownIn === 0 && unknownOut === 0 && knownIn !== knownOut) return `cannot reshape ${formatShapeKeras(x)} (${knownIn} values) to ${formatShapeKeras(target)}`;
    return [...target];
  }
  // More unknown sizes in the input than the target accounts for: the -1 is only known at run time.
  if (unknownIn !== unknownOut) return target.map((d) => (d === -1 ? null : d));
  if (knownOut === 0 || knownIn % knownOut !== 0) return `cannot reshape ${formatShapeKeras(x)} to ${formatShapeKeras(target)}`;
  return target.map((d) => (d === -1 ? knownIn / knownOut : d));
}

/** `concatenate(parts, axis)`: the axis adds up, every other axis must agree. */
export function concat(parts: Shape[], axis: number): Shape | string {
  const rank = parts[0]?.length ?? 0;
  if (parts.length === 0) return 'concatenating nothing';
  if (parts.some((p) => p.length !== rank)) return `concatenating tensors of different ranks: ${parts.map((s) => formatShapeKeras(s)).join(', ')}`;
  const a = normalizeAxis(axis, rank);
  if (a === undefined) return `axis ${axis} does not exist in rank-${rank} tensors`;
  const out: Shape = [...parts[0]];
  for (const p of parts.slice(1)) {
    for (let i = 0; i < rank; i++) {
      if (i === a) {
        const [x, y] = [out[i], p[i]];
        out[i] = x === null || y === null ? null : x + y;
      } else {
        const m = merge(out[i], p[i]);
        if (m === undefined) return `cannot concatenate ${parts.map((s) => formatShapeKeras(s)).join(' and ')} on axis ${axis}`;
        out[i] = m;
      }
    }
  }
  return out;
}

/** `stack(parts, axis)`: equal shapes, a new axis of length parts.length. */
export function stack(parts: Shape[], axis: number): Shape | string {
  const first = parts[0];
  if (!first) return 'stacking nothing';
  const same: Shape = [...first];
  for (const p of parts.slice(1)) {
    if (p.length !== same.length) return `stacking tensors of different shapes: ${parts.map((s) => formatShapeKeras(s)).join(', ')}`;
    for (let i = 0; i < p.length; i++) {
      const m = merge(same[i], p[i]);
      if (m === undefined) return `stacking tensors of different shapes: ${parts.map((s) => formatShapeKeras(s)).join(', ')}`;
      same[i] = m;
    }
  }
  const a = normalizeAxis(axis, same.length + 1);
  if (a === undefined) return `axis ${axis} does not exist for stacking rank-${same.length} tensors`;
  return [...same.slice(0, a), parts.length, ...same.slice(a)];
}

/**
 * `matmul(a, b)` / `a @ b`: NumPy's rules. A vector gets a 1 prepended (a) or appended (b)
 * that is dropped again; the axes before the last two broadcast.
 */
export function matmul(a: Shape, b: Shape, transposeA = false, transposeB = false): Shape | string {
  if (a.length === 0 || b.length === 0) return 'matmul of a scalar';
  const x = a.length === 1 ? [1, a[0]] : [...a];
  const y = b.length === 1 ? [b[0], 1] : [...b];
  const swapLast = (s: Shape): void => { [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1], s[s.length - 2]]; };
  if (transposeA && a.length > 1) swapLast(x);
  if (transposeB && b.length > 1) swapLast(y);
  const inner = merge(x[x.length - 1], y[y.length - 2]);
  if (inner === undefined) return `matmul of ${formatShapeKeras(a)} and ${formatShapeKeras(b)}: inner sizes ${x[x.length - 1]} and ${y[y.length - 2]} differ`;
  const batch = broadcast(x.slice(0, -2), y.slice(0, -2));
  if (typeof batch === 'string') return `matmul of ${formatShapeKeras(a)} and ${formatShapeKeras(b)}: ${batch}`;
  const out: Shape = [...batch];
  if (a.length > 1) out.push(x[x.length - 2]);
  if (b.length > 1) out.push(y[y.length - 1]);
  return out;
}

function axesOf(axes: number[] | null, rank: number): Set<number> | string {
  const out = new Set<number>();
  for (const axis of axes ?? [...Array(rank).keys()]) {
    const a = normalizeAxis(axis, rank);
    if (a === undefined) return `axis ${axis} does not exist in a rank-${rank} tensor`;
    out.add(a);
  }
  return out;
}

/** `mean`/`sum`/`max`… over `axes` (null: all of them), keeping them as 1s with keepdims. */
export function reduce(x: Shape, axes: number[] | null, keepdims: boolean): Shape | string {
  const set = axesOf(axes, x.length);
  if (typeof set === 'string') return set;
  return keepdims ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
}

/** `transpose(x, perm)`; null reverses the axes, as NumPy does. */
export function transpose(x: Shape, perm: number[] | null): Shape | string {
  const order = perm ?? [...x.keys()].reverse();
  if (order.length !== x.length) return `a permutation of ${order.length} axes for a rank-${x.length} tensor`;
  const out: Shape = [];
  for (const p of order) {
    const a = normalizeAxis(p, x.length);
    if (a === undefined) return `axis ${p} does not exist in a rank-${x.length} tensor`;
    out.push(x[a]);
  }
  return out;
}

/** `expand_dims(x, axis)`: a new axis of size 1; a negative axis counts in the result. */
export function expandDims(x: Shape, axis: number): Shape | string {
  const a = normalizeAxis(axis, x.length + 1);
  if (a === undefined) return `axis ${axis} is out of range for expand_dims of a rank-${x.length} tensor`;
  return [...x.slice(0, a), 1, ...x.slice(a)];
}

/** `squeeze(x, axes)`: null drops every axis known to be 1; named axes must be 1. */
export function squeeze(x: Shape, axes: number[] | null): Shape | string {
  if (axes === null) return x.filter((d) => d !== 1);
  const set = axesOf(axes, x.length);
  if (typeof set === 'string') return set;
  for (const a of set) if (x[a] !== 1 && x[a] !== null) return `cannot squeeze axis ${a} of size ${x[a]}`;
  return x.filter((_, i) => !set.has(i));
}
