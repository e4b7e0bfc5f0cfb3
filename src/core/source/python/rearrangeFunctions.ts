/**
 * The tensor functions of a custom layer's `call` that rearrange axes — tile, gather/take,
 * einsum, split, pad and image resize — in their keras.ops and tf spellings, as shape
 * expressions (model/customLayer.ts, computed by model/shapeIndexing.ts). A size function of
 * a size (`tf.cast(h, "float32")`, `ops.sqrt(n)`) stays a size. Anything else is unknown,
 * with its reason.
 */
import type { DimExpr, IndexExpr, ShapeExpr } from '../../model/customLayer';
import { arg, int, shapeValue, tensorOf, tensorsOf, unknown, type Call } from './callArgs';
import type { Sym } from './symbolic';

function result(c: Call, expr: ShapeExpr | string): Sym {
  return typeof expr === 'string' ? unknown(`${c.path}(): ${expr}`) : { t: 'tensor', expr };
}

/** `take(x, indices, axis=None)`, `tf.gather(params, indices, axis=0)`; indices a tensor, a list of ints or one int. */
function gather(c: Call): Sym {
  // tf.gather's axis defaults to 0; take's (keras.ops, NumPy) to None, the flattened tensor.
  const tf = c.fn === 'gather';
  if (tf && c.keyword.get('batch_dims') && int(c.keyword.get('batch_dims')) !== 0) return unknown(`${c.path}() with batch_dims is not evaluated`);
  const x = tensorOf(c, arg(c, 0, 'x', 'params'));
  const given = arg(c, 1, 'indices');
  const axisArg = tf ? c.keyword.get('axis') ?? c.positional[3] : arg(c, 2, 'axis');
  const axis = axisArg === undefined || (axisArg.t === 'dim' && axisArg.dim.kind === 'value' && axisArg.dim.value === null) ? (tf ? 0 : null) : int(axisArg);
  if (axis === undefined) return unknown(`the axis of ${c.path}() is not known`);
  let indices: ShapeExpr | string;
  if (given?.t === 'dim') indices = { kind: 'dims', dims: [] };
  else if (given?.t === 'tuple') indices = given.items.every((i) => i.t === 'dim') ? { kind: 'dims', dims: [{ kind: 'value', value: given.items.length }] } : 'nested index lists are not read';
  else indices = tensorOf(c, given);
  if (typeof x === 'string') return unknown(`${c.path}(): ${x}`);
  if (typeof indices === 'string') return unknown(`${c.path}(): ${indices}`);
  return result(c, { kind: 'gather', of: x, indices, axis });
}

function einsum(c: Call): Sym {
  const [equation, ...operands] = c.positional;
  if (equation?.t !== 'const' || typeof equation.value !== 'string') return unknown(`the equation of ${c.path}() is not a known string`);
  const parts = tensorsOf(c, operands);
  if (typeof parts === 'string') return unknown(parts);
  return result(c, { kind: 'einsum', equation: equation.value, parts });
}

const FULL: IndexExpr = { kind: 'range', start: null, stop: null, step: null };
const value = (v: number | null): DimExpr | null => (v === null ? null : { kind: 'value', value: v });

/** `x[..., start:stop]` on `axis` (counted from either end), as an index expression. */
function along(x: ShapeExpr, axis: number, start: number | null, stop: number | null): ShapeExpr {
  const piece: IndexExpr = { kind: 'range', start: value(start), stop: value(stop), step: null };
  const items: IndexExpr[] = axis >= 0
    ? [...Array<IndexExpr>(axis).fill(FULL), piece]
    : [{ kind: 'ellipsis' }, piece, ...Array<IndexExpr>(-axis - 1).fill(FULL)];
  return { kind: 'index', of: x, items };
}

/**
 * `ops.split(x, sections_or_indices, axis=0)` (NumPy: a list gives the boundaries) and
 * `tf.split(value, num_or_size_splits, axis=0)` (a list gives the sizes, one of them -1):
 * a tuple of tensors.
 */
function split(c: Call): Sym {
  const tf = c.path.startsWith('tf');
  const x = tensorOf(c, arg(c, 0, 'x', 'ary', 'value'));
  const how = arg(c, 1, 'indices_or_sections', 'num_or_size_splits');
  const axis = int(arg(c, 2, 'axis') ?? { t: 'dim', dim: { kind: 'value', value: 0 } });
  if (typeof x === 'string') return unknown(x);
  if (axis === undefined) return unknown(`the axis of ${c.path}() is not known`);
  const count = int(how);
  if (count !== undefined) {
    if (count < 1) return unknown(`${c.path}() into ${count} parts`);
    return { t: 'tuple', items: Array.from({ length: count }, (_, piece) => ({ t: 'tensor', expr: { kind: 'split', of: x, axis, count, piece } })) };
  }
  const list = how?.t === 'tuple' ? how.items.map(int) : undefined;
  if (!list || list.some((v) => v === undefined)) return unknown(`how ${c.path}() splits is not a known number or list of numbers`);
  const numbers = list as number[];
  const bounds: [number | null, number | null][] = [];
  if (!tf) {
    [0, ...numbers].forEach((start, i) => bounds.push([start, numbers[i] ?? null]));
  } else {
    // Sizes: those before a -1 count from the start, those after it from the end.
    const open = numbers.indexOf(-1);
    if (numbers.filter((n) => n === -1).length > 1 || numbers.some((n) => n < -1)) return unknown(`${c.path}() sizes ${JSON.stringify(numbers)}`);
    const before = open < 0 ? numbers : numbers.slice(0, open);
    let at = 0;
    for (const n of before) { bounds.push([at, at + n]); at += n; }
    if (open >= 0) {
      const after = numbers.slice(open + 1);
      const tail = after.reduce((p, n) => p + n, 0);
      bounds.push([at, tail === 0 ? null : -tail]);
      let from = -tail;
      for (const n of after) { bounds.push([from, from + n === 0 ? null : from + n]); from += n; }
    }
  }
  return { t: 'tuple', items: bounds.map(([start, stop]) => ({ t: 'tensor', expr: along(x, axis, start, stop) })) };
}

/** `ops.pad(x, ((b, a), …))`, `tf.pad(x, [[b, a], …])`: one pair per axis. */
function pad(c: Call): Sym {
  const x = tensorOf(c, arg(c, 0, 'x', 'tensor'));
  const widths = arg(c, 1, 'pad_width', 'paddings');
  if (typeof x === 'string') return unknown(x);
  if (widths?.t !== 'tuple' || widths.items.some((p) => p.t !== 'tuple' || p.items.length !== 2 || p.items.some((d) => d.t !== 'dim'))) {
    return unknown(`the padding of ${c.path}() is not a known list of (before, after) pairs`);
  }
  const pairs = widths.items.map((p) => (p as Extract<Sym, { t: 'tuple' }>).items.map((d) => (d as Extract<Sym, { t: 'dim' }>).dim) as [DimExpr, DimExpr]);
  return result(c, { kind: 'pad', of: x, widths: pairs });
}

/** `ops.image.resize(images, size, …, data_format)`, `tf.image.resize(images, size, …, preserve_aspect_ratio)`. */
function resize(c: Call): Sym {
  const x = tensorOf(c, arg(c, 0, 'images', 'image'));
  const size = shapeValue(arg(c, 1, 'size'), `size given to ${c.path}`);
  if (typeof x === 'string') return unknown(x);
  if (typeof size === 'string') return unknown(size);
  if (size.kind !== 'dims' || size.dims.length !== 2) return unknown(`the size given to ${c.path}() is not a (height, width) pair`);
  const keep = c.keyword.get('preserve_aspect_ratio');
  if (keep && !(keep.t === 'const' && keep.value === false)) return unknown(`${c.path}() with preserve_aspect_ratio is not evaluated`);
  const format = c.keyword.get('data_format');
  if (format && !(format.t === 'const' && (format.value === 'channels_last' || format.value === 'channels_first'))) return unknown(`the data_format of ${c.path}() is not known`);
  return result(c, { kind: 'resize', of: x, size: [size.dims[0], size.dims[1]], channelsFirst: format?.t === 'const' && format.value === 'channels_first' });
}

/**
 * `tf.image.crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width)`
 * and `pad_to_bounding_box` (same arguments): the image at the target size, channels last.
 */
function boundingBox(c: Call): Sym {
  const x = tensorOf(c, arg(c, 0, 'image'));
  const [height, width] = [arg(c, 3, 'target_height'), arg(c, 4, 'target_width')];
  if (typeof x === 'string') return unknown(x);
  if (height?.t !== 'dim' || width?.t !== 'dim') return unknown(`the target size of ${c.path}() is not known`);
  return result(c, { kind: 'resize', of: x, size: [height.dim, width.dim], channelsFirst: false });
}

/** `tile(x, reps)` / `tf.tile(input, multiples)`. */
function tile(c: Call): Sym {
  const x = tensorOf(c, arg(c, 0, 'x', 'input'));
  const reps = shapeValue(arg(c, 1, 'repeats', 'multiples', 'reps'), `repetitions given to ${c.path}`);
  if (typeof x === 'string') return unknown(x);
  if (typeof reps === 'string') return unknown(reps);
  return result(c, { kind: 'tile', of: x, reps });
}

/** Size functions of a size: `tf.cast(h, "int32")` truncates, to a float keeps it, `ops.sqrt(n)`. */
function sizeFunction(c: Call, first: Extract<Sym, { t: 'dim' }>): Sym | undefined {
  if (c.fn === 'cast' || c.fn === 'convert_to_tensor') {
    const dtype = arg(c, 1, 'dtype');
    if (dtype?.t === 'const' && typeof dtype.value === 'string' && dtype.value.includes('int')) return { t: 'dim', dim: { kind: 'fn', fn: 'int', a: first.dim } };
    return first;
  }
  if (c.fn === 'sqrt' || c.fn === 'floor' || c.fn === 'ceil' || c.fn === 'round') return { t: 'dim', dim: { kind: 'fn', fn: c.fn, a: first.dim } };
  return undefined;
}

/** The rearranging function `c` names, its size function of a size, or undefined when it is none of these. */
export function rearrangeFunction(c: Call): Sym | undefined {
  const first = arg(c, 0, 'x');
  if (first?.t === 'dim') {
    const sized = sizeFunction(c, first);
    if (sized) return sized;
  }
  switch (c.fn) {
    case 'tile': return tile(c);
    case 'take': case 'gather': return gather(c);
    case 'einsum': return einsum(c);
    case 'split': return split(c);
    case 'pad': return pad(c);
    case 'resize': return /(^|\.)image\./.test(c.path) ? resize(c) : undefined;
    case 'crop_to_bounding_box': case 'pad_to_bounding_box': return boundingBox(c);
    default: return undefined;
  }
}
