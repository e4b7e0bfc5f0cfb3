/**
 * Reading Keras 3 Random* augmentation layers into plain, JSON-serialisable steps that
 * ./ops.ts applies to training batches. Validation mirrors Keras 3 (checked against
 * keras/src/layers/preprocessing/image_preprocessing/*.py, Keras 3.6 to 3.15): what Keras
 * refuses at construction, and what TF.js cannot reproduce, becomes `{ unsupported }` with
 * one short clause saying why, so the caller can fall back (or tell the user) per layer.
 *
 * Pure data: no TF.js, no vscode.
 */

import { isUnknown, type ConfigObject, type ConfigValue } from '../../model/spec';

export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type Interpolation = 'bilinear' | 'nearest';
/** [lower, upper], lower <= upper unless noted. */
export type Range = [number, number];

/** How geometric steps sample: passed straight to tf.image.transform. */
export interface GeometricFill {
  fillMode: FillMode;
  interpolation: Interpolation;
  fillValue: number;
}

export interface FlipStep {
  className: 'RandomFlip';
  name: string;
  mode: 'horizontal' | 'vertical' | 'horizontal_and_vertical';
}

export interface RotationStep extends GeometricFill {
  className: 'RandomRotation';
  name: string;
  /** Angle bounds as fractions of a full turn; positive = counter-clockwise (Keras). */
  factor: Range;
}

export interface ZoomStep extends GeometricFill {
  className: 'RandomZoom';
  name: string;
  /** Keras factors: zoom = 1 + uniform(lower, upper); positive = zoom out. */
  heightFactor: Range;
  /** null: the height's zoom is reused (aspect ratio kept), as Keras does for width_factor=None. */
  widthFactor: Range | null;
}

export interface TranslationStep extends GeometricFill {
  className: 'RandomTranslation';
  name: string;
  /** Fractions of the height / width; positive = content moves down / right. */
  heightFactor: Range;
  widthFactor: Range;
}

export interface ContrastStep {
  className: 'RandomContrast';
  name: string;
  /**
   * Bounds of the contrast multiplier c, drawn uniformly per image: [1 - lower, 1 + upper]
   * of Keras' normalised factor. Not necessarily ordered (Keras accepts (-0.5, 0.2)).
   */
  contrast: Range;
  valueRange: Range;
}

export interface BrightnessStep {
  className: 'RandomBrightness';
  name: string;
  /** Keras' normalised factor: delta = uniform(lower, upper) * (max - min) of valueRange. */
  factor: Range;
  valueRange: Range;
}

export type AugmentationStep = FlipStep | RotationStep | ZoomStep | TranslationStep | ContrastStep | BrightnessStep;

export const AUGMENTATION_STEP_CLASSES: readonly AugmentationStep['className'][] = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
];

/** Thrown inside this module only; becomes `{ unsupported: message }`. */
class Refusal extends Error {}

/** Base-layer keys that do not change what the augmentation does. */
const IGNORED_KEYS = new Set(['seed', 'name', 'dtype', 'trainable']);

const KEYS: Record<AugmentationStep['className'], readonly string[]> = {
  RandomFlip: ['mode'],
  RandomRotation: ['factor', 'fill_mode', 'interpolation', 'fill_value'],
  RandomZoom: ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'fill_value'],
  RandomTranslation: ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'fill_value'],
  RandomContrast: ['factor', 'value_range'],
  RandomBrightness: ['factor', 'value_range'],
};

export function readAugmentation(layer: { className: string; name: string; config: ConfigObject }): AugmentationStep | { unsupported: string } {
  const { className, name, config } = layer;
  if (!(className in KEYS)) return { unsupported: `${className} is not an augmentation ConvLens can apply` };
  try {
    checkKeys(config, KEYS[className as AugmentationStep['className']]);
    const get = (key: string): ConfigValue | undefined => {
      const v = config[key];
      if (isUnknown(v)) throw new Refusal(`${key} could not be read statically (${v.unknown})`);
      return v;
    };
    switch (className) {
      case 'RandomFlip': {
        const mode = or(get('mode'), 'horizontal_and_vertical');
        if (mode !== 'horizontal' && mode !== 'vertical' && mode !== 'horizontal_and_vertical') {
          throw new Refusal(`mode ${show(mode)} is not 'horizontal', 'vertical' or 'horizontal_and_vertical'`);
        }
        return { className, name, mode };
      }
      case 'RandomRotation':
        return { className, name, factor: baseFactor(required(get('factor'), 'factor'), 'factor', [-1, 1]), ...fill(get) };
      case 'RandomZoom': {
        const width = or(get('width_factor'), null);
        return {
          className, name,
          heightFactor: ownFactor(required(get('height_factor'), 'height_factor'), 'height_factor', true),
          widthFactor: width === null ? null : ownFactor(width, 'width_factor', true),
          ...fill(get),
        };
      }
      case 'RandomTranslation':
        return {
          className, name,
          heightFactor: ownFactor(required(get('height_factor'), 'height_factor'), 'height_factor'),
          widthFactor: ownFactor(required(get('width_factor'), 'width_factor'), 'width_factor'),
          ...fill(get),
        };
      case 'RandomContrast': {
        // Keras 3.6+: _FACTOR_BOUNDS = (0, 1), so a scalar f gives (max(-f, 0), f) = (0, f):
        // the multiplier is drawn from [1, 1 + f] (contrast only increases), not [1 - f, 1 + f]
        // as the docstring says. We follow the code, since that is what the user's Keras runs.
        const [lower, upper] = baseFactor(required(get('factor'), 'factor'), 'factor', [0, 1]);
        const valueRange = range2(or(get('value_range'), [0, 255]), 'value_range');
        // Keras clips with np.clip(x, value_range[0], value_range[1]) without sorting.
        if (valueRange[0] > valueRange[1]) throw new Refusal('value_range must be [low, high] with low <= high');
        return { className, name, contrast: [1 - lower, 1 + upper], valueRange };
      }
      case 'RandomBrightness': {
        const factor = baseFactor(required(get('factor'), 'factor'), 'factor', [-1, 1]);
        // Keras sorts value_range.
        const valueRange = range2(or(get('value_range'), [0, 255]), 'value_range').sort((a, b) => a - b);
        return { className, name, factor, valueRange };
      }
    }
    return { unsupported: `${className} is not an augmentation ConvLens can apply` };
  } catch (e) {
    if (e instanceof Refusal) return { unsupported: e.message };
    throw e;
  }
}

function checkKeys(config: ConfigObject, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (known.includes(key) || IGNORED_KEYS.has(key)) continue;
    if (key === 'data_format') {
      const v = config[key];
      if (v === null || v === 'channels_last') continue;
      throw new Refusal(isUnknown(v) ? `data_format could not be read statically (${v.unknown})` : `data_format ${show(v)} is not supported (channels_last only)`);
    }
    throw new Refusal(`argument ${key} is not supported`);
  }
}

function required(v: ConfigValue | undefined, key: string): ConfigValue {
  if (v === undefined || v === null) throw new Refusal(`${key} is required`);
  return v;
}

/** Keras' default for an argument not given; an explicit None (null) stays null. */
function or(v: ConfigValue | undefined, dflt: ConfigValue): ConfigValue {
  return v === undefined ? dflt : v;
}

function isNumber(v: ConfigValue | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function show(v: ConfigValue): string {
  return JSON.stringify(v);
}

function range2(v: ConfigValue, key: string): Range {
  if (!Array.isArray(v) || v.length !== 2 || !isNumber(v[0]) || !isNumber(v[1])) {
    throw new Refusal(`${key} must be a number or a pair of numbers, got ${show(v)}`);
  }
  return [v[0], v[1]];
}

/**
 * BaseImagePreprocessingLayer._set_factor: a scalar must lie in `bounds` and gives
 * (max(-|f|, bounds[0]), |f|); a pair is refused only when factor[0] > bounds[1] or
 * factor[1] < bounds[0] (checked before sorting, as Keras does), then sorted.
 */
function baseFactor(v: ConfigValue, key: string, bounds: Range): Range {
  if (isNumber(v)) {
    if (v < bounds[0] || v > bounds[1]) throw new Refusal(`${key} ${v} is outside [${bounds[0]}, ${bounds[1]}] (Keras refuses it)`);
    const f = Math.abs(v);
    return [Math.max(-f, bounds[0]), f];
  }
  const [a, b] = range2(v, key);
  if (a > bounds[1] || b < bounds[0]) throw new Refusal(`${key} ${show(v)} is outside [${bounds[0]}, ${bounds[1]}] (Keras refuses it)`);
  return a <= b ? [a, b] : [b, a];
}

/**
 * RandomZoom / RandomTranslation._set_factor: every number in [-1, 1]; scalar f -> [-|f|, |f|].
 * Zoom also refuses -1 itself (Keras ≥ 3.14): a zoom factor of 0 would collapse the image.
 */
function ownFactor(v: ConfigValue, key: string, zoom = false): Range {
  const check = (n: number): void => {
    if (n < -1 || n > 1) throw new Refusal(`${key} ${show(v)} is outside [-1, 1] (Keras refuses it)`);
  };
  const [a, b] = isNumber(v) ? [-Math.abs(v), Math.abs(v)] : range2(v, key);
  check(a);
  check(b);
  if (zoom && Math.min(a, b) <= -1) throw new Refusal(`${key} ${show(v)} would zoom in infinitely: values must be above -1 (Keras refuses it)`);
  return a <= b ? [a, b] : [b, a];
}

function fill(get: (key: string) => ConfigValue | undefined): GeometricFill {
  const fillMode = or(get('fill_mode'), 'reflect');
  if (fillMode !== 'reflect' && fillMode !== 'wrap' && fillMode !== 'constant' && fillMode !== 'nearest') {
    throw new Refusal(`fill_mode ${show(fillMode)} is not 'reflect', 'wrap', 'constant' or 'nearest'`);
  }
  const interpolation = or(get('interpolation'), 'bilinear');
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    // Keras' geometric Random* layers accept only these two, and so does tf.image.transform.
    throw new Refusal(`interpolation ${show(interpolation)} is not 'bilinear' or 'nearest'`);
  }
  const fillValue = or(get('fill_value'), 0);
  if (!isNumber(fillValue)) throw new Refusal(`fill_value must be a number, got ${show(fillValue)}`);
  return { fillMode, interpolation, fillValue };
}

// ---------------------------------------------------------------------------------------
// One sentence per step, for logs and the augmentation preview.

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function signed(n: number, unit = ''): string {
  return `${n > 0 ? '+' : ''}${num(n)}${unit}`;
}

/** "up to ±36°" for a symmetric range, else "-18° to +36°". */
function span(r: Range, scale: number, unit: string): string {
  const [a, b] = [r[0] * scale, r[1] * scale];
  if (a === -b) return b === 0 ? `0${unit}` : `up to ±${num(b)}${unit}`;
  return a === b ? `${signed(a, unit)}` : `${signed(a, unit)} to ${signed(b, unit)}`;
}

function fillNote(s: GeometricFill): string {
  const f = s.fillMode === 'constant' ? `constant ${num(s.fillValue)} fill` : `${s.fillMode} fill`;
  return s.interpolation === 'bilinear' ? `(${f})` : `(${f}, nearest-pixel sampling)`;
}

export function describeAugmentation(step: AugmentationStep): string {
  switch (step.className) {
    case 'RandomFlip':
      return step.mode === 'horizontal' ? 'mirrors left-right with probability 0.5'
        : step.mode === 'vertical' ? 'mirrors top-bottom with probability 0.5'
        : 'with probability 0.5 mirrors both left-right and top-bottom (one draw per image, as Keras 3 does)';
    case 'RandomRotation':
      return `rotates by ${span(step.factor, 360, '°')} (positive = counter-clockwise) ${fillNote(step)}`;
    case 'RandomZoom': {
      const h = span(step.heightFactor, 100, '%');
      const what = step.widthFactor === null ? `zooms by ${h}, aspect ratio kept`
        : `zooms the height by ${h} and the width by ${span(step.widthFactor, 100, '%')}`;
      return `${what} (positive = out) ${fillNote(step)}`;
    }
    case 'RandomTranslation':
      return `shifts by ${span(step.heightFactor, 100, '%')} of the height and ${span(step.widthFactor, 100, '%')} of the width ${fillNote(step)}`;
    case 'RandomContrast': {
      const [a, b] = step.contrast;
      const c = a === b ? `×${num(a)}` : `×${num(Math.min(a, b))} to ×${num(Math.max(a, b))}`;
      return `scales each channel's contrast about its mean by ${c}, clipped to [${step.valueRange.join(', ')}]`;
    }
    case 'RandomBrightness': {
      const width = step.valueRange[1] - step.valueRange[0];
      return `adds ${span(step.factor, width, '')} to every value (${span(step.factor, 100, '%')} of the range), clipped to [${step.valueRange.join(', ')}]`;
    }
  }
}
