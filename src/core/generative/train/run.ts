/**
 * A generative run, inside the training worker: pick the backend, load the images at the
 * recipe's size, build (or resume) the recipe's models in a run folder, then train epoch
 * after epoch with ConvLens' own implementation of the recipe's train_step (trainers.ts).
 * After each epoch: the losses, a sample grid decoded from the run's fixed latent points
 * (`samples/epoch-0003.png`, so the panel can replay how the generator learned), and a
 * checkpoint. Cancel stops after the batch in progress, like a classifier's run.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { subSeed } from '../../engine/data/rng';
import { TrainControl, yieldToEvents } from '../../engine/train/control';
import { describeLoaded, selectRunBackend } from '../../engine/train/prepare';
import { createRunDir } from '../../engine/train/runDir';
import { writeAtomic } from '../../engine/train/modelFiles';
import { writeJson } from '../../engine/train/runFiles';
import { seedInitialWeights } from '../../engine/train/seedInit';
import type { ModelSpec } from '../../model/spec';
import { latentPoints } from '../gan';
import { gridPng } from '../grid';
import { buildGan, buildVae } from '../models';
import type { GenerativeRecipe } from '../recipe';
import { LossMeans, epochBatches, loadGenerativeData } from './batches';
import { CHECKPOINT_DIR, loadRoles, readGenerativeCheckpoint, saveRoles, writeGenerativeCheckpoint } from './checkpoint';
import { makeTrainer } from './trainers';
import { rolesOf, type GenerativeEpoch, type GenerativeEvent, type GenerativeReport, type GenerativeSettings } from './types';
import { batchImages } from '../../engine/train/evaluate';

type Tf = typeof tfjs;

/** 16 fixed points, shown as a 4×4 grid after each epoch. */
export const SAMPLE_COUNT = 16;
export const SAMPLE_COLUMNS = 4;
export const LATENT_POINTS_FILE = 'latent-points.json';

export interface GenerativeHooks {
  emit: (event: GenerativeEvent) => void;
  control?: TrainControl;
}

/** The name a recipe's run folders carry (`…-vae-decoder`), and settings.json's `model`. */
export function recipeRunName(recipe: GenerativeRecipe): string {
  return recipe.kind === 'vae' ? `vae-${recipe.decoder}` : `gan-${recipe.generator}`;
}

async function startModels(tf: Tf, specs: readonly ModelSpec[], recipe: GenerativeRecipe, settings: GenerativeSettings) {
  if (settings.resume) {
    const state = readGenerativeCheckpoint(settings.resume);
    const models = await loadRoles(tf, path.join(settings.resume, CHECKPOINT_DIR, state.folder), Object.keys(rolesOf(recipe)));
    return { models, history: state.history, startEpoch: state.epoch + 1 };
  }
  const built: Record<string, tfjs.LayersModel> = recipe.kind === 'vae' ? { ...buildVae(tf, specs, recipe) } : { ...buildGan(tf, specs, recipe) };
  Object.values(built).forEach((m, i) => seedInitialWeights(tf, m, subSeed(settings.seed, 1000 + i)));
  return { models: built, history: [] as GenerativeEpoch[], startEpoch: 1 };
}

/** The run's fixed latent points: made once from the seed, then read back on resume. */
function fixedPoints(tf: Tf, runDir: string, latentDim: number, seed: number): number[][] {
  const file = path.join(runDir, LATENT_POINTS_FILE);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as number[][];
  const points = latentPoints(tf, SAMPLE_COUNT, latentDim, subSeed(seed, 7));
  writeJson(file, points);
  return points;
}

export async function runGenerativeTraining(tf: Tf, specs: readonly ModelSpec[], recipe: GenerativeRecipe, settings: GenerativeSettings, hooks: GenerativeHooks): Promise<GenerativeReport> {
  const startedAt = Date.now();
  const { emit } = hooks;
  const control = hooks.control ?? new TrainControl();
  const log = (message: string): void => emit({ type: 'log', message });

  const backend = await selectRunBackend(tf, settings, emit);
  const data = await loadGenerativeData(settings, recipe);
  const dataset = describeLoaded(data);
  emit({ type: 'dataset', dataset });

  const { models, history, startEpoch } = await startModels(tf, specs, recipe, settings);
  const trainer = makeTrainer(tf, recipe, models);
  const tensorsAfterEpoch: number[] = [];
  try {
    const runDir = settings.resume ?? createRunDir(settings.outDir, recipeRunName(recipe));
    if (!settings.resume) writeJson(path.join(runDir, 'specs.json'), Object.values(rolesOf(recipe)).map((name) => specs.find((s) => s.name === name)));
    writeJson(path.join(runDir, 'settings.json'), { model: recipeRunName(recipe), recipe, settings, optimizer: trainer.optimizer, backend, dataset: { ...dataset, skipped: dataset.skipped.length } });
    log(`optimizer: ${trainer.optimizer}`);
    if (settings.resume) log(`resumed ${runDir} after epoch ${startEpoch - 1} (optimizer state starts afresh)`);
    emit({ type: 'run', runDir, startEpoch, recipe });
    const points = fixedPoints(tf, runDir, recipe.latentDim, settings.seed);
    fs.mkdirSync(path.join(runDir, 'samples'), { recursive: true });

    for (let epoch = startEpoch; epoch <= settings.epochs && !control.cancelled; epoch++) {
      const began = Date.now();
      const means = new LossMeans();
      const batches = epochBatches(data.train.count, settings.batchSize, subSeed(settings.seed, epoch));
      for (const [b, indices] of batches.entries()) {
        const images = batchImages(tf, data.train, recipe.imageShape, indices, 0, indices.length);
        try {
          means.add(await trainer.trainBatch(images, subSeed(settings.seed, epoch * 100_000 + b)), indices.length);
        } finally {
          images.dispose();
        }
        control.batchesDone++;
        const seconds = (Date.now() - began) / 1000;
        emit({ type: 'batch', epoch, batch: b + 1, batches: batches.length, logs: means.means(), imagesPerSec: ((b + 1) * settings.batchSize) / Math.max(seconds, 1e-3) });
        await yieldToEvents();
        if (control.cancelled) break;
      }
      if (control.cancelled) break;
      const trainSeconds = (Date.now() - began) / 1000;
      const logs = { ...means.means(), ...(await trainer.validate(data.validation, settings.batchSize, subSeed(settings.seed, 99))) };
      const samples = `samples/epoch-${String(epoch).padStart(4, '0')}.png`;
      const grid = trainer.decode(points);
      try {
        writeAtomic(path.join(runDir, samples), await gridPng(tf, grid, SAMPLE_COLUMNS));
      } finally {
        grid.dispose();
      }
      const record: GenerativeEpoch = { epoch, logs, seconds: (Date.now() - began) / 1000, imagesPerSec: data.train.count / Math.max(trainSeconds, 1e-3), samples };
      history.push(record);
      tensorsAfterEpoch.push(tf.memory().numTensors);
      emit({ type: 'epoch', ...record, epochs: settings.epochs, numTensors: tf.memory().numTensors });
      emit({ type: 'checkpoint', epoch, path: await writeGenerativeCheckpoint(tf, runDir, models, epoch, history) });
    }

    const saved = await saveRoles(tf, path.join(runDir, 'models'), models);
    const report: GenerativeReport = {
      status: control.cancelled ? 'cancelled' : 'completed',
      runDir, recipe, backend, dataset, optimizer: trainer.optimizer, startEpoch,
      epochsCompleted: history.length ? history[history.length - 1].epoch : 0,
      history, tensorsAfterEpoch, seconds: (Date.now() - startedAt) / 1000,
      batchesAfterCancel: control.batchesAtCancel === undefined ? undefined : control.batchesDone - control.batchesAtCancel,
      models: Object.fromEntries(Object.entries(saved).map(([role, file]) => [role, path.relative(runDir, file)])),
    };
    writeJson(path.join(runDir, 'history.json'), history);
    writeJson(path.join(runDir, 'report.json'), report);
    return report;
  } finally {
    trainer.dispose();
    Object.values(models).forEach((m) => m.dispose());
  }
}
