/**
 * One training batch through an ImageDataGenerator, as Keras' iterators make it
 * (_get_batches_of_transformed_samples): for each image in turn get_random_transform, then
 * apply_transform on its 0–255 pixels, then standardize (× rescale). The draws come from one
 * seeded stream per batch, so a run is reproducible from its seed.
 */
import type { Rng } from '../../data/rng';
import { randomTransform, type IdgSettings } from './random';
import { applyTransform, type IdgParams } from './transform';

export interface IdgBatch {
  /** NHWC, rescaled: what the model trains on. */
  data: Float32Array;
  /** Each image's draw, under Keras' keys. */
  params: IdgParams[];
}

/** `pixels`: n images of h×w×c in 0–255 (as Keras loads them), left untouched. */
export function transformBatch(pixels: Float32Array, shape: readonly [number, number, number, number], settings: IdgSettings, rng: Rng): IdgBatch {
  const [n, h, w, c] = shape;
  const size = h * w * c;
  const data = new Float32Array(n * size);
  const params: IdgParams[] = [];
  for (let i = 0; i < n; i++) {
    const p = randomTransform(settings, h, w, rng);
    params.push(p);
    const out = applyTransform({ data: pixels.subarray(i * size, (i + 1) * size), height: h, width: w, channels: c }, p, settings.fillMode, settings.cval).data;
    const at = i * size;
    for (let k = 0; k < size; k++) data[at + k] = out[k] * settings.rescale;
  }
  return { data, params };
}
