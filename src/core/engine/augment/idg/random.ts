/**
 * ImageDataGenerator's options (as read from the code) → settings, and Keras'
 * get_random_transform on a seeded generator: the same draws, in the same order and with the
 * same distributions as keras/src/legacy/preprocessing/image.py (commit
 * 0a54048b9961097d2628727e564708f9f4264b39), though from ConvLens' PRNG rather than numpy's
 * global Mersenne Twister, so the numbers are Keras-distributed, not numpy-identical.
 */
import { isUnknown, type ConfigObject, type ConfigValue } from '../../../model/spec';
import type { Rng } from '../../data/rng';
import type { IdgParams } from './transform';
import type { ScipyMode } from './warp';

/** A shift option: a number (fraction below 1, pixels from 1) or Keras' list of pixel choices. */
type Shift = number | number[];

export interface IdgSettings {
  rotationRange: number;
  heightShiftRange: Shift;
  widthShiftRange: Shift;
  shearRange: number;
  /** Keras' [1 - z, 1 + z] for a number z, or the pair as given. */
  zoomRange: [number, number];
  channelShiftRange: number;
  brightnessRange: [number, number] | null;
  horizontalFlip: boolean;
  verticalFlip: boolean;
  fillMode: ScipyMode;
  cval: number;
  /** Applied after the transform (Keras' standardize); 1 when not given. */
  rescale: number;
}

const num = (v: ConfigValue | undefined, name: string, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  throw new Error(`${name} is ${isUnknown(v) ? `not known statically (${v.unknown})` : 'not a number'}`);
};

const pair = (v: ConfigValue, name: string): [number, number] => {
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw new Error(`${name} must be a number or a pair of numbers (Keras raises ValueError otherwise)`);
};

/**
 * Note an integer shift like 2 and a float 2.0 differ in Keras (choice of whole pixels in
 * (-2, 2) vs uniform); the reader keeps numbers only, so whole numbers ≥ 1 are taken as Keras ints.
 */
function shift(v: ConfigValue | undefined, name: string): Shift {
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'number')) return v;
    throw new Error(`${name} must be numbers`);
  }
  return num(v, name, 0);
}

/** Throws with one short clause when the options cannot be reproduced. */
export function idgSettings(config: ConfigObject): IdgSettings {
  const zoom = config['zoom_range'];
  const zoomRange: [number, number] = zoom === undefined || typeof zoom === 'number' ? [1 - num(zoom, 'zoom_range', 0), 1 + num(zoom, 'zoom_range', 0)] : pair(zoom, 'zoom_range');
  const b = config['brightness_range'];
  const fill = config['fill_mode'] ?? 'nearest';
  if (fill !== 'nearest' && fill !== 'constant' && fill !== 'reflect' && fill !== 'wrap') {
    throw new Error(`fill_mode must be 'nearest', 'constant', 'reflect' or 'wrap', not ${JSON.stringify(fill)}`);
  }
  const dataFormat = config['data_format'];
  if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'channels_last') throw new Error('only data_format="channels_last" is reproduced');
  const flag = (k: string): boolean => {
    const v = config[k];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean' || typeof v === 'number') return Boolean(v);
    throw new Error(`${k} is not known statically`);
  };
  return {
    rotationRange: num(config['rotation_range'], 'rotation_range', 0),
    heightShiftRange: shift(config['height_shift_range'], 'height_shift_range'),
    widthShiftRange: shift(config['width_shift_range'], 'width_shift_range'),
    shearRange: num(config['shear_range'], 'shear_range', 0),
    zoomRange,
    channelShiftRange: num(config['channel_shift_range'], 'channel_shift_range', 0),
    brightnessRange: b === undefined || b === null ? null : pair(b, 'brightness_range'),
    horizontalFlip: flag('horizontal_flip'),
    verticalFlip: flag('vertical_flip'),
    fillMode: fill,
    cval: num(config['cval'], 'cval', 0),
    rescale: num(config['rescale'], 'rescale', 0) || 1,
  };
}

/** Whether the settings draw any random transform (a generator that only rescales draws nothing). */
export function drawsTransforms(s: IdgSettings): boolean {
  const shifts = (r: Shift): boolean => (Array.isArray(r) ? r.length > 0 : r !== 0);
  return s.rotationRange !== 0 || shifts(s.heightShiftRange) || shifts(s.widthShiftRange) || s.shearRange !== 0 || s.zoomRange[0] !== 1 || s.zoomRange[1] !== 1
    || s.channelShiftRange !== 0 || s.brightnessRange !== null || s.horizontalFlip || s.verticalFlip;
}

/** rescale as written, 1/255 rather than 0.00392156862745098. */
export function formatRescale(r: number): string {
  return r > 0 && r < 1 && Number.isInteger(1 / r) ? `1/${1 / r}` : String(r);
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();
const choice = <T>(rng: Rng, items: readonly T[]): T => items[Math.min(items.length - 1, Math.floor(rng() * items.length))];

/** Keras' shift draw: np.random.choice(range) × ±1 for an int or list, else uniform(±range); × size when max < 1. */
function drawShift(rng: Rng, range: Shift, size: number): number {
  if (range === 0 || (Array.isArray(range) && range.length === 0)) return 0;
  let t: number;
  if (Array.isArray(range)) t = choice(rng, range) * choice(rng, [-1, 1]);
  else if (Number.isInteger(range) && range >= 1) t = Math.floor(rng() * range) * choice(rng, [-1, 1]);
  else t = uniform(rng, -range, range);
  const max = Array.isArray(range) ? Math.max(...range) : range;
  return max < 1 ? t * size : t;
}

/** get_random_transform(img_shape) for an H×W image: Keras' keys, Keras' order of draws. */
export function randomTransform(s: IdgSettings, height: number, width: number, rng: Rng): IdgParams {
  const theta = s.rotationRange ? uniform(rng, -s.rotationRange, s.rotationRange) : 0;
  const tx = drawShift(rng, s.heightShiftRange, height);
  const ty = drawShift(rng, s.widthShiftRange, width);
  const shear = s.shearRange ? uniform(rng, -s.shearRange, s.shearRange) : 0;
  let zx = 1, zy = 1;
  if (!(s.zoomRange[0] === 1 && s.zoomRange[1] === 1)) {
    zx = uniform(rng, s.zoomRange[0], s.zoomRange[1]);
    zy = uniform(rng, s.zoomRange[0], s.zoomRange[1]);
  }
  // Keras draws both coins even when the flip is off.
  const flipH = rng() < 0.5 && s.horizontalFlip;
  const flipV = rng() < 0.5 && s.verticalFlip;
  const channel = s.channelShiftRange !== 0 ? uniform(rng, -s.channelShiftRange, s.channelShiftRange) : null;
  const brightness = s.brightnessRange ? uniform(rng, s.brightnessRange[0], s.brightnessRange[1]) : null;
  return { theta, tx, ty, shear, zx, zy, flip_horizontal: flipH, flip_vertical: flipV, channel_shift_intensity: channel, brightness };
}
