/**
 * Applies Keras 3 Random* augmentation steps (read by ./params.ts) to a training batch with
 * TF.js, in training mode: each image gets its own random parameters, as in Keras.
 *
 * Randomness comes from ConvLens' seeded PRNG in JS (../data/rng.ts), never from the
 * backend's RNG, so a seed gives the same batch on cpu, wasm and the native backends. Each
 * step draws from its own stream (subSeed(seed, step index)), so adding or removing a step
 * does not change what the others draw.
 *
 * Geometric steps build the 8-parameter projective transform of TF's
 * ImageProjectiveTransformV3 (what keras.ops.image.affine_transform calls): [a0 a1 a2 b0 b1
 * b2 c0 c1] maps an OUTPUT pixel (x, y) to the INPUT point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, and hand it to
 * tf.image.transform (kernels exist on cpu and wasm), whose fill modes and interpolation are
 * a port of TF's.
 *
 * TF.js is passed in, never imported at run time (as in ../build.ts).
 */

import type * as tfjs from '@tensorflow/tfjs';
import { mulberry32, subSeed, type Rng } from '../data/rng';
import type { AugmentationStep, GeometricFill, Range } from './params';

export * from './params';

type Tf = typeof tfjs;
type Tensor4D = tfjs.Tensor4D;
/** [a0, a1, a2, b0, b1, b2, c0, c1]: output pixel -> input point. */
export type ProjectiveTransform = [number, number, number, number, number, number, number, number];

/**
 * Applies `steps` in order to `x` (NHWC) and returns a new float32 tensor; `x` is left alone.
 * The same `seed` always gives the same result; use a new seed per batch (e.g.
 * subSeed(runSeed, batchIndex)) so each epoch sees different augmentations.
 */
export function augmentBatch(tf: Tf, x: Tensor4D, steps: AugmentationStep[], seed: number): Tensor4D {
  return tf.tidy(() => {
    // Keras casts to the compute dtype (float32) before augmenting.
    let y: Tensor4D = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    if (x.shape[0] > 0) {
      steps.forEach((step, k) => {
        y = applyStep(tf, y, step, mulberry32(subSeed(seed, k)));
      });
    }
    // Never hand back the caller's own tensor: they dispose the result.
    return y === x ? tf.clone(x) : y;
  });
}

function uniform(rng: Rng, r: Range): number {
  return r[0] + (r[1] - r[0]) * rng();
}

function applyStep(tf: Tf, y: Tensor4D, step: AugmentationStep, rng: Rng): Tensor4D {
  const [n, h, w] = y.shape;
  const perImage = <T>(draw: () => T): T[] => Array.from({ length: n }, draw);
  switch (step.className) {
    case 'RandomFlip': {
      // Keras 3.6+ draws ONE flag per image (uniform <= 0.5) and, in
      // 'horizontal_and_vertical' mode, applies both flips under that same flag, so an image
      // is either unchanged or turned by 180°; never flipped on one axis only.
      const flags = perImage(() => rng() <= 0.5);
      if (!flags.includes(true)) return y;
      const mask = tf.tensor4d(flags.map((f) => (f ? 1 : 0)), [n, 1, 1, 1], 'bool');
      let out = y;
      if (step.mode !== 'vertical') out = tf.where(mask, tf.image.flipLeftRight(out), out);
      if (step.mode !== 'horizontal') out = tf.where(mask, tf.reverse(out, 1), out);
      return out;
    }
    case 'RandomRotation':
      // Keras: angle = uniform(lower * 360, upper * 360) degrees.
      return project(tf, y, perImage(() => rotationTransform(uniform(rng, step.factor) * 2 * Math.PI, h, w)), step);
    case 'RandomZoom':
      return project(tf, y, perImage(() => {
        const zy = 1 + uniform(rng, step.heightFactor);
        const zx = step.widthFactor === null ? zy : 1 + uniform(rng, step.widthFactor);
        return zoomTransform(zy, zx, h, w);
      }), step);
    case 'RandomTranslation':
      return project(tf, y, perImage(() => {
        const dy = uniform(rng, step.heightFactor) * h;
        const dx = uniform(rng, step.widthFactor) * w;
        return translationTransform(dy, dx);
      }), step);
    case 'RandomContrast': {
      // Per image one multiplier c; per image and channel its mean over H and W:
      // (x - mean) * c + mean, then clipped to value_range (Keras' _adjust_contrast).
      const c = tf.tensor4d(perImage(() => uniform(rng, step.contrast)), [n, 1, 1, 1]);
      const mean = tf.mean(y, [1, 2], true);
      return tf.clipByValue(tf.add(tf.mul(tf.sub(y, mean), c), mean), step.valueRange[0], step.valueRange[1]) as Tensor4D;
    }
    case 'RandomBrightness': {
      // Per image one delta = uniform(lower, upper) * (max - min), added to every value.
      const width = step.valueRange[1] - step.valueRange[0];
      const delta = tf.tensor4d(perImage(() => uniform(rng, step.factor) * width), [n, 1, 1, 1]);
      return tf.clipByValue(tf.add(y, delta), step.valueRange[0], step.valueRange[1]) as Tensor4D;
    }
  }
}

/**
 * Keras' BaseImagePreprocessingLayer._compute_affine_matrix with scale 1, no shear or
 * translation, centre ((w-1)/2, (h-1)/2): a0 = cos, a1 = -sin, b0 = sin, b1 = cos,
 * a2 = cx - cx a0 - cy a1, b2 = cy - cx b0 - cy b1. Because it maps output to input, a
 * positive angle turns the content counter-clockwise on screen (y points down).
 */
export function rotationTransform(radians: number, height: number, width: number): ProjectiveTransform {
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, 0, 0];
}

/**
 * RandomZoom._get_zoom_matrix: input = centre + zoom * (output - centre), centre
 * ((w-1)/2, (h-1)/2). zoom < 1 samples a smaller region, so the content grows (zoom in).
 */
export function zoomTransform(zoomY: number, zoomX: number, height: number, width: number): ProjectiveTransform {
  return [zoomX, 0, ((width - 1) / 2) * (1 - zoomX), 0, zoomY, ((height - 1) / 2) * (1 - zoomY), 0, 0];
}

/** RandomTranslation._get_translation_matrix: input = output - (dx, dy); content moves by +(dx, dy). */
export function translationTransform(dy: number, dx: number): ProjectiveTransform {
  return [1, 0, -dx, 0, 1, -dy, 0, 0];
}

/**
 * Two TF.js 4.22 Transform kernels differ from TF's ImageProjectiveTransformV3:
 *  - cpu returns from inside its batch loop: only the first image is transformed, the others
 *    come back as fill_value (`batchBroken`);
 *  - wasm's reflect mapping compares a float with `-len` computed in size_t (unsigned), so
 *    every negative input coordinate maps to the last row / column instead of its mirror
 *    (`reflectBroken`).
 * Each is detected once per backend with a 2-image probe, so a fixed release is used as is.
 */
export interface KernelQuirks {
  batchBroken: boolean;
  reflectBroken: boolean;
}

const quirksByBackend = new Map<string, KernelQuirks>();

/** Exposed for tests: which TF.js Transform bugs this backend has. */
export function kernelQuirks(tf: Tf): KernelQuirks {
  const backend = tf.getBackend();
  let quirks = quirksByBackend.get(backend);
  if (!quirks) {
    // Each quirk gets its own probe, so one cannot look like the other (wasm's reflect bug
    // also changes a second image, which made a shared probe split wasm batches needlessly).
    // Batches: two 1x2 images [1, 2] and [3, 4] moved right by 1 with constant fill 0: TF
    // gives [0, 1] and [0, 3]. Reflect: one image [1, 2] moved right by 1: TF gives [1, 1]
    // (input x = -1 reflects to 0).
    const moved = (values: number[], n: number, fill: 'constant' | 'reflect'): Float32Array | Int32Array | Uint8Array => tf.tidy(() => tf.image.transform(
      tf.tensor4d(values, [n, 1, 2, 1]), tf.tensor2d(Array.from({ length: n }, () => translationTransform(0, 1)), [n, 8]), 'nearest', fill, 0,
    ).dataSync());
    const batch = moved([1, 2, 3, 4], 2, 'constant');
    const reflect = moved([1, 2], 1, 'reflect');
    quirks = { batchBroken: batch[2] !== 0 || batch[3] !== 3, reflectBroken: reflect[0] !== 1 || reflect[1] !== 1 };
    quirksByBackend.set(backend, quirks);
  }
  return quirks;
}

function project(tf: Tf, y: Tensor4D, transforms: ProjectiveTransform[], s: GeometricFill): Tensor4D {
  const quirks = kernelQuirks(tf);
  const apply = (images: Tensor4D, rows: ProjectiveTransform[]): Tensor4D =>
    s.fillMode === 'reflect' && quirks.reflectBroken
      ? reflectByPadding(tf, images, rows, s)
      : tf.image.transform(images, tf.tensor2d(rows, [rows.length, 8]), s.interpolation, s.fillMode, s.fillValue);
  const n = y.shape[0];
  if (quirks.batchBroken && n > 1) {
    const images = tf.split<Tensor4D>(y, n, 0);
    return tf.concat(images.map((img, i) => apply(img, [transforms[i]])), 0);
  }
  return apply(y, transforms);
}

/**
 * Reflect fill without the kernel's reflect mode: the images are mirror-padded ('symmetric'
 * = d c b a | a b c d, TF's reflect) by as much as any sampling point falls outside, the
 * transforms shifted by the margin, and the padded images sampled with an output of the
 * original size. TF's reflect is the periodic mirror extension with flat half-pixels at the
 * edges; bilinear sampling of the padded image reproduces both. A pad can be at most the
 * current size, and later pads mirror about the right axes only if earlier ones were full,
 * hence the loop. Our transforms are affine (c0 = c1 = 0): the extremes are at the corners.
 */
function reflectByPadding(tf: Tf, y: Tensor4D, rows: ProjectiveTransform[], s: GeometricFill): Tensor4D {
  const [, h, w] = y.shape;
  const corners = [[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]];
  let needX = 0;
  let needY = 0;
  for (const t of rows) {
    for (const [cx, cy] of corners) {
      const ix = t[0] * cx + t[1] * cy + t[2];
      const iy = t[3] * cx + t[4] * cy + t[5];
      needX = Math.max(needX, -ix, ix - (w - 1));
      needY = Math.max(needY, -iy, iy - (h - 1));
    }
  }
  // +1: bilinear reads the next pixel too.
  const marginX = needX > 0 ? Math.ceil(needX) + 1 : 0;
  const marginY = needY > 0 ? Math.ceil(needY) + 1 : 0;
  let padded = y;
  for (let done = 0, size = w; done < marginX; ) {
    const p = Math.min(marginX - done, size);
    padded = tf.mirrorPad(padded, [[0, 0], [0, 0], [p, p], [0, 0]], 'symmetric');
    done += p;
    size += 2 * p;
  }
  for (let done = 0, size = h; done < marginY; ) {
    const p = Math.min(marginY - done, size);
    padded = tf.mirrorPad(padded, [[0, 0], [p, p], [0, 0], [0, 0]], 'symmetric');
    done += p;
    size += 2 * p;
  }
  const shifted = rows.map((t): ProjectiveTransform => [t[0], t[1], t[2] + marginX, t[3], t[4], t[5] + marginY, t[6], t[7]]);
  // Every sampling point now lies inside the padded image; 'nearest' only guards rounding.
  return tf.image.transform(padded, tf.tensor2d(shifted, [shifted.length, 8]), s.interpolation, 'nearest', s.fillValue, [h, w]);
}
