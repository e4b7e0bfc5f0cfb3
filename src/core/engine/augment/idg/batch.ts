/**
 * Images through an ImageDataGenerator, as Keras' iterators make a batch
 * (_get_batches_of_transformed_samples): for each image in turn get_random_transform, then
 * apply_transform on its 0–255 pixels, then standardize (× rescale). The draws come from one
 * seeded stream, so a training run (one stream per batch) or a preview is reproducible.
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

/** `count` images, the i-th from `image(i)` (h×w×c, 0–255 pixels, left untouched). */
export function transformEach(count: number, image: (i: number) => Float32Array, [h, w, c]: readonly [number, number, number], settings: IdgSettings, rng: Rng): IdgBatch {
  const size = h * w * c;
  const data = new Float32Array(count * size);
  const params: IdgParams[] = [];
  for (let i = 0; i < count; i++) {
    const p = randomTransform(settings, h, w, rng);
    params.push(p);
    const out = applyTransform({ data: image(i), height: h, width: w, channels: c }, p, settings.fillMode, settings.cval).data;
    const at = i * size;
    for (let k = 0; k < size; k++) data[at + k] = out[k] * settings.rescale;
  }
  return { data, params };
}

/** A batch of n images (NHWC, 0–255) in one array. */
export function transformBatch(pixels: Float32Array, [n, h, w, c]: readonly [number, number, number, number], settings: IdgSettings, rng: Rng): IdgBatch {
  const size = h * w * c;
  return transformEach(n, (i) => pixels.subarray(i * size, (i + 1) * size), [h, w, c], settings, rng);
}
