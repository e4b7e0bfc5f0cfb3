/**
 * `convlens train` on a VAE or GAN: when the model named (or the file's models together) form
 * a generative recipe, the whole recipe trains in the training worker (GenerativeSession),
 * with its losses under Keras' names per epoch, Ctrl-C to cancel after the current batch, and
 * the same exit codes as a classifier's run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource, languageForFile } from '../core/analysis';
import { backendLabel } from '../core/engine/backend/select';
import { parseDatasetSpec } from '../core/engine/data';
import { TrainingError } from '../core/engine/train/errors';
import { DEFAULT_SETTINGS } from '../core/engine/train/types';
import type { ModelSpec } from '../core/model/spec';
import { describeRecipe, findGenerativeRecipes, recipeWith, type GenerativeRecipe } from '../core/generative/recipe';
import { GenerativeSession } from '../core/generative/train/session';
import type { GenerativeSettings } from '../core/generative/train/types';
import { EXIT_CANCELLED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './errors';
import { readRunSettings } from './runSettings';
import type { RunTrainDeps, TrainCliOptions, TrainIo } from './train';

/**
 * The recipe `convlens train file [--model NAME]` means: the one NAME belongs to, or, without
 * a name, the file's only recipe when it uses every model the file defines. Undefined otherwise
 * (the file is trained as a classifier, or the usual "choose one with --model" applies).
 */
export function recipeToTrain(file: string, modelName: string | undefined): { recipe: GenerativeRecipe; specs: ModelSpec[] } | undefined {
  const language = languageForFile(file);
  if (!language || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return undefined;
  const analysis = analyzeSource(fs.readFileSync(file, 'utf8'), language, file);
  const recipes = findGenerativeRecipes(analysis.specs, analysis.models);
  const recipe = modelName !== undefined
    ? recipeWith(recipes, modelName)
    : recipes.length === 1 && analysis.specs.every((s) => recipeWith(recipes, s.name)) ? recipes[0] : undefined;
  return recipe ? { recipe, specs: analysis.specs } : undefined;
}

function num(v: number | undefined): string {
  return v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(4) : String(v);
}

export async function runRecipeTrain(file: string, found: { recipe: GenerativeRecipe; specs: ModelSpec[] }, o: TrainCliOptions, io: TrainIo, deps: RunTrainDeps = {}): Promise<number> {
  const whole = (v: string, what: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be a whole number ≥ ${min}, not '${v}'`);
    return n;
  };
  let settings: GenerativeSettings;
  try {
    // A flag wins; then the resumed run's own settings; then the code's fit() (vae.fit(x, epochs=30, batch_size=128)); then the defaults.
    const resume = o.resume === undefined ? undefined : path.resolve(o.resume);
    const saved = resume === undefined ? undefined : readRunSettings(resume);
    const fit = found.specs.find((s) => recipeWith([found.recipe], s.name) && s.fit)?.fit;
    if (o.data === undefined && !saved) throw new Error('--data is required (unless --resume names a run folder): the images the recipe learns from (mnist, synthetic, or an image folder)');
    const split = Number(o.validationSplit ?? saved?.validationSplit ?? fit?.validationSplit ?? DEFAULT_SETTINGS.validationSplit);
    if (!(split > 0 && split < 1)) throw new Error(`--validation-split must be a number between 0 and 1 (exclusive), not '${o.validationSplit}'`);
    settings = {
      data: o.data === undefined ? saved!.data : parseDatasetSpec(o.data),
      epochs: whole(o.epochs ?? String(saved?.epochs ?? fit?.epochs ?? DEFAULT_SETTINGS.epochs), '--epochs', 1),
      batchSize: whole(o.batchSize ?? String(saved?.batchSize ?? fit?.batchSize ?? DEFAULT_SETTINGS.batchSize), '--batch-size', 1), validationSplit: split,
      seed: whole(o.seed ?? String(saved?.seed ?? DEFAULT_SETTINGS.seed), '--seed', 0), backend: o.backend ?? saved?.backend ?? DEFAULT_SETTINGS.backend, nativeKernels: o.nativeKernels !== false,
      outDir: path.resolve(o.out ?? saved?.outDir ?? path.dirname(path.resolve(file))), resume,
    };
  } catch (e) {
    io.err(`convlens: ${(e as Error).message}`);
    return EXIT_USAGE;
  }
  const json = o.json === true;
  const info = (s: string): void => (json ? io.err(s) : io.out(s));
  info(`training ${describeRecipe(found.recipe)} (the recipe's own step: ConvLens does not run train_step)`);
  const session = new GenerativeSession(found.specs, found.recipe, settings, deps.session);
  session.on('event', (e) => {
    if (e.type === 'log') info(e.message);
    else if (e.type === 'backend') info(`backend: ${backendLabel(e.backend)}`);
    else if (e.type === 'dataset') info(`data: ${e.dataset.name}, ${e.dataset.train} training / ${e.dataset.validation} validation images, ${e.dataset.inputShape.join('×')}`);
    else if (e.type === 'run') info(`run folder: ${e.runDir}`);
    else if (e.type === 'epoch') {
      if (json) io.out(JSON.stringify({ type: 'epoch', epoch: e.epoch, epochs: e.epochs, ...e.logs, seconds: e.seconds, samples: e.samples }));
      else io.out(`Epoch ${e.epoch}/${e.epochs}: ${Object.entries(e.logs).map(([k, v]) => `${k} ${num(v)}`).join(' ')} (${e.seconds.toFixed(1)} s)`);
    }
  });
  const onSigint = (): void => {
    if (session.cancelled) void session.terminate();
    else {
      info('cancelling after the current batch (Ctrl-C again to stop at once)');
      session.cancel();
    }
  };
  const signals = deps.signals !== false;
  if (signals) process.on('SIGINT', onSigint);
  try {
    const report = await session.result;
    if (json) io.out(JSON.stringify({ type: 'summary', status: report.status, runDir: report.runDir, recipe: report.recipe.kind, epochs: report.epochsCompleted, final: report.history.at(-1)?.logs ?? null, seconds: report.seconds }));
    else io.out(`${report.status}: ${report.epochsCompleted} epochs on ${backendLabel(report.backend)}; run folder: ${report.runDir} (convlens sample ${report.runDir})`);
    return report.status === 'cancelled' ? EXIT_CANCELLED : EXIT_OK;
  } catch (e) {
    io.err(`convlens: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof TrainingError) return session.cancelled && e.kind === 'internal' ? EXIT_CANCELLED : e.kind === 'usage' ? EXIT_USAGE : EXIT_INTERNAL;
    return EXIT_INTERNAL;
  } finally {
    if (signals) process.removeListener('SIGINT', onSigint);
  }
}
