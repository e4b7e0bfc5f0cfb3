/**
 * A generative run's events and report: plain JSON, like a classifier's (engine/train/types.ts),
 * but with the recipe's own losses by name (keras.io's VAE logs `loss`, `reconstruction_loss`,
 * `kl_loss`; its DCGAN `d_loss`, `g_loss`) instead of loss and accuracy.
 */
import type { BackendInfo } from '../../engine/backend/select';
import type { DatasetInfo, TrainSettings } from '../../engine/train/types';
import type { GenerativeRecipe } from '../recipe';

/** Losses by Keras' names; the VAE adds `val_`-prefixed ones from the validation split. */
export type LossLogs = Record<string, number>;

export interface GenerativeEpoch {
  epoch: number;
  logs: LossLogs;
  seconds: number;
  imagesPerSec: number;
  /** The sample grid decoded from the run's fixed latent points after this epoch (relative to the run folder). */
  samples: string;
}

/** The models of a recipe by role ('encoder', 'decoder' or 'generator', 'discriminator'). */
export type RoleFiles = Record<string, string>;

export interface GenerativeReport {
  status: 'completed' | 'cancelled';
  runDir: string;
  recipe: GenerativeRecipe;
  backend: BackendInfo;
  dataset: DatasetInfo;
  optimizer: string;
  startEpoch: number;
  epochsCompleted: number;
  history: GenerativeEpoch[];
  /** tf.memory().numTensors after each epoch (flat when nothing leaks). */
  tensorsAfterEpoch: number[];
  /** Batches that finished after the cancel request reached the worker (0 or 1). */
  batchesAfterCancel?: number;
  seconds: number;
  /** model.json of each role's final weights, relative to the run folder. */
  models: RoleFiles;
}

export type GenerativeEvent =
  | { type: 'log'; message: string }
  | { type: 'backend'; backend: BackendInfo }
  | { type: 'dataset'; dataset: DatasetInfo }
  | { type: 'run'; runDir: string; startEpoch: number; recipe: GenerativeRecipe }
  | { type: 'batch'; epoch: number; batch: number; batches: number; logs: LossLogs; imagesPerSec: number }
  | ({ type: 'epoch'; epochs: number; numTensors: number } & GenerativeEpoch)
  | { type: 'checkpoint'; epoch: number; path: string };

export type GenerativeSettings = Omit<TrainSettings, 'earlyStopping' | 'galleryCount'>;

export { imageRole, rolesOf } from '../recipe';
