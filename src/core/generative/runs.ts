/**
 * Finding a recipe's runs: `convlens sample vae.py` and the latent-space CodeLens mean the
 * latest run of the file's VAE or GAN, found where a classifier's runs are found
 * (`.convlens/runs/` beside the file or above it), under the recipe's run name.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource, languageForFile } from '../analysis';
import { DataError } from '../engine/data/types';
import { listRuns, runFolders, type RunSummary } from '../viz/inspect/load';
import { isGenerativeRun } from './latent';
import { findGenerativeRecipes, recipeWith, type GenerativeRecipe } from './recipe';
import { CHECKPOINT_DIR } from './train/checkpoint';
import { recipeRunName } from './train/run';

/** The recipes a source file's models make. */
export function recipesIn(file: string): GenerativeRecipe[] {
  const language = languageForFile(file);
  if (!language) throw new DataError(`${file} is not a run folder or a Python/TypeScript/JavaScript source file`);
  const analysis = analyzeSource(fs.readFileSync(file, 'utf8'), language, file);
  return findGenerativeRecipes(analysis.specs, analysis.models);
}

/**
 * Whether the recipe has a run with models to explore, without reading any report: the
 * editor asks this for every recipe on every CodeLens refresh (as hasInspectableRun does).
 */
export function hasRecipeRun(fileOrDir: string, recipe: GenerativeRecipe, options: { stopAt?: string } = {}): boolean {
  for (const { folder } of runFolders(fileOrDir, recipeRunName(recipe), options.stopAt)) if (hasModels(folder)) return true;
  return false;
}

/** Whether a run folder has models to explore (final, or a checkpoint of an unfinished run). */
function hasModels(folder: string): boolean {
  return fs.existsSync(path.join(folder, 'models')) || fs.existsSync(path.join(folder, CHECKPOINT_DIR, 'latest.json'));
}

/** The recipe's runs with models to explore, newest first. */
export function recipeRuns(file: string, recipe: GenerativeRecipe, options: { stopAt?: string } = {}): RunSummary[] {
  return listRuns(file, recipeRunName(recipe), options).filter((r) => isGenerativeRun(r.folder) && hasModels(r.folder));
}

/** A run folder as given, or a source file meaning its (first, or `role`-named) recipe's latest run. */
export function resolveGenerativeRun(arg: string, options: { model?: string; stopAt?: string } = {}): string {
  const resolved = path.resolve(arg);
  if (!fs.existsSync(resolved)) throw new DataError(`no such run folder or source file: ${arg}`);
  if (fs.statSync(resolved).isDirectory()) {
    if (!isGenerativeRun(resolved)) throw new DataError(`${arg} is not a VAE or GAN run folder (convlens train writes those for a file with an encoder and decoder, or a generator and discriminator)`);
    return resolved;
  }
  const recipes = recipesIn(resolved);
  const recipe = options.model === undefined ? recipes[0] : recipeWith(recipes, options.model);
  if (!recipe) throw new DataError(options.model === undefined ? `${arg} defines no VAE (encoder with z_mean/z_log_var + decoder) or GAN (generator + discriminator)` : `no VAE or GAN in ${arg} has a model named '${options.model}'`);
  const run = recipeRuns(resolved, recipe, options)[0];
  if (!run) throw new DataError(`no trained run of the ${recipe.kind.toUpperCase()} in .convlens/runs beside ${arg} or above it: train it first (convlens train ${arg} --data ...)`);
  return run.folder;
}
