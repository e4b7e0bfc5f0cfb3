/**
 * What a VAE's or GAN's run folder says about itself, read without loading any model: the
 * recipe and settings (settings.json), the report when the run ended (report.json), and the
 * epochs so far (the report's, or the last checkpoint's for a run that is unfinished).
 * The latent-space panel and the training panel's replay of a finished run both read it here.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BackendInfo } from '../engine/backend/select';
import type { DatasetSpec } from '../engine/data/types';
import type { DatasetInfo } from '../engine/train/types';
import { readJsonFile } from '../viz/inspect/load';
import type { GenerativeRecipe } from './recipe';
import { CHECKPOINT_DIR, readGenerativeCheckpoint } from './train/checkpoint';
import type { GenerativeEpoch, GenerativeReport } from './train/types';

export interface RunSettingsFile {
  recipe?: GenerativeRecipe;
  settings?: { data?: DatasetSpec; epochs?: number; batchSize?: number; validationSplit?: number; seed?: number };
  backend?: BackendInfo;
  /** The DatasetInfo the run loaded, with the number of images it skipped. */
  dataset?: Omit<DatasetInfo, 'skipped'> & { skipped?: number };
}

export interface GenerativeRunRecord {
  runDir: string;
  recipe: GenerativeRecipe;
  settings: RunSettingsFile;
  report?: GenerativeReport;
  status: GenerativeReport['status'] | 'unfinished';
  history: GenerativeEpoch[];
}

/** The run's settings.json, when the folder is a generative run (its settings name a recipe). */
export function readRunSettings(dir: string): (RunSettingsFile & { recipe: GenerativeRecipe }) | undefined {
  try {
    const settings = readJsonFile<RunSettingsFile>(path.join(dir, 'settings.json'));
    return settings?.recipe !== undefined ? { ...settings, recipe: settings.recipe } : undefined;
  } catch {
    return undefined;
  }
}

/** Undefined for a folder that is not a generative run; the epochs are [] for one that has none yet. */
export function readGenerativeRun(runDir: string): GenerativeRunRecord | undefined {
  const settings = readRunSettings(runDir);
  if (!settings) return undefined;
  const report = readJsonFile<GenerativeReport>(path.join(runDir, 'report.json'));
  const checkpointed = !report && fs.existsSync(path.join(runDir, CHECKPOINT_DIR, 'latest.json'));
  const history = report?.history ?? (checkpointed ? readGenerativeCheckpoint(runDir).history : []);
  return { runDir, recipe: settings.recipe, settings, report, status: report?.status ?? 'unfinished', history };
}
