/**
 * A generated, seeded shapes data set for tests and demos: circles, squares, triangles and
 * crosses (the first `classes` of them) drawn at a random position, size and brightness on a
 * dark canvas of any H×W with 1 or 3 channels, plus Gaussian noise, clipped to [0, 1].
 * Same seed, same images; classes are balanced and the validation split is stratified.
 */
import { gaussian, mulberry32, type Rng } from './rng';
import { gather, stratifiedSplit } from './split';
import { DataError, type Dataset, type ImageShape, type SampleImage } from './types';

export const SYNTHETIC_CLASSES = ['circle', 'square', 'triangle', 'cross'];

export interface SyntheticOptions {
  inputShape?: ImageShape;
  count?: number;
  classes?: number;
  noise?: number;
  validationSplit?: number;
  seed?: number;
}

/** Is pixel (px, py) (in units where the shape's centre is 0,0 and its radius 1) inside shape `cls`? */
function inside(cls: number, px: number, py: number): boolean {
  switch (cls) {
    case 0:
      return px * px + py * py <= 1;
    case 1:
      return Math.abs(px) <= 0.8 && Math.abs(py) <= 0.8;
    case 2: // upward triangle: apex (0,-1), base y = 0.8
      return py <= 0.8 && py >= -1 && Math.abs(px) <= ((py + 1) / 1.8) * 0.95;
    default: // a plus-shaped cross
      return (Math.abs(px) <= 0.25 && Math.abs(py) <= 1) || (Math.abs(py) <= 0.25 && Math.abs(px) <= 1);
  }
}

function drawImage(out: Float32Array, offset: number, [h, w, c]: ImageShape, cls: number, noise: number, rng: Rng): void {
  const minSide = Math.min(h, w);
  const radius = minSide * (0.22 + 0.18 * rng());
  const cx = radius + rng() * Math.max(w - 2 * radius, 0);
  const cy = radius + rng() * Math.max(h - 2 * radius, 0);
  const colour = Array.from({ length: c }, () => 0.55 + 0.45 * rng());
  const background = 0.1 * rng();
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const on = inside(cls, (x + 0.5 - cx) / radius, (y + 0.5 - cy) / radius);
      for (let ch = 0; ch < c; ch++) {
        const v = (on ? colour[ch] : background) + noise * gaussian(rng);
        out[offset + (y * w + x) * c + ch] = Math.min(1, Math.max(0, v));
      }
    }
  }
}

export function loadSynthetic(options: SyntheticOptions = {}): Dataset {
  const inputShape: ImageShape = options.inputShape ?? [32, 32, 1];
  const [h, w, c] = inputShape;
  if (!(h >= 4 && w >= 4) || (c !== 1 && c !== 3)) {
    throw new DataError(`synthetic shapes need images of at least 4×4 with 1 or 3 channels, not ${h}×${w}×${c}`);
  }
  const classes = options.classes ?? 4;
  if (!Number.isInteger(classes) || classes < 2 || classes > SYNTHETIC_CLASSES.length) {
    throw new DataError(`synthetic shapes have 2 to ${SYNTHETIC_CLASSES.length} classes, not ${classes}`);
  }
  const count = options.count ?? 480;
  const noise = options.noise ?? 0.1;
  const seed = options.seed ?? 1;
  const size = h * w * c;
  const x = new Float32Array(count * size);
  const y = new Int32Array(count);
  const rng = mulberry32(seed);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < count; i++) {
    const cls = i % classes;
    y[i] = cls;
    byClass[cls].push(i);
    drawImage(x, i * size, inputShape, cls, noise, rng);
  }
  const sources = Array.from({ length: count }, (_, i) => `synthetic:${i}`);
  const { train, validation } = stratifiedSplit(byClass, options.validationSplit ?? 0.2);
  return {
    name: 'synthetic',
    kind: 'synthetic',
    inputShape: [h, w, c],
    numClasses: classes,
    classNames: SYNTHETIC_CLASSES.slice(0, classes),
    train: gather(x, y, size, train, sources),
    validation: gather(x, y, size, validation, sources),
    skipped: [],
  };
}

/**
 * Synthetic image `index` for a preview: the same generator as `--data synthetic`, seeded by
 * the index so index k is always the same picture; its class cycles through the shapes like
 * the data set's labels do.
 */
export function syntheticSample(index: number, shape: ImageShape): SampleImage {
  const cls = index % SYNTHETIC_CLASSES.length;
  const ds = loadSynthetic({ inputShape: shape, count: SYNTHETIC_CLASSES.length, classes: SYNTHETIC_CLASSES.length, validationSplit: 0, seed: index });
  const at = ds.train.sources?.indexOf(`synthetic:${cls}`) ?? -1;
  const size = shape[0] * shape[1] * shape[2];
  return { label: `synthetic ${SYNTHETIC_CLASSES[cls]} #${index}`, pixels: ds.train.x.slice(at * size, (at + 1) * size) };
}
