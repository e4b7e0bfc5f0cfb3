/**
 * One trainer per recipe, behind the same face, so the run loop (run.ts) does not care which
 * it drives: train a batch, score the validation split (the VAE; a GAN has no such loss),
 * and decode latent points into images for the sample grid.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Split } from '../../engine/data';
import { subSeed } from '../../engine/data/rng';
import { ganTrainStep } from '../gan';
import { decodePoints, vaeEvaluate, vaeTrainStep } from '../vae';
import type { GenerativeRecipe } from '../recipe';
import { LossMeans, epochBatches } from './batches';
import { batchImages } from '../../engine/train/evaluate';
import { createOptimizer, describeOptimizer, resolveOptimizer } from '../../engine/train/compile';

type Tf = typeof tfjs;

export interface Trainer {
  /** Keras' optimizer as the log names it. */
  readonly optimizer: string;
  trainBatch(images: tfjs.Tensor4D, seed: number): Promise<Record<string, number>>;
  /** `val_`-prefixed losses of the split; empty where the recipe has none. */
  validate(split: Split, batchSize: number, seed: number): Promise<Record<string, number>>;
  decode(points: number[][]): tfjs.Tensor4D;
  dispose(): void;
}

/**
 * Without a compile call in the code (or a keyword missing from it), the keras.io examples'
 * own settings: the VAE compiles with `keras.optimizers.Adam()` (learning rate 0.001), the
 * DCGAN with Adam(learning_rate=0.0001) for each player and BinaryCrossentropy() on
 * sigmoid scores.
 */
export const VAE_LEARNING_RATE = 1e-3;
export const GAN_LEARNING_RATE = 1e-4;

/** One optimizer of the recipe: from the trainer's compile keyword, else the example's Adam at `published`. */
function recipeOptimizer(tf: Tf, recipe: GenerativeRecipe, keyword: string, published: number): { optimizer: tfjs.Optimizer; text: string } {
  const written = recipe.compile?.optimizers[keyword];
  const settings = written ? resolveOptimizer(written.optimizer, written.learningRate) : { optimizer: 'adam' as const, learningRate: published };
  const from = written ? `from ${recipe.compile!.trainerClass}.compile(${keyword}=…)` : 'the keras.io example\'s';
  return { optimizer: createOptimizer(tf, settings), text: `${describeOptimizer(settings)} (${from})` };
}

export function makeTrainer(tf: Tf, recipe: GenerativeRecipe, models: Record<string, tfjs.LayersModel>): Trainer {
  if (recipe.kind === 'vae') {
    const vae = { encoder: models.encoder, decoder: models.decoder };
    const { optimizer, text } = recipeOptimizer(tf, recipe, 'optimizer', VAE_LEARNING_RATE);
    return {
      optimizer: text,
      trainBatch: (images, seed) => vaeTrainStep(tf, vae, optimizer, images, seed),
      async validate(split, batchSize, seed) {
        const means = new LossMeans();
        for (const [i, indices] of epochBatches(split.count, batchSize, seed).entries()) {
          const images = batchImages(tf, split, recipe.imageShape, indices, 0, indices.length);
          try {
            means.add(await vaeEvaluate(tf, vae, images, subSeed(seed, i)), indices.length);
          } finally {
            images.dispose();
          }
        }
        return means.means('val_');
      },
      decode: (points) => decodePoints(tf, vae.decoder, points),
      dispose: () => optimizer.dispose(),
    };
  }
  const gan = { generator: models.generator, discriminator: models.discriminator };
  const d = recipeOptimizer(tf, recipe, 'd_optimizer', GAN_LEARNING_RATE);
  const g = recipeOptimizer(tf, recipe, 'g_optimizer', GAN_LEARNING_RATE);
  const optimizers = { discriminator: d.optimizer, generator: g.optimizer };
  const fromLogits = recipe.compile?.fromLogits ?? false;
  return {
    optimizer: `discriminator ${d.text}, generator ${g.text}${fromLogits ? ', scores as logits (loss_fn from_logits=True)' : ''}`,
    trainBatch: (images, seed) => ganTrainStep(tf, gan, optimizers, images, recipe.latentDim, seed, fromLogits),
    validate: () => Promise.resolve({}),
    decode: (points) => decodePoints(tf, gan.generator, points),
    dispose: () => {
      optimizers.discriminator.dispose();
      optimizers.generator.dispose();
    },
  };
}
