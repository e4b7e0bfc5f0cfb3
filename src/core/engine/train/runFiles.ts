/** The files of a run folder that the loop writes, and how it writes JSON (atomically). */
import * as path from 'path';
import { writeAtomic } from './modelFiles';
import type { TrainReport } from './types';

export type RunFiles = TrainReport['files'];

/** The run folder's files; `checkpoint` is set once this session has written one. */
export function runFiles(runDir: string): RunFiles {
  return {
    model: path.join(runDir, 'model.json'),
    weights: path.join(runDir, 'weights.bin'),
    history: path.join(runDir, 'history.json'),
    settings: path.join(runDir, 'settings.json'),
    report: path.join(runDir, 'report.json'),
    checkpoint: undefined,
  };
}

export function writeJson(file: string, value: unknown): void {
  writeAtomic(file, JSON.stringify(value, null, 2) + '\n');
}
