/**
 * Training and using a VAE in TF.js, as keras.io's `VAE.train_step` does it: encode a batch
 * to (μ, log σ²), sample z = μ + exp(½·log σ²)·ε (the reparameterisation trick, so the
 * gradient flows through μ and σ), decode, and minimise reconstruction + KL (losses.ts).
 * Every function disposes what it makes; the sampling noise is seeded, so a run repeats.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { klLoss, reconstructionLoss } from './losses';
import { trainableVariables } from './models';

type Tf = typeof tfjs;

/** The encoder gives [z_mean, z_log_var] (built without any sampling layer); the decoder maps z to an image. */
export interface VaeModels {
  encoder: tfjs.LayersModel;
  decoder: tfjs.LayersModel;
}

/** A type, not an interface, so it is a Record<string, number> of losses. Named as keras.io's VAE logs them. */
export type VaeLosses = {
  loss: number;
  reconstruction_loss: number;
  kl_loss: number;
};

function encode(models: VaeModels, images: tfjs.Tensor4D, training: boolean): [tfjs.Tensor2D, tfjs.Tensor2D] {
  const out = models.encoder.apply(images, { training }) as tfjs.Tensor[];
  return [out[0] as tfjs.Tensor2D, out[1] as tfjs.Tensor2D];
}

/** The three losses of one batch as scalars (inside a tidy or a gradient). */
function lossTensors(tf: Tf, models: VaeModels, images: tfjs.Tensor4D, seed: number, training: boolean) {
  const [zMean, zLogVar] = encode(models, images, training);
  const epsilon = tf.randomNormal(zMean.shape, 0, 1, 'float32', seed);
  const z = zMean.add<tfjs.Tensor2D>(zLogVar.mul(0.5).exp().mul(epsilon));
  const reconstruction = models.decoder.apply(z, { training }) as tfjs.Tensor4D;
  const reconstructionLossValue = reconstructionLoss(tf, images, reconstruction);
  const kl = klLoss(tf, zMean, zLogVar);
  return { total: reconstructionLossValue.add<tfjs.Scalar>(kl), reconstruction: reconstructionLossValue, kl };
}

/** Reads [total, reconstruction, kl] scalars as the named losses, and disposes them. */
async function readLosses(tf: Tf, scalars: tfjs.Tensor[]): Promise<VaeLosses> {
  try {
    const [loss, reconstruction, kl] = await Promise.all(scalars.map(async (t) => (await t.data())[0]));
    return { loss, reconstruction_loss: reconstruction, kl_loss: kl };
  } finally {
    tf.dispose(scalars);
  }
}

/** One optimisation step on a batch (images in [0, 1]); returns the batch's losses before the update. */
export async function vaeTrainStep(tf: Tf, models: VaeModels, optimizer: tfjs.Optimizer, images: tfjs.Tensor4D, seed: number): Promise<VaeLosses> {
  let parts: tfjs.Scalar[] = [];
  const total = optimizer.minimize(() => {
    const { total: t, reconstruction, kl } = lossTensors(tf, models, images, seed, true);
    parts = [tf.keep(reconstruction), tf.keep(kl)];
    return t;
  }, true, trainableVariables(models.encoder, models.decoder));
  return readLosses(tf, [total!, ...parts]);
}

/** The losses of a batch without training (validation), with the same seeded sampling. */
export async function vaeEvaluate(tf: Tf, models: VaeModels, images: tfjs.Tensor4D, seed: number): Promise<VaeLosses> {
  return readLosses(tf, tf.tidy(() => {
    const { total, reconstruction, kl } = lossTensors(tf, models, images, seed, false);
    return [total, reconstruction, kl];
  }));
}

/** The latent means of images (what the latent-space scatter plots), one row per image. */
export async function encodeMeans(tf: Tf, models: VaeModels, images: tfjs.Tensor4D): Promise<number[][]> {
  const mean = tf.tidy(() => encode(models, images, false)[0]);
  try {
    return (await mean.array());
  } finally {
    mean.dispose();
  }
}

/** Decodes latent points to images (N × h × w × c, in the decoder's output range); the caller disposes. */
export function decodePoints(tf: Tf, decoder: tfjs.LayersModel, points: number[][]): tfjs.Tensor4D {
  return tf.tidy(() => decoder.predict(tf.tensor2d(points)) as tfjs.Tensor4D);
}

/**
 * Chollet's latent-space figure for a 2-D latent space (1st ed. 8.4): an n × n grid at the
 * normal distribution's quantiles `norm.ppf(np.linspace(0.05, 0.95, n))`, so that cells are
 * equally probable. Oriented as keras.io's `plot_latent_space` (`grid_y[::-1]`) and as a
 * plot: z₁ grows to the right, z₂ upwards, so the grid sits the same way as the scatter of
 * encoded images beside it. The cell in row i, column j decodes z = [q[j], q[n − 1 − i]].
 */
export function manifoldGrid(n: number): number[][] {
  const quantiles = manifoldQuantiles(n);
  const points: number[][] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) points.push([quantiles[col], quantiles[n - 1 - row]]);
  }
  return points;
}

/** `norm.ppf(np.linspace(0.05, 0.95, n))`: where the grid's columns (and rows) sit in the latent plane. */
export function manifoldQuantiles(n: number): number[] {
  return Array.from({ length: n }, (_, i) => normalQuantile(0.05 + (0.9 * i) / Math.max(1, n - 1)));
}

/** The standard normal's inverse CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile of ${p}: p must be in (0, 1)`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
