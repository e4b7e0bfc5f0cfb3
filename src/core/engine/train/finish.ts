/**
 * Stage 4 of a run: the trained model saved in TF.js layers format at the top of the run
 * folder, its evaluation on the test split (or validation when there is none), and
 * report.json, which says how the run went.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import type { TrainControl } from './control';
import { evaluate } from './evaluate';
import type { FitResult } from './fit';
import { modelArtifacts, writeModelFiles } from './modelFiles';
import type { PreparedRun } from './prepare';
import { writeJson, type RunFiles } from './runFiles';
import type { StartedModel } from './startModel';
import type { Evaluation, TrainReport, TrainSettings } from './types';

type Tf = typeof tfjs;

/** Writes the model files and the final history; evaluates unless the run was cancelled. */
export async function saveAndEvaluate(tf: Tf, prepared: PreparedRun, started: StartedModel, fit: FitResult, files: RunFiles,
  settings: TrainSettings): Promise<Evaluation | undefined> {
  const { model, runDir } = started;
  writeModelFiles(tf, runDir, await modelArtifacts(tf, model));
  writeJson(files.history, fit.history);
  if (fit.status === 'cancelled') return undefined;
  const { dataset, shape, compile, input } = prepared;
  return evaluate(tf, model, dataset.test ? 'test' : 'validation', dataset.test ?? dataset.validation, shape, dataset.classNames, compile, {
    runDir,
    galleryCount: settings.galleryCount ?? 16,
    pixelScale: input.pixelScale,
  });
}

export interface FinishedRun {
  spec: ModelSpec;
  prepared: PreparedRun;
  started: StartedModel;
  fit: FitResult;
  evaluation: Evaluation | undefined;
  files: RunFiles;
  control: TrainControl;
  /** Date.now() when the run began. */
  startedAt: number;
}

export function writeReport({ spec, prepared, started, fit, evaluation, files, control, startedAt }: FinishedRun): TrainReport {
  const { history } = fit;
  const session = history.filter((h) => h.epoch >= started.startEpoch);
  const report: TrainReport = {
    status: fit.status,
    runDir: started.runDir,
    model: spec.name,
    backend: prepared.backend,
    dataset: prepared.datasetInfo,
    input: prepared.input.summary,
    compile: prepared.compile,
    startEpoch: started.startEpoch,
    epochsCompleted: history.length === 0 ? 0 : history[history.length - 1].epoch,
    history,
    imagesPerSec: session.length === 0 ? 0 : session.reduce((a, h) => a + h.imagesPerSec, 0) / session.length,
    evaluation,
    tensorsAfterEpoch: fit.tensorsAfterEpoch,
    batchesAfterCancel: control.batchesAtCancel === undefined ? undefined : control.batchesDone - control.batchesAtCancel,
    seconds: (Date.now() - startedAt) / 1000,
    files: { ...files, checkpoint: fit.checkpoint },
  };
  writeJson(files.report, report);
  return report;
}
