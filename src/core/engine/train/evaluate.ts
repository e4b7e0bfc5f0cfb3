/**
 * Evaluation of a model on a split, batch by batch inside tf.tidy: loss, accuracy,
 * predictions, confusion matrix, per-class accuracy, and a gallery of misclassified
 * examples saved as PNG files.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadSharp } from '../data/sharp';
import type { ImageShape, Split } from '../data/types';
import { accuracyFunction, encodeLabels, lossFunction, type CompileSettings } from './compile';
import type { Evaluation, MisclassifiedExample } from './types';

type Tf = typeof tfjs;

export interface Predictions {
  loss: number;
  accuracy: number;
  predicted: Int32Array;
  confidence: Float32Array;
}

/**
 * Images [start, end) of a split as an NHWC tensor (the caller disposes it). Splits hold
 * values in [0, 1]; `pixelScale` 255 gives 0–255 pixel values instead, for models that
 * rescale their input themselves (see augment/plan.ts).
 */
export function batchImages(tf: Tf, split: Split, shape: ImageShape, indices: ArrayLike<number>, start: number, end: number, pixelScale = 1): tfjs.Tensor4D {
  const size = shape[0] * shape[1] * shape[2];
  const n = end - start;
  const buf = new Float32Array(n * size);
  for (let i = 0; i < n; i++) {
    const k = indices[start + i];
    buf.set(split.x.subarray(k * size, (k + 1) * size), i * size);
  }
  if (pixelScale !== 1) for (let i = 0; i < buf.length; i++) buf[i] *= pixelScale;
  return tf.tensor4d(buf, [n, shape[0], shape[1], shape[2]]);
}

/**
 * A batch of images in the shape the model takes: reshaped when its input is the same pixels
 * in another shape ((h, w), or one vector of h·w·c), as the course's `x.reshape((60000, 28 * 28))`
 * does (validate.ts' flatImage lets only those through). A new tensor then; else `x` itself.
 */
export function asModelInput(tf: Tf, model: tfjs.LayersModel, x: tfjs.Tensor4D): tfjs.Tensor {
  const dims = model.inputs[0].shape.slice(1);
  if (dims.length === 3 || dims.some((d) => d === null)) return x;
  return tf.reshape(x, [x.shape[0], ...(dims as number[])]);
}

export function batchLabels(split: Split, indices: ArrayLike<number>, start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = split.y[indices[i]];
  return out;
}

export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

export async function predictSplit(
  tf: Tf,
  model: tfjs.LayersModel,
  split: Split,
  shape: ImageShape,
  compile: CompileSettings,
  numClasses: number,
  batchSize = 256,
  pixelScale = 1,
): Promise<Predictions> {
  const lossFn = lossFunction(tf, compile);
  const accFn = accuracyFunction(tf, compile);
  const predicted = new Int32Array(split.count);
  const confidence = new Float32Array(split.count);
  const order = identity(split.count);
  let lossSum = 0;
  let accSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const ids = batchLabels(split, order, start, end);
    const [l, a, cls, conf] = tf.tidy((): [tfjs.Tensor, tfjs.Tensor, tfjs.Tensor, tfjs.Tensor] => {
      const x = batchImages(tf, split, shape, order, start, end, pixelScale);
      const yTrue = encodeLabels(tf, ids, compile, numClasses);
      const out = model.predict(asModelInput(tf, model, x)) as tfjs.Tensor;
      let probs: tfjs.Tensor;
      let cls: tfjs.Tensor;
      if (compile.labels === 'binary') {
        const p1 = tf.reshape(compile.fromLogits ? tf.sigmoid(out) : out, [-1]);
        cls = tf.cast(tf.greater(p1, 0.5), 'int32');
        probs = tf.where(tf.cast(cls, 'bool'), p1, tf.sub(1, p1));
      } else {
        const p = compile.fromLogits ? tf.softmax(out) : out;
        cls = tf.argMax(p, -1);
        probs = tf.max(p, -1);
      }
      return [tf.sum(lossFn(yTrue, out)), tf.sum(accFn(yTrue, out)), cls, probs];
    });
    const [lv, av, cv, pv] = await Promise.all([l.data(), a.data(), cls.data(), conf.data()]);
    tf.dispose([l, a, cls, conf]);
    lossSum += lv[0];
    accSum += av[0];
    predicted.set(cv, start);
    confidence.set(pv, start);
  }
  const n = Math.max(split.count, 1);
  return { loss: lossSum / n, accuracy: accSum / n, predicted, confidence };
}

/** Writes image `index` of a split as a PNG (small images enlarged with nearest-neighbour). */
export async function writeImagePng(split: Split, shape: ImageShape, index: number, file: string): Promise<void> {
  const [h, w, c] = shape;
  const size = h * w * c;
  const px = Buffer.alloc(size);
  for (let i = 0; i < size; i++) px[i] = Math.round(Math.min(1, Math.max(0, split.x[index * size + i])) * 255);
  const scale = Math.max(1, Math.floor(112 / Math.max(h, w)));
  let img = loadSharp()(px, { raw: { width: w, height: h, channels: c as 1 | 3 } });
  if (scale > 1) img = img.resize(w * scale, h * scale, { kernel: 'nearest' });
  await img.png().toFile(file);
}

export async function evaluate(
  tf: Tf,
  model: tfjs.LayersModel,
  splitName: 'test' | 'validation',
  split: Split,
  shape: ImageShape,
  classNames: string[],
  compile: CompileSettings,
  options: { runDir: string; galleryCount: number; batchSize?: number; pixelScale?: number },
): Promise<Evaluation> {
  const n = classNames.length;
  const p = await predictSplit(tf, model, split, shape, compile, n, options.batchSize, options.pixelScale);
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const wrong: number[] = [];
  for (let i = 0; i < split.count; i++) {
    confusion[split.y[i]][p.predicted[i]]++;
    if (split.y[i] !== p.predicted[i]) wrong.push(i);
  }
  const perClassAccuracy = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? null : row[c] / total;
  });
  // The most confident mistakes first: the most instructive ones.
  wrong.sort((a, b) => p.confidence[b] - p.confidence[a] || a - b);
  const misclassified: MisclassifiedExample[] = [];
  const chosen = wrong.slice(0, options.galleryCount);
  if (chosen.length > 0) fs.mkdirSync(path.join(options.runDir, 'misclassified'), { recursive: true });
  for (const i of chosen) {
    const file = path.join('misclassified', `${splitName}-${i}-true_${safe(classNames[split.y[i]])}-pred_${safe(classNames[p.predicted[i]])}.png`);
    await writeImagePng(split, shape, i, path.join(options.runDir, file));
    misclassified.push({
      index: i,
      source: split.sources?.[i],
      label: split.y[i],
      labelName: classNames[split.y[i]],
      predicted: p.predicted[i],
      predictedName: classNames[p.predicted[i]],
      confidence: p.confidence[i],
      file,
    });
  }
  return { split: splitName, count: split.count, loss: p.loss, accuracy: p.accuracy, confusion, perClassAccuracy, misclassified };
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
}
