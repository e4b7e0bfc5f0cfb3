/**
 * Augmentation preview: what a model's Keras augmentation layers (RandomFlip, RandomRotation,
 * RandomZoom, ...) do to one image, as `count` independent draws next to the original, PNG
 * data URLs ready for a webview.
 *
 * It runs exactly what training runs (prepareTrainingInput's steps, augmentBatch with the
 * pixel scale the model expects), so the preview cannot drift from the training batches.
 * Every copy in the batch gets its own random parameters (augmentBatch draws per image), so
 * one call with `count` copies gives `count` different draws; the same seed gives the same
 * images. The image comes from the data set registry (../engine/data/registry.ts), the same
 * loaders training uses.
 *
 * TF.js is passed in, never imported at run time (as in ../engine/build.ts); sharp is loaded
 * on first use. No vscode here: the panel calls this through ./vizClient.ts.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../model/spec';
import { augmentBatch, type AugmentationStep } from '../engine/augment/ops';
import { inputPipeline } from '../engine/augment/plan';
import type { SampleRequest } from '../engine/data/catalog';
import { loadSample } from '../engine/data/registry';
import { DataError, describeShape, type ImageShape } from '../engine/data/types';
import { modelIO } from '../engine/data/validate';
import { prepareTrainingInput } from '../engine/train/trainingInput';
import { pngDataUrl } from './png';

type Tf = typeof tfjs;

/** The image to augment, from one of the data sets of ../engine/data/catalog.ts. */
export type PreviewSample = SampleRequest;

export interface AugmentPreviewRequest {
  sample: PreviewSample;
  /** Augmented draws wanted; clamped to 1..{@link MAX_PREVIEW_COUNT}. */
  count: number;
  /** Any integer; used as an unsigned 32-bit seed (the value returned). */
  seed: number;
}

export interface AugmentPreview {
  /** spec.name */
  model: string;
  /** trainingInput summary.augmentation ('random_flip: mirrors …'), in the model's order. */
  steps: string[];
  /** prepareTrainingInput's notes about the model (unsupported layers, 0–255 input), then the preview's own. */
  notes: string[];
  /** 1, or 255 when the model rescales raw pixels itself. */
  pixelScale: number;
  /** The model's input H, W, C: the size the sample is shown (and augmented) at. */
  inputShape: [number, number, number];
  sample: { label: string };
  /** data:image/png;base64,… of the sample at the model's input size (enlarged, see displayScale). */
  original: string;
  /** `count` PNG data URLs, each a different draw; [] when the model has no augmentation steps. */
  augmented: string[];
  seed: number;
}

export const MAX_PREVIEW_COUNT = 32;
/** Floats in the augmented batch at most (256 MiB): a huge input with many copies would exhaust the worker. */
const MAX_BATCH_VALUES = 2 ** 26;

/** The model's input as H×W×C with C 1 or 3 (what the loaders produce); a one-line DataError otherwise. */
export function previewInputShape(spec: ModelSpec): ImageShape {
  const io = modelIO(spec);
  const literal = io.dialect === 'tfjs' ? 'inputShape: [180, 180, 3]' : 'input_shape=(180, 180, 3)';
  const needs = 'the augmentation preview needs a model whose input is an image (height×width×channels)';
  if (io.inputs !== 1) throw new DataError(`${needs}; ${spec.name} has ${io.inputs} inputs`);
  const s = io.inputShape;
  if (s === null) throw new DataError(`${needs}; the input shape of ${spec.name} is unknown: give it ${literal} (your image size)`);
  if (s.length !== 3) throw new DataError(`${needs}; ${spec.name} takes inputs of shape ${describeShape(s)}: start it with ${literal} (your image size)`);
  const [h, w, c] = s;
  if (h === null || w === null) throw new DataError(`${needs} of a fixed size; ${spec.name} takes ${describeShape(s)}: give it ${literal} (your image size)`);
  if (c !== 1 && c !== 3) throw new DataError(`${needs} with 1 (greyscale) or 3 (RGB) channels; ${spec.name} takes ${describeShape(s)}`);
  return [h, w, c];
}

export async function augmentationPreview(tf: Tf, spec: ModelSpec, req: AugmentPreviewRequest): Promise<AugmentPreview> {
  const count = checkCount(req.count);
  const seed = checkSeed(req.seed);
  const shape = previewInputShape(spec);
  const input = prepareTrainingInput(spec);
  const notes = [...input.modelNotes];
  const sample = await loadSample(req.sample, shape);
  if (sample.note) notes.push(sample.note);
  const original = await pngDataUrl(sample.pixels, shape[0], shape[1], shape[2] as 1 | 3);
  let augmented: string[] = [];
  if (input.steps.length === 0) {
    notes.push(
      inputPipeline(spec).augmentations.length > 0
        ? `none of the augmentation layers of ${spec.name} can be applied (see above): training feeds the images as they are`
        : `${spec.name} has no augmentation layers (RandomFlip, RandomRotation, RandomZoom, ...) that its input meets first: training feeds the images as they are`,
    );
  } else {
    const size = shape[0] * shape[1] * shape[2];
    if (count * size > MAX_BATCH_VALUES) {
      throw new DataError(`a preview of ${count} images at ${describeShape(shape)} is too large to compute: ask for at most ${Math.max(1, Math.floor(MAX_BATCH_VALUES / size))}`);
    }
    const images = augmentCopies(tf, sample.pixels, shape, count, input.steps, input.pixelScale, seed);
    augmented = await Promise.all(Array.from({ length: count }, (_, i) => pngDataUrl(images.subarray(i * size, (i + 1) * size), shape[0], shape[1], shape[2] as 1 | 3)));
  }
  return {
    model: spec.name,
    steps: input.summary.augmentation,
    notes,
    pixelScale: input.pixelScale,
    inputShape: [...shape],
    sample: { label: sample.label },
    original,
    augmented,
    seed,
  };
}

export function checkCount(count: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) throw new DataError(`the number of augmented images must be a number from 1 to ${MAX_PREVIEW_COUNT}, not ${String(count)}`);
  return Math.min(MAX_PREVIEW_COUNT, Math.max(1, Math.floor(count)));
}

export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed)) throw new DataError(`the augmentation seed must be an integer, not ${String(seed)}`);
  // augmentBatch's PRNG takes 32 bits; returning the value used keeps "same seed, same images" exact.
  return seed >>> 0;
}

/**
 * `count` copies of the image in the model's pixel scale, augmented, back in [0, 1]. The
 * division and clip undo the 0–255 scale for display only; augmentation itself sees what
 * training feeds (RandomBrightness' value_range, fill values, are in that scale).
 */
function augmentCopies(tf: Tf, pixels: Float32Array, [h, w, c]: ImageShape, count: number, steps: AugmentationStep[], pixelScale: number, seed: number): Float32Array {
  const out = tf.tidy(() => {
    const one = tf.mul(tf.tensor4d(pixels, [1, h, w, c]), pixelScale);
    const batch = tf.tile(one, [count, 1, 1, 1]) as tfjs.Tensor4D;
    const y = augmentBatch(tf, batch, steps, seed);
    return tf.clipByValue(tf.div(y, pixelScale), 0, 1);
  });
  try {
    // A worker thread: blocking on the data is fine, and keeps requests from interleaving on the backend.
    return Float32Array.from(out.dataSync() as Float32Array);
  } finally {
    out.dispose();
  }
}

