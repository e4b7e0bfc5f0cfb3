/** Pooling layers: no weights, a window that shrinks height and width. */
import type { Args } from '../args';
import { ShapeError, single, type LayerRule } from './rule';
import { SPATIAL } from './conv';
import { axisFormulas, windowOutput } from './spatial';

function pooling(rank: 1 | 2 | 3): LayerRule {
  const names = SPATIAL[rank].axes;
  return (input) => {
    const args: Args = input.args;
    args.requireChannelsLast();
    const x = single(input, rank + 2, SPATIAL[rank].layout);
    const pool = args.intTuple('pool_size', rank, new Array<number>(rank).fill(2));
    // Keras: strides=None means "the pool size", so windows do not overlap.
    const strides = args.intTuple('strides', rank, pool);
    const padding = args.padding();
    if (padding === 'causal') throw new ShapeError('pooling padding must be "valid" or "same"');
    const results = names.map((axis, i) => windowOutput({
      axis, input: x[i + 1], kernel: pool[i], stride: strides[i], dilation: 1, padding, window: 'pool',
    }));
    return {
      shape: [null, ...results.map((r) => r.output), x[x.length - 1]],
      shapeFormulas: axisFormulas(names, results.map((r) => r.formula)),
    };
  };
}

function globalPooling(rank: 1 | 2 | 3): LayerRule {
  return (input) => {
    input.args.requireChannelsLast();
    const x = single(input, rank + 2);
    const channels = x[x.length - 1];
    if (input.args.bool('keepdims', false)) {
      return { shape: [null, ...new Array<number>(rank).fill(1), channels], shapeFormulas: ['spatial axes kept as 1'] };
    }
    const spatial = x.slice(1, -1).map((d) => (d === null ? 'None' : String(d))).join('×');
    return { shape: [null, channels], shapeFormulas: [`one value per channel: ${spatial} → 1`] };
  };
}

export const poolingRules: Record<string, LayerRule> = {
  MaxPooling1D: pooling(1),
  AveragePooling1D: pooling(1),
  MaxPooling2D: pooling(2),
  AveragePooling2D: pooling(2),
  GlobalAveragePooling1D: globalPooling(1),
  GlobalMaxPooling1D: globalPooling(1),
  GlobalAveragePooling2D: globalPooling(2),
  GlobalMaxPooling2D: globalPooling(2),
  MaxPooling3D: pooling(3),
  AveragePooling3D: pooling(3),
  GlobalAveragePooling3D: globalPooling(3),
  GlobalMaxPooling3D: globalPooling(3),
};
