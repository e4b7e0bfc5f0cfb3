/**
 * A training run, inside the worker (or in-process for tests and tools), in four stages:
 * prepare (validate the model against the data, pick the backend, load the data), start
 * the model (build it, or resume it from a checkpoint), fit the epochs (checkpoints, early
 * stopping, cancellation), then save, evaluate and report.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import { TrainControl } from './control';
import { fitEpochs, type FitResult } from './fit';
import { saveAndEvaluate, writeReport } from './finish';
import { prepareRun } from './prepare';
import { runFiles } from './runFiles';
import { startModel } from './startModel';
import type { Evaluation, TrainEvent, TrainReport, TrainSettings } from './types';

export { TrainControl } from './control';

export interface RunHooks {
  emit: (event: TrainEvent) => void;
  control?: TrainControl;
}

export async function runTraining(tf: typeof tfjs, spec: ModelSpec, settings: TrainSettings, hooks: RunHooks): Promise<TrainReport> {
  const startedAt = Date.now();
  const { emit } = hooks;
  const control = hooks.control ?? new TrainControl();
  const prepared = await prepareRun(tf, spec, settings, emit);
  const started = await startModel(tf, spec, settings, prepared, emit);
  const files = runFiles(started.runDir);
  let fit: FitResult;
  let evaluation: Evaluation | undefined;
  try {
    fit = await fitEpochs(tf, prepared, started, settings, files, control, emit);
    evaluation = await saveAndEvaluate(tf, prepared, started, fit, files, settings);
  } finally {
    started.model.dispose();
  }
  return writeReport({ spec, prepared, started, fit, evaluation, files, control, startedAt });
}
