/**
 * The images a generative model learns from: the data set loaded at the recipe's image size
 * (labels kept only for the latent scatter), and shuffled batches made one at a time (as
 * tensors by the classifier's batchImages), so only one batch is ever a tensor.
 */
import { describeShape, loadDataset, type Dataset } from '../../engine/data';
import { DataError } from '../../engine/data/types';
import { permutation } from '../../engine/data/rng';
import type { GenerativeRecipe } from '../recipe';
import type { GenerativeSettings } from './types';

export async function loadGenerativeData(settings: GenerativeSettings, recipe: GenerativeRecipe): Promise<Dataset> {
  const dataset = await loadDataset(settings.data, { inputShape: recipe.imageShape, validationSplit: settings.validationSplit, seed: settings.seed });
  const same = dataset.inputShape.every((d, i) => d === recipe.imageShape[i]);
  if (!same) {
    throw new DataError(`${dataset.name} images are ${describeShape(dataset.inputShape)}, but the ${recipe.kind === 'vae' ? 'decoder' : 'generator'} makes ${describeShape(recipe.imageShape)}: train on an image folder (resized to the model's size) or change the model`);
  }
  if (dataset.train.count === 0) throw new DataError(`${dataset.name} has no training images`);
  return dataset;
}

/** The batches of one epoch: index lists in an order fixed by the seed (the last one may be short, as in Keras). */
export function epochBatches(count: number, batchSize: number, seed: number): Int32Array[] {
  const order = permutation(count, seed);
  const batches: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) batches.push(order.subarray(start, Math.min(count, start + batchSize)));
  return batches;
}

/** Averages per-batch losses weighted by batch size: Keras' running mean over an epoch. */
export class LossMeans {
  private readonly sums = new Map<string, number>();
  private images = 0;

  add(logs: Record<string, number>, images: number): void {
    for (const [k, v] of Object.entries(logs)) this.sums.set(k, (this.sums.get(k) ?? 0) + v * images);
    this.images += images;
  }

  means(prefix = ''): Record<string, number> {
    return Object.fromEntries([...this.sums].map(([k, v]) => [`${prefix}${k}`, v / Math.max(1, this.images)]));
  }
}
