/**
 * Core layers: Input, Dense, Flatten, Reshape, Resizing, RandomCrop, and the layers that
 * keep their input's shape (activations, dropout, rescaling, augmentation).
 */
import { isUnknown, type ConfigValue } from '../../model/spec';
import { UnknownArgument } from '../args';
import { formatCount, product } from '../format';
import type { Dim } from '../types';
import { ShapeError, identity, knownLast, single, type LayerRule } from './rule';

/** Shape of an InputLayer / keras.Input from shape=, batch_shape=, or input_shape=. */
const inputLayer: LayerRule = ({ args }) => {
  const dims = (key: string): Dim[] | undefined => {
    const v = args.value(key);
    if (v === undefined) return undefined;
    if (typeof v === 'number') return [v];
    if (!Array.isArray(v)) throw new ShapeError(`${key} must be a tuple of integers`);
    return v.map((d) => {
      if (isUnknown(d)) throw new UnknownArgument(key, d.unknown);
      if (d === null || typeof d === 'number') return d;
      throw new ShapeError(`${key} must hold integers or None, got ${JSON.stringify(d)}`);
    });
  };
  const shape = dims('shape') ?? dims('input_shape');
  if (shape) return { shape: [null, ...shape] };
  const batch = dims('batch_shape') ?? dims('batch_input_shape');
  if (batch) return { shape: batch };
  throw new ShapeError('Input needs shape=(height, width, channels)', 'no-input-shape');
};

/** Dense acts on the last axis only: every output unit has one weight per input value, plus a bias. */
const dense: LayerRule = (input) => {
  const { args } = input;
  const x = single(input);
  const units = args.int('units');
  const cin = knownLast(input, x);
  const useBias = args.bool('use_bias', true);
  const count = (cin + (useBias ? 1 : 0)) * units;
  const formula = useBias ? `(${cin} + 1)·${units} = ${formatCount(count)}` : `${cin}·${units} = ${formatCount(count)}`;
  return { shape: [...x.slice(0, -1), units], trainable: count, params: formula, shapeFormulas: [`last axis: ${units} unit${units === 1 ? "" : "s"}`] };
};

const flatten: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input);
  const rest = x.slice(1);
  if (rest.some((d) => d === null)) return { shape: [null, null], shapeFormulas: ['None: an axis has no fixed size'] };
  const size = (rest as number[]).reduce((a, b) => a * b, 1);
  return { shape: [null, size], shapeFormulas: [`${product(rest as number[])} = ${formatCount(size)}`] };
};

const reshape: LayerRule = (input) => {
  const x = single(input);
  const target = input.args.value('target_shape');
  if (!Array.isArray(target) || !target.every((d: ConfigValue) => typeof d === 'number' && Number.isInteger(d))) {
    if (Array.isArray(target) && target.some(isUnknown)) throw new UnknownArgument('target_shape', 'an element is unknown');
    throw new ShapeError('Reshape target_shape must be a tuple of integers');
  }
  const dims = target as number[];
  const known = x.slice(1);
  const wildcard = dims.indexOf(-1);
  if (dims.filter((d) => d === -1).length > 1) throw new ShapeError('Reshape accepts at most one -1');
  if (known.some((d) => d === null)) return { shape: [null, ...dims.map((d) => (d === -1 ? null : d))] };
  const size = (known as number[]).reduce((a, b) => a * b, 1);
  const fixed = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (wildcard >= 0) {
    if (fixed === 0 || size % fixed !== 0) throw new ShapeError(`cannot reshape ${formatCount(size)} values into ${JSON.stringify(dims)}`);
    const out = [...dims];
    out[wildcard] = size / fixed;
    return { shape: [null, ...out], shapeFormulas: [`-1 = ${formatCount(size)}/${formatCount(fixed)} = ${out[wildcard]}`] };
  }
  if (fixed !== size) {
    throw new ShapeError(`cannot reshape ${formatCount(size)} values into (${dims.join(', ')}), which holds ${formatCount(fixed)}`);
  }
  return { shape: [null, ...dims] };
};

const spatialDropout2d: LayerRule = (input) => {
  single(input, 4, 'batch, height, width, channels');
  return identity(input);
};

/** Keras 3 RandomCrop gives height×width images in training and at inference (where it crops the centre after resizing). */
const randomCrop: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const h = input.args.int('height');
  const w = input.args.int('width');
  return { shape: [null, h, w, x[3]], shapeFormulas: [`height, width: cropped to ${h}×${w}`] };
};

/** TF 2 Keras RandomHeight / RandomWidth: a random size on that side for each batch, so Keras gives it as None. */
function randomSide(axis: 1 | 2): LayerRule {
  return (input) => {
    input.args.requireChannelsLast();
    const x = single(input, 4, 'batch, height, width, channels');
    const shape = [...x];
    shape[axis] = null;
    return { shape, shapeFormulas: [`${axis === 1 ? 'height' : 'width'}: a random size for each batch (None)`] };
  };
}

const resizing: LayerRule = (input) => {
  input.args.requireChannelsLast();
  const x = single(input, 4, 'batch, height, width, channels');
  const h = input.args.int('height');
  const w = input.args.int('width');
  return { shape: [null, h, w, x[3]], shapeFormulas: [`height, width: resized to ${h}×${w}`] };
};

export const coreRules: Record<string, LayerRule> = {
  InputLayer: inputLayer,
  Dense: dense,
  Flatten: flatten,
  Reshape: reshape,
  Dropout: identity,
  SpatialDropout2D: spatialDropout2d,
  Activation: identity,
  ReLU: identity,
  LeakyReLU: identity,
  Softmax: identity,
  Rescaling: identity,
  Resizing: resizing,
  RandomFlip: identity,
  RandomRotation: identity,
  RandomZoom: identity,
  RandomTranslation: identity,
  RandomContrast: identity,
  RandomBrightness: identity,
  RandomCrop: randomCrop,
  RandomHeight: randomSide(1),
  RandomWidth: randomSide(2),
  PreprocessInput: identity,
};
