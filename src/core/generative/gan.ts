/**
 * Training a GAN in TF.js as keras.io's "DCGAN overriding train_step" does, step for step:
 *
 * 1. The discriminator sees generated images labelled 1 and real ones labelled 0, the labels
 *    jittered by 0.05·uniform noise ("an important trick"), and is updated on its BCE.
 * 2. The generator is updated so that the discriminator calls fresh fakes real (label 0),
 *    through the discriminator's weights, which this step leaves alone.
 *
 * The players are called as keras.io's train_step calls them, without `training=True`, so
 * a Dropout in the discriminator is inactive there as well. Each player has its own optimizer
 * (keras.io: Adam 1e-4 for both), and the scores are probabilities unless the code's loss_fn
 * says from_logits=True (keras.io's GAN in "Customizing what happens in fit()"). Noise is
 * seeded, so a run repeats.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { scoreLoss } from './losses';
import { trainableVariables } from './models';

type Tf = typeof tfjs;

export interface GanModels {
  generator: tfjs.LayersModel;
  discriminator: tfjs.LayersModel;
}

export interface GanOptimizers {
  discriminator: tfjs.Optimizer;
  generator: tfjs.Optimizer;
}

/** A type, not an interface, so it is a Record<string, number> of losses. Named as keras.io's GAN logs them. */
export type GanLosses = {
  d_loss: number;
  g_loss: number;
};

/** One keras.io train_step on a batch of real images (in the generator's output range); seeds differ per step. */
export async function ganTrainStep(tf: Tf, models: GanModels, optimizers: GanOptimizers, real: tfjs.Tensor4D, latentDim: number, seed: number, fromLogits = false): Promise<GanLosses> {
  const n = real.shape[0];
  const { generator, discriminator } = models;
  const dLoss = optimizers.discriminator.minimize(() => {
    const fake = generator.apply(tf.randomNormal([n, latentDim], 0, 1, 'float32', seed)) as tfjs.Tensor4D;
    const combined = tf.concat([fake, real]);
    const labels = tf.concat([tf.ones([n, 1]), tf.zeros([n, 1])]).add<tfjs.Tensor2D>(tf.randomUniform([2 * n, 1], 0, 1, 'float32', seed + 1).mul(0.05));
    return scoreLoss(tf, labels, discriminator.apply(combined) as tfjs.Tensor2D, fromLogits);
  }, true, trainableVariables(discriminator));
  const gLoss = optimizers.generator.minimize(() => {
    const fake = generator.apply(tf.randomNormal([n, latentDim], 0, 1, 'float32', seed + 2)) as tfjs.Tensor4D;
    return scoreLoss(tf, tf.zeros<tfjs.Rank.R2>([n, 1]), discriminator.apply(fake) as tfjs.Tensor2D, fromLogits);
  }, true, trainableVariables(generator));
  try {
    const [d, g] = await Promise.all([dLoss!.data(), gLoss!.data()]);
    return { d_loss: d[0], g_loss: g[0] };
  } finally {
    tf.dispose([dLoss!, gLoss!]);
  }
}

/** Fixed latent points for the per-epoch sample grid: the same points every epoch show how the generator learns. */
export function latentPoints(tf: Tf, count: number, latentDim: number, seed: number): number[][] {
  return tf.tidy(() => tf.randomNormal([count, latentDim], 0, 1, 'float32', seed).arraySync() as number[][]);
}

/** Points evenly spaced on the straight line from `from` to `to` (both ends included). */
export function interpolate(from: readonly number[], to: readonly number[], steps: number): number[][] {
  if (from.length !== to.length) throw new RangeError(`cannot interpolate between latent points of sizes ${from.length} and ${to.length}`);
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`interpolation needs at least 2 steps, got ${steps}`);
  return Array.from({ length: steps }, (_, i) => from.map((a, k) => a + ((to[k] - a) * i) / (steps - 1)));
}
