/**
 * BatchNormalization and LayerNormalization: one (γ, β) pair per normalised feature;
 * Normalization (preprocessing): the adapted mean and variance, never trained.
 */
import { isUnknown } from '../../model/spec';
import { InvalidArgument, UnknownArgument, type Args } from '../args';
import { formatCount } from '../format';
import type { Shape } from '../types';
import { ShapeError, single, type LayerRule } from './rule';

/** Number of features along the normalised axis (or axes): Keras' axis=-1 is the channels. */
function featureCount(args: Args, shape: Shape, className: string): number {
  const raw = args.value('axis') ?? -1;
  const axes = Array.isArray(raw) ? raw : [raw];
  let count = 1;
  for (const a of axes) {
    if (isUnknown(a)) throw new UnknownArgument('axis', a.unknown);
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new InvalidArgument('axis', `${className} axis must be an integer`);
    const i = a < 0 ? shape.length + a : a;
    const d = shape[i];
    if (i <= 0 || i >= shape.length) throw new ShapeError(`${className} axis ${a} is out of range for a rank-${shape.length} input`);
    if (d === null) throw new ShapeError(`${className} needs a known size on axis ${a}`);
    count *= d;
  }
  return count;
}

const batchNormalization: LayerRule = (input) => {
  const { args } = input;
  const x = single(input);
  const c = featureCount(args, x, input.className);
  const trainableParts = [args.bool('scale', true) ? 'γ' : '', args.bool('center', true) ? 'β' : ''].filter(Boolean);
  const trainable = trainableParts.length * c;
  // Moving mean and variance are updated by training but not by the optimizer: non-trainable.
  const nonTrainable = 2 * c;
  const total = trainable + nonTrainable;
  const formula = `${trainableParts.length + 2}·${c} = ${formatCount(total)} ` +
    `(trainable ${trainableParts.length ? `${trainableParts.join(', ')}: ${trainableParts.length}·${c} = ${formatCount(trainable)}` : '0'}; ` +
    `non-trainable moving mean, variance: 2·${c} = ${formatCount(nonTrainable)})`;
  return { shape: [...x], trainable, nonTrainable, params: formula };
};

const layerNormalization: LayerRule = (input) => {
  const { args } = input;
  const x = single(input);
  const c = featureCount(args, x, input.className);
  // rms_scaling keeps only γ (Keras 3).
  const center = args.bool('center', true) && !args.bool('rms_scaling', false);
  const parts = [args.bool('scale', true) ? 'γ' : '', center ? 'β' : ''].filter(Boolean);
  const trainable = parts.length * c;
  return { shape: [...x], trainable, params: `${parts.length}·${c} = ${formatCount(trainable)} (${parts.join(', ') || 'no weights'})` };
};

/**
 * Normalization(axis=-1): without a given mean and variance the layer keeps them as weights
 * for adapt() to fill, one per feature, plus the sample count (tf.keras counts it, and its
 * EfficientNet summaries include it: 3 + 3 + 1 = 7 for RGB). All are non-trainable.
 */
const normalization: LayerRule = (input) => {
  const x = single(input);
  if (input.args.has('mean') || input.args.has('variance')) return { shape: [...x], params: 'mean and variance given: constants, not weights' };
  const c = featureCount(input.args, x, input.className);
  const nonTrainable = 2 * c + 1;
  return { shape: [...x], nonTrainable, params: `mean ${c} + variance ${c} + count 1 = ${formatCount(nonTrainable)} (non-trainable, set by adapt())` };
};

export const normalizationRules: Record<string, LayerRule> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Normalization: normalization,
};
