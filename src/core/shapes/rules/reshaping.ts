/** ZeroPadding2D, Cropping2D and UpSampling2D: fixed changes to height and width. */
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

export const reshapingRules: Record<string, LayerRule> = {
  DepthToSpace: depthToSpace,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  UpSampling2D: upSampling2d,
};
