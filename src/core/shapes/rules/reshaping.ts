/** ZeroPadding, Cropping and UpSampling in 1, 2 and 3 dimensions, and CenterCrop: fixed changes to the spatial axes. */
import { isUnknown, type ConfigValue } from '../../model/spec';
import { InvalidArgument, UnknownArgument, type Args } from '../args';
import type { Dim } from '../types';
import { ShapeError, single, type LayerRule } from './rule';

type Pairs = [[number, number], [number, number]];

/**
 * Keras accepts an int (all four sides), (sym_h, sym_w), or ((top, bottom), (left, right)).
 */
function readPairs(args: Args, key: string, fallback: Pairs): Pairs {
  const v = args.value(key);
  if (v === undefined) return fallback;
  const int = (x: ConfigValue): number => {
    if (isUnknown(x)) throw new UnknownArgument(key, x.unknown);
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new InvalidArgument(key, `${key} must hold integers`);
    return x;
  };
  if (typeof v === 'number') return [[int(v), int(v)], [int(v), int(v)]];
  if (Array.isArray(v) && v.length === 2) {
    const [h, w] = v;
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2) return [[int(h[0]), int(h[1])], [int(w[0]), int(w[1])]];
    if (!Array.isArray(h) && !Array.isArray(w)) return [[int(h), int(h)], [int(w), int(w)]];
  }
  throw new InvalidArgument(key, `${key} must be an int, (h, w) or ((top, bottom), (left, right))`);
}

const side = (d: Dim, delta: number): Dim => (d === null ? null : d + delta);

const zeroPadding2d: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const [[t, b], [l, r]] = readPairs(input.args, 'padding', [[1, 1], [1, 1]]);
  const h = side(x[1], t + b);
  const w = side(x[2], l + r);
  return { shape: [null, h, w, x[3]], shapeFormulas: [`height: ${x[1] ?? 'None'} + ${t} + ${b} = ${h ?? 'None'}`, `width: ${x[2] ?? 'None'} + ${l} + ${r} = ${w ?? 'None'}`] };
};

const cropping2d: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const [[t, b], [l, r]] = readPairs(input.args, 'cropping', [[0, 0], [0, 0]]);
  const h = side(x[1], -(t + b));
  const w = side(x[2], -(l + r));
  if ((h !== null && h <= 0) || (w !== null && w <= 0)) {
    throw new ShapeError(`cropping (${t}+${b}, ${l}+${r}) removes the whole ${x[1]}×${x[2]} input`, 'dimension-not-positive');
  }
  return { shape: [null, h, w, x[3]], shapeFormulas: [`height: ${x[1] ?? 'None'} − ${t} − ${b} = ${h ?? 'None'}`, `width: ${x[2] ?? 'None'} − ${l} − ${r} = ${w ?? 'None'}`] };
};

const upSampling2d: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const [sh, sw] = input.args.intTuple('size', 2, [2, 2]);
  const h = x[1] === null ? null : x[1] * sh;
  const w = x[2] === null ? null : x[2] * sw;
  return { shape: [null, h, w, x[3]], shapeFormulas: [`height: ${x[1] ?? 'None'}·${sh} = ${h ?? 'None'}`, `width: ${x[2] ?? 'None'}·${sw} = ${w ?? 'None'}`] };
};

/**
 * `tf.nn.depth_to_space(x, b)` (sub-pixel upscaling, keras.io's ESPCN): every b·b channels
 * become a b×b block of pixels, so (h, w, c) → (h·b, w·b, c / b²). TF refuses a channel
 * count that b² does not divide.
 */
const depthToSpace: LayerRule = (input) => {
  const x = single(input, 4, 'batch, height, width, channels');
  const b = input.args.int('block_size');
  if (b < 2) throw new ShapeError(`block_size must be at least 2, got ${b}`);
  const c = x[3];
  if (c !== null && c % (b * b) !== 0) throw new ShapeError(`depth_to_space needs channels divisible by ${b}² = ${b * b}, got ${c}`);
  const times = (d: Dim): Dim => (d === null ? null : d * b);
  return {
    shape: [null, times(x[1]), times(x[2]), c === null ? null : c / (b * b)],
    shapeFormulas: [`height, width ×${b}; channels: ${c ?? 'None'} / ${b}² (block_size ${b})`],
  };
};

const AXES: Record<1 | 3, string[]> = { 1: ['steps'], 3: ['depth', 'height', 'width'] };

/**
 * Per-axis (before, after) amounts of a 1-D or 3-D padding or cropping, as Keras reads them:
 * 1-D takes an int or (before, after); 3-D an int, one int per axis, or one pair per axis.
 */
function readAxisPairs(args: Args, key: string, rank: 1 | 3, fallback: number): [number, number][] {
  const v = args.value(key);
  const int = (x: ConfigValue): number => {
    if (isUnknown(x)) throw new UnknownArgument(key, x.unknown);
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new InvalidArgument(key, `${key} must hold integers`);
    return x;
  };
  if (v === undefined) return Array.from({ length: rank }, () => [fallback, fallback]);
  if (typeof v === 'number') return Array.from({ length: rank }, () => [int(v), int(v)]);
  if (Array.isArray(v)) {
    if (rank === 1 && v.length === 2 && !v.some(Array.isArray)) return [[int(v[0]), int(v[1])]];
    if (rank === 3 && v.length === 3) return v.map((a) => (Array.isArray(a) && a.length === 2 ? [int(a[0]), int(a[1])] : [int(a), int(a)]));
  }
  throw new InvalidArgument(key, rank === 1 ? `${key} must be an int or (before, after)` : `${key} must be an int, three ints or three (before, after) pairs`);
}

function padOrCrop(rank: 1 | 3, key: 'padding' | 'cropping'): LayerRule {
  return (input) => {
    input.args.requireChannelsLast();
    const x = single(input, rank + 2);
    const pairs = readAxisPairs(input.args, key, rank, key === 'padding' ? 1 : 0);
    const sign = key === 'padding' ? 1 : -1;
    const dims = pairs.map(([a, b], i) => side(x[i + 1], sign * (a + b)));
    if (dims.some((d) => d !== null && d <= 0)) throw new ShapeError(`${key} (${pairs.map(([a, b]) => `${a}+${b}`).join(', ')}) removes the whole input`, 'dimension-not-positive');
    const op = sign > 0 ? '+' : '−';
    return {
      shape: [null, ...dims, x[rank + 1]],
      shapeFormulas: AXES[rank].map((axis, i) => `${axis}: ${x[i + 1] ?? 'None'} ${op} ${pairs[i][0]} ${op} ${pairs[i][1]} = ${dims[i] ?? 'None'}`),
    };
  };
}

function upSampling(rank: 1 | 3): LayerRule {
  return (input) => {
    const x = single(input, rank + 2);
    if (rank === 3) input.args.requireChannelsLast();
    const sizes = rank === 1 ? [input.args.int('size', 2)] : input.args.intTuple('size', 3, [2, 2, 2]);
    const dims = sizes.map((k, i) => (x[i + 1] === null ? null : (x[i + 1] as number) * k));
    return { shape: [null, ...dims, x[rank + 1]], shapeFormulas: AXES[rank].map((axis, i) => `${axis}: ${x[i + 1] ?? 'None'}·${sizes[i]} = ${dims[i] ?? 'None'}`) };
  };
}

/** CenterCrop(height, width): the middle height × width of each image (a smaller image is resized up to it first, as Keras does). */
const centerCrop: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const h = input.args.int('height');
  const w = input.args.int('width');
  return { shape: [x[0], h, w, x[3]], shapeFormulas: [`height, width: the central ${h}×${w} of ${x[1] ?? 'None'}×${x[2] ?? 'None'}`] };
};

export const reshapingRules: Record<string, LayerRule> = {
  ZeroPadding1D: padOrCrop(1, 'padding'),
  ZeroPadding3D: padOrCrop(3, 'padding'),
  Cropping1D: padOrCrop(1, 'cropping'),
  Cropping3D: padOrCrop(3, 'cropping'),
  UpSampling1D: upSampling(1),
  UpSampling3D: upSampling(3),
  CenterCrop: centerCrop,
  DepthToSpace: depthToSpace,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  UpSampling2D: upSampling2d,
};
