/**
 * "What if the images were H×W?": the same model with another input height and width,
 * so users see a dense network's parameters explode with image size while a convnet's
 * convolution weights stay the same.
 */
import type { ModelSpec } from '../model/spec';
import { analyzeModel } from './analyze';
import type { ModelSummary } from './types';

/** Replaces the two spatial axes of every rank-3 (H, W, C) input; other inputs are left alone. */
export function withInputSize(spec: ModelSpec, height: number, width: number): ModelSpec {
  const resize = (shape: (number | null)[]): (number | null)[] => (shape.length === 3 ? [height, width, shape[2]] : shape);
  if (spec.kind === 'sequential') {
    return { ...spec, inputShape: spec.inputShape ? resize(spec.inputShape) : spec.inputShape };
  }
  const layers = spec.layers.map((layer) => {
    if (layer.className !== 'InputLayer') return layer;
    const shape = layer.config.shape;
    if (!Array.isArray(shape) || !shape.every((d) => d === null || typeof d === 'number')) return layer;
    return { ...layer, config: { ...layer.config, shape: resize(shape) } };
  });
  return { ...spec, layers };
}

export function analyzeWithInputSize(spec: ModelSpec, height: number, width: number): ModelSummary {
  return analyzeModel(withInputSize(spec, height, width));
}
