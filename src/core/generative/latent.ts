/**
 * A trained VAE or GAN opened for exploring its latent space (the latent-space panel and the
 * `convlens sample | interpolate | encode` commands): the run folder's decoder or generator
 * (and a VAE's encoder), what the run says about itself, and the pictures made from points.
 * Every method disposes the tensors it makes.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadDataset, loadSample, type SampleRequest } from '../engine/data';
import { DataError, type DatasetSpec } from '../engine/data/types';
import { mulberry32, gaussian } from '../engine/data/rng';
import { encodePng } from '../viz/png';
import { gridPng } from './grid';
import type { GenerativeRecipe } from './recipe';
import { CHECKPOINT_DIR, loadRoles, readGenerativeCheckpoint } from './train/checkpoint';
import { imageRole, rolesOf, type GenerativeEpoch, type GenerativeReport } from './train/types';
import { encodeMeans, manifoldGrid } from './vae';
import { readGenerativeRun, readRunSettings } from './runFolder';
import { batchImages } from '../engine/train/evaluate';

type Tf = typeof tfjs;

export interface LatentInfo {
  runDir: string;
  recipe: GenerativeRecipe;
  status: GenerativeReport['status'] | 'unfinished';
  epochsCompleted: number;
  history: GenerativeEpoch[];
  /** What the run trained on, and its class names (for colouring the scatter). */
  data: DatasetSpec;
  classNames: string[];
}

/** Latent codes of images with their classes (the VAE's scatter; concept vectors are class means of these). */
export interface EncodedSet {
  points: number[][];
  labels: number[];
}

/** Whether a folder is a generative run (its settings name a recipe). */
export function isGenerativeRun(dir: string): boolean {
  return readRunSettings(dir) !== undefined;
}

/** The run's models: the final ones when the run finished, else its last checkpoint's. */
async function loadRunModels(tf: Tf, runDir: string, roles: string[]): Promise<{ models: Record<string, tfjs.LayersModel>; history?: GenerativeEpoch[] }> {
  if (roles.every((r) => fs.existsSync(path.join(runDir, 'models', r, 'model.json')))) return { models: await loadRoles(tf, path.join(runDir, 'models'), roles) };
  const state = readGenerativeCheckpoint(runDir);
  return { models: await loadRoles(tf, path.join(runDir, CHECKPOINT_DIR, state.folder), roles), history: state.history };
}

export class LatentSession {
  private constructor(
    private readonly tf: Tf,
    readonly info: LatentInfo,
    private readonly models: Record<string, tfjs.LayersModel>,
    private readonly validationSplit: number,
    private readonly seed: number,
  ) {}

  static async open(tf: Tf, runDir: string): Promise<LatentSession> {
    const run = readGenerativeRun(runDir);
    const settings = run?.settings;
    if (!run || !settings?.settings?.data) throw new DataError(`${runDir} is not a VAE or GAN run folder (its settings.json names no recipe)`);
    const { recipe, report } = run;
    const { models, history } = await loadRunModels(tf, runDir, Object.keys(rolesOf(recipe)));
    // The checkpoint whose models were loaded, when the run is unfinished (it may be newer than the one read before).
    const runHistory = report?.history ?? history ?? run.history;
    const info: LatentInfo = {
      runDir, recipe, status: run.status,
      epochsCompleted: runHistory.at(-1)?.epoch ?? 0, history: runHistory,
      data: settings.settings.data, classNames: settings.dataset?.classNames ?? [],
    };
    return new LatentSession(tf, info, models, settings.settings.validationSplit ?? 0.2, settings.settings.seed ?? 1);
  }

  get latentDim(): number {
    return this.info.recipe.latentDim;
  }

  /** Checks that every point has the latent size; a clear one-line error otherwise. */
  private checkPoints(points: readonly number[][]): void {
    const bad = points.find((p) => p.length !== this.latentDim || p.some((x) => !Number.isFinite(x)));
    if (bad) throw new DataError(`a latent point needs ${this.latentDim} finite numbers, got [${bad.join(', ')}]`);
  }

  /** Images (in [0, 1]) decoded from points, as one tensor; the caller disposes it. */
  private decodeTensor(points: readonly number[][]): tfjs.Tensor4D {
    this.checkPoints(points);
    const tf = this.tf;
    const decoder = this.models[imageRole(this.info.recipe)];
    return tf.tidy(() => tf.clipByValue(decoder.predict(tf.tensor2d(points.map((p) => [...p]), [points.length, this.latentDim])) as tfjs.Tensor4D, 0, 1));
  }

  /** Points decoded as one PNG grid of `cols` columns. */
  async grid(points: readonly number[][], cols: number, minSide = 0): Promise<Buffer> {
    const images = this.decodeTensor(points);
    try {
      return await gridPng(this.tf, images, cols, minSide);
    } finally {
      images.dispose();
    }
  }

  /** Each point decoded to its own PNG (enlarged for display). */
  async decode(points: readonly number[][]): Promise<Buffer[]> {
    const images = this.decodeTensor(points);
    try {
      const [n, h, w, c] = images.shape;
      const data = (await images.data()) as Float32Array;
      const size = h * w * c;
      return await Promise.all(Array.from({ length: n }, (_, i) => encodePng(data.slice(i * size, (i + 1) * size), h, w, c as 1 | 3)));
    } finally {
      images.dispose();
    }
  }

  /** Points decoded side by side in one row (an interpolation strip). */
  async strip(points: readonly number[][]): Promise<Buffer> {
    return this.grid(points, points.length, 96);
  }

  /** Chollet's manifold: n × n points at the normal quantiles (2-D latent spaces only). */
  manifoldPoints(n: number): number[][] {
    if (this.latentDim !== 2) throw new DataError(`the manifold grid needs a 2-D latent space; this one has ${this.latentDim} dimensions`);
    return manifoldGrid(n);
  }

  /** `count` standard-normal points from `seed`: a GAN's samples (the same seed, the same faces). */
  randomPoints(count: number, seed: number): number[][] {
    const rng = mulberry32(seed);
    return Array.from({ length: count }, () => Array.from({ length: this.latentDim }, () => gaussian(rng)));
  }

  /**
   * The latent means of up to `max` validation images with their classes (a VAE only): the
   * scatter of Chollet's figure, and the class means concept vectors are made of.
   */
  async encode(max: number, options: { data?: DatasetSpec; split?: 'validation' | 'train' } = {}): Promise<EncodedSet> {
    const { recipe } = this.info;
    if (recipe.kind !== 'vae') throw new DataError('only a VAE has an encoder: a GAN maps latent points to images, not back');
    const data = await loadDataset(options.data ?? this.info.data, { inputShape: recipe.imageShape, validationSplit: this.validationSplit, seed: this.seed });
    const split = options.split === 'train' || data.validation.count === 0 ? data.train : data.validation;
    const count = Math.min(max, split.count);
    // Evenly spaced over the split, not its first images: splits are stored class after class,
    // so the first thousand MNIST digits would be only 0s to 4s.
    const picked = Array.from({ length: count }, (_, i) => Math.floor((i * split.count) / count));
    const points: number[][] = [];
    for (let start = 0; start < count; start += 256) {
      const indices = picked.slice(start, start + 256);
      const images = batchImages(this.tf, split, recipe.imageShape, indices, 0, indices.length);
      try {
        points.push(...(await encodeMeans(this.tf, { encoder: this.models.encoder, decoder: this.models.decoder }, images)));
      } finally {
        images.dispose();
      }
    }
    return { points, labels: picked.map((i) => split.y[i]) };
  }

  /** The latent mean of one image (an MNIST digit, a synthetic shape, an image file), prepared at the recipe's size. */
  async encodeImage(request: SampleRequest): Promise<{ z: number[]; label: string }> {
    const { recipe } = this.info;
    if (recipe.kind !== 'vae') throw new DataError('only a VAE has an encoder: give a GAN latent points (x,y,…), not images');
    const sample = await loadSample(request, recipe.imageShape);
    const images = this.tf.tensor4d(sample.pixels, [1, ...recipe.imageShape]);
    try {
      const [z] = await encodeMeans(this.tf, { encoder: this.models.encoder, decoder: this.models.decoder }, images);
      return { z, label: sample.label };
    } finally {
      images.dispose();
    }
  }

  dispose(): void {
    Object.values(this.models).forEach((m) => m.dispose());
  }
}

/** The mean code of class `a` minus that of class `b`: the course's "smile vector", on the classes a run has. */
export function conceptVector(set: EncodedSet, a: number, b: number): number[] {
  const mean = (cls: number): number[] => {
    const members = set.points.filter((_, i) => set.labels[i] === cls);
    if (members.length === 0) throw new DataError(`no encoded image of class ${cls} to make a concept vector from`);
    return members[0].map((_, k) => members.reduce((s, p) => s + p[k], 0) / members.length);
  };
  const ma = mean(a);
  const mb = mean(b);
  return ma.map((x, k) => x - mb[k]);
}

