/**
 * Shape arithmetic of indexing and of the tensor functions that rearrange axes — `x[:, 1:]`,
 * tile, gather/take, pad, split, image resize, einsum — on concrete shapes with Keras' None
 * for an unknown size. Each returns the output shape, or a sentence saying why Keras would
 * refuse these shapes (or why the size cannot be known). The rules are NumPy's, which
 * keras.ops follows; Keras keeps a None axis None through a slice.
 */
import { broadcast, normalizeAxis, type Shape } from './shapeOps';
import { formatShapeKeras } from '../shapes/format';

/** One item of a subscript, its bounds already evaluated (null: left out, as in `x[:3]`). */
export type Subscript =
  | { kind: 'at'; at: number }
  | { kind: 'range'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' };

/** `len(range(n)[start:stop:step])`: Python's slice length. */
export function sliceLength(n: number, start: number | null, stop: number | null, step: number | null): number | string {
  const s = step ?? 1;
  if (s === 0) return 'a slice step of 0';
  const clamp = (v: number | null, fallback: number, low: number, high: number): number => {
    if (v === null) return fallback;
    const x = v < 0 ? v + n : v;
    return Math.min(Math.max(x, low), high);
  };
  const [lo, hi] = s > 0 ? [clamp(start, 0, 0, n), clamp(stop, n, 0, n)] : [clamp(start, n - 1, -1, n - 1), clamp(stop, -1, -1, n - 1)];
  const count = s > 0 ? Math.ceil((hi - lo) / s) : Math.ceil((lo - hi) / -s);
  return Math.max(count, 0);
}

/** `x[items]`: an int drops its axis, a slice shortens it, None adds an axis of 1, `...` stands for the axes not named. */
export function index(x: Shape, items: Subscript[]): Shape | string {
  const ellipses = items.filter((i) => i.kind === 'ellipsis').length;
  if (ellipses > 1) return 'an index with more than one ...';
  const named = items.filter((i) => i.kind === 'at' || i.kind === 'range').length;
  if (named > x.length) return `${named} indices for a rank-${x.length} tensor`;
  const out: Shape = [];
  let axis = 0;
  for (const item of items) {
    if (item.kind === 'newaxis') { out.push(1); continue; }
    if (item.kind === 'ellipsis') {
      const skipped = x.length - named;
      out.push(...x.slice(axis, axis + skipped));
      axis += skipped;
      continue;
    }
    const size = x[axis];
    if (item.kind === 'at') {
      if (size !== null && (item.at >= size || item.at < -size)) return `index ${item.at} is out of range for axis ${axis} of size ${size}`;
    } else {
      const length = size === null ? null : sliceLength(size, item.start, item.stop, item.step);
      if (typeof length === 'string') return length;
      out.push(length);
    }
    axis++;
  }
  return [...out, ...x.slice(axis)];
}

/**
 * `tile(x, reps)`: NumPy's rule; the shorter of the two gets 1s in front. A count only known
 * at run time (`ops.shape(x)[0]`, the batch) gives a None axis, as Keras' symbolic tile does.
 */
export function tile(x: Shape, reps: Shape): Shape | string {
  const n = Math.max(x.length, reps.length);
  const a: Shape = [...Array<number>(n - x.length).fill(1), ...x];
  const r: Shape = [...Array<number>(n - reps.length).fill(1), ...reps];
  return a.map((d, i) => {
    const times = r[i];
    return d === null || times === null ? null : d * times;
  });
}

/** `take(x, indices, axis)` / `gather(params, indices, axis)`: the indices' shape replaces the axis; no axis takes from the flattened tensor. */
export function gather(x: Shape, indices: Shape, axis: number | null): Shape | string {
  if (axis === null) return [...indices];
  const a = normalizeAxis(axis, x.length);
  if (a === undefined) return `axis ${axis} does not exist in a rank-${x.length} tensor`;
  return [...x.slice(0, a), ...indices, ...x.slice(a + 1)];
}

/** `pad(x, widths)`: one (before, after) per axis, or a single pair for every axis. */
export function pad(x: Shape, widths: [number, number][]): Shape | string {
  const per = widths.length === 1 ? x.map(() => widths[0]) : widths;
  if (per.length !== x.length) return `${widths.length} padding pairs for a rank-${x.length} tensor`;
  return x.map((d, i) => (d === null ? null : d + per[i][0] + per[i][1]));
}

/** Piece `piece` of `split(x, count, axis)` into equal parts, which must divide the axis. */
export function splitEqual(x: Shape, axis: number, count: number, piece: number): Shape | string {
  const a = normalizeAxis(axis, x.length);
  if (a === undefined) return `axis ${axis} does not exist in a rank-${x.length} tensor`;
  const size = x[a];
  if (size !== null && size % count !== 0) return `an axis of ${size} does not split into ${count} equal parts`;
  if (piece >= count) return `piece ${piece} of a split into ${count}`;
  return x.map((d, i) => (i === a && d !== null ? d / count : d));
}

/**
 * `image.resize(images, (h, w))`: a batch (rank 4) or one image (rank 3), channels last
 * unless the call says channels_first.
 */
export function resize(x: Shape, size: [number, number], channelsFirst: boolean): Shape | string {
  if (x.length !== 3 && x.length !== 4) return `resizing a rank-${x.length} tensor (it takes rank 3 or 4)`;
  const spatial = channelsFirst ? x.length - 2 : x.length - 3;
  const out = [...x];
  out[spatial] = size[0];
  out[spatial + 1] = size[1];
  return out;
}

/** The letters and ... of one side of an einsum equation, or why it is malformed. */
function terms(side: string): string[] | string {
  const out: string[] = [];
  for (let i = 0; i < side.length; i++) {
    if (side.startsWith('...', i)) { out.push('...'); i += 2; continue; }
    const c = side[i];
    if (c === ' ') continue;
    if (!/[a-zA-Z]/.test(c)) return `the einsum equation has '${c}'`;
    out.push(c);
  }
  return out;
}

/**
 * `einsum(equation, *operands)`: each letter is one size (None takes the other's); the axes
 * under `...` broadcast. Without `->`, the output is the letters used once, in alphabetical
 * order, after the broadcast axes, as NumPy does.
 */
export function einsum(equation: string, operands: Shape[]): Shape | string {
  const sides = equation.split('->');
  if (sides.length > 2) return `the einsum equation '${equation}' has more than one ->`;
  const [lhs, rhs] = sides;
  const inputs = lhs.split(',').map(terms);
  if (inputs.length !== operands.length) return `the einsum equation names ${inputs.length} operands, the call gives ${operands.length}`;
  const sizes = new Map<string, number | null>();
  let ellipsis: Shape = [];
  for (let k = 0; k < inputs.length; k++) {
    const letters = inputs[k];
    if (typeof letters === 'string') return letters;
    const x = operands[k];
    const dots = letters.indexOf('...');
    const named = letters.length - (dots >= 0 ? 1 : 0);
    if (dots < 0 ? named !== x.length : named > x.length) return `einsum subscripts '${letters.join('')}' do not fit a ${formatShapeKeras(x)} operand`;
    const extra = x.length - named;
    if (dots >= 0) {
      const b = broadcast(ellipsis, x.slice(dots, dots + extra));
      if (typeof b === 'string') return `einsum: ${b}`;
      ellipsis = b;
    }
    letters.filter((l) => l !== '...').forEach((l, j) => {
      const d = x[dots >= 0 && j >= dots ? j + extra : j];
      const seen = sizes.get(l);
      sizes.set(l, seen === undefined || seen === null ? d : d === null || d === seen ? seen : Number.NaN);
    });
  }
  const clash = [...sizes].find(([, d]) => Number.isNaN(d));
  if (clash) return `einsum: the sizes of '${clash[0]}' differ between operands`;
  const counts = new Map<string, number>();
  for (const l of inputs.flat()) counts.set(l, (counts.get(l) ?? 0) + 1);
  const output = rhs === undefined
    ? ['...', ...[...counts].filter(([l, n]) => l !== '...' && n === 1).map(([l]) => l).sort()]
    : terms(rhs);
  if (typeof output === 'string') return output;
  const out: Shape = [];
  for (const l of output) {
    if (l === '...') { out.push(...ellipsis); continue; }
    const d = sizes.get(l);
    if (d === undefined) return `einsum: the output letter '${l}' is not in any operand`;
    out.push(d);
  }
  return out;
}
