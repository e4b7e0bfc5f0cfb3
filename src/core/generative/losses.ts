/**
 * The generative recipes' losses, written as Keras computes them so the figures a user sees
 * match the keras.io examples' logs:
 *
 * - Keras' `binary_crossentropy` clips the prediction to [1e-7, 1 − 1e-7] and averages over
 *   the last axis; TF.js' `tf.metrics.binaryCrossentropy` does the same (and is what a
 *   classifier's compile uses, engine/train/compile.ts).
 * - keras.io "Variational AutoEncoder" (and Chollet 2nd ed. 12.4): reconstruction loss
 *   `mean(sum(binary_crossentropy(data, reconstruction), axis=(1, 2)))` (summed over the
 *   pixels of each image), KL `mean(sum(-0.5·(1 + log σ² − μ² − σ²), axis=1))`, total = sum.
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

/** The VAE's reconstruction loss: per-image sum over pixels of Keras' BCE, averaged over the batch. */
export function reconstructionLoss(tf: Tf, images: tfjs.Tensor4D, reconstruction: tfjs.Tensor4D): tfjs.Scalar {
  return tf.tidy(() => tf.metrics.binaryCrossentropy(images, reconstruction).sum([1, 2]).mean<tfjs.Scalar>());
}

/** KL divergence of N(μ, σ²) from N(0, 1), summed over the latent axis, averaged over the batch. */
export function klLoss(tf: Tf, zMean: tfjs.Tensor2D, zLogVar: tfjs.Tensor2D): tfjs.Scalar {
  return tf.tidy(() => tf.scalar(1).add(zLogVar).sub(zMean.square()).sub(zLogVar.exp()).mul(-0.5).sum(1).mean<tfjs.Scalar>());
}

/**
 * Mean BCE of one score per image against 0/1 labels (the GAN players' loss_fn,
 * keras.losses.BinaryCrossentropy()); with from_logits, Keras' sigmoid cross-entropy on the
 * raw scores (stable for large logits, where sigmoid then a clipped log would not be).
 */
export function scoreLoss(tf: Tf, labels: tfjs.Tensor2D, scores: tfjs.Tensor2D, fromLogits = false): tfjs.Scalar {
  return tf.tidy(() => (fromLogits ? tf.losses.sigmoidCrossEntropy(labels, scores) : tf.metrics.binaryCrossentropy(labels, scores).mean<tfjs.Scalar>()));
}
