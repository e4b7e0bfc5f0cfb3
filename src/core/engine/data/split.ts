/** Building Splits and stratified train/validation partitions. */
import { permutation, subSeed } from './rng';
import type { Split } from './types';

/**
 * Per class, how many go to validation: round(n_c * fraction), corrected by largest
 * remainders so the total is round(N * fraction) exactly.
 */
export function stratifiedCounts(perClass: number[], fraction: number): number[] {
  const total = perClass.reduce((a, b) => a + b, 0);
  const target = Math.round(total * fraction);
  const exact = perClass.map((n) => n * fraction);
  const counts = exact.map((e) => Math.floor(e));
  let left = target - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (counts[i] < perClass[i]) {
      counts[i]++;
      left--;
    }
  }
  return counts;
}

/**
 * Splits item indices grouped by class into train and validation, stratified; `seed`
 * (when given) shuffles each class before taking its validation share from the end.
 */
export function stratifiedSplit(byClass: number[][], fraction: number, seed?: number): { train: number[]; validation: number[] } {
  const counts = stratifiedCounts(byClass.map((c) => c.length), fraction);
  const train: number[] = [];
  const validation: number[] = [];
  byClass.forEach((items, c) => {
    let order = items;
    if (seed !== undefined) {
      const p = permutation(items.length, subSeed(seed, c));
      order = Array.from(p, (k) => items[k]);
    }
    const cut = order.length - counts[c];
    train.push(...order.slice(0, cut));
    validation.push(...order.slice(cut));
  });
  return { train, validation };
}

/** Copies the chosen images (indices into x / y) into a new Split. */
export function gather(x: Float32Array, y: Int32Array, imageSize: number, indices: number[], sources?: string[]): Split {
  const out = new Float32Array(indices.length * imageSize);
  const labels = new Int32Array(indices.length);
  indices.forEach((k, i) => {
    out.set(x.subarray(k * imageSize, (k + 1) * imageSize), i * imageSize);
    labels[i] = y[k];
  });
  return { x: out, y: labels, count: indices.length, sources: sources ? indices.map((k) => sources[k]) : undefined };
}
