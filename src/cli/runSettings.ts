/**
 * The settings a run folder was started with (its settings.json: a classifier's or a recipe's
 * run), so that `convlens train --resume` continues it toward its own epoch count, on its own
 * data, without repeating the flags.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TrainSettings } from '../core/engine/train/types';
import { UsageError } from './errors';

export function readRunSettings(runDir: string): TrainSettings {
  const file = path.join(runDir, 'settings.json');
  let saved: { settings?: TrainSettings };
  try {
    saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { settings?: TrainSettings };
  } catch (e) {
    throw new UsageError(`cannot read the run's settings in ${file}: ${(e as Error).message}`);
  }
  if (!saved.settings || typeof saved.settings.epochs !== 'number' || !saved.settings.data) throw new UsageError(`${file} does not hold a run's settings`);
  return saved.settings;
}
