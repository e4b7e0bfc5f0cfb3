/**
 * Stage 2 of a run: the compiled model and the run folder it trains in. A new run builds
 * the model from its spec with seeded initial weights in a fresh folder; a resumed run
 * loads the folder's checkpoint (weights, history and, when it can, the optimizer state).
 */
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import { buildTfjsModel } from '../build';
import { storedWeightsFor } from '../../modelFile/codeWeights';
import { placeStoredWeights } from '../../modelFile/weights';
import { placePretrained } from './pretrained';
import { loadCheckpoint, restoreOptimizer } from './checkpoint';
import { compileModel } from './compile';
import type { PreparedRun } from './prepare';
import { createRunDir } from './runDir';
import { runFiles, writeJson } from './runFiles';
import { seedInitialWeights } from './seedInit';
import type { EpochRecord, TrainEvent, TrainSettings } from './types';

export interface StartedModel {
  model: tfjs.LayersModel;
  runDir: string;
  /** Epochs trained before this session (empty for a new run). */
  history: EpochRecord[];
  /** The first epoch this session trains. */
  startEpoch: number;
}

export async function startModel(tf: typeof tfjs, spec: ModelSpec, settings: TrainSettings, prepared: PreparedRun, emit: (event: TrainEvent) => void): Promise<StartedModel> {
  const log = (message: string): void => emit({ type: 'log', message });
  const { compile, input } = prepared;
  const runDir = settings.resume ?? createRunDir(settings.outDir, spec.name);
  let started: StartedModel;
  if (settings.resume) {
    const loaded = await loadCheckpoint(tf, runDir);
    compileModel(tf, loaded.model, compile);
    started = { model: loaded.model, runDir, history: loaded.state.history, startEpoch: loaded.state.epoch + 1 };
    if (!(await restoreOptimizer(tf, runDir, loaded.model, loaded.state))) log('optimizer state not restored: continuing with a fresh optimizer');
    log(`resumed ${runDir} after epoch ${loaded.state.epoch}`);
  } else {
    const model = buildTfjsModel(tf, spec, { onSubstitute: (layer, note) => { if (!input.applied.has(layer)) log(`${layer.name}: ${note}`); } });
    if (settings.initialWeights) {
      try {
        const stored = storedWeightsFor(settings.initialWeights, spec);
        log(`starting from the trained weights in ${settings.initialWeights} (${placeStoredWeights(tf, model, stored)} arrays)`);
      } catch (e) {
        model.dispose();
        throw e;
      }
    } else {
      seedInitialWeights(tf, model, settings.seed);
      try {
        for (const line of placePretrained(tf, spec, model, { weightsFolder: settings.weightsFolder, randomIfMissing: settings.randomPretrained })) log(line);
      } catch (e) {
        model.dispose();
        throw e;
      }
    }
    compileModel(tf, model, compile);
    started = { model, runDir, history: [], startEpoch: 1 };
  }
  emit({ type: 'run', runDir, startEpoch: started.startEpoch });

  const { datasetInfo: info } = prepared;
  writeJson(runFiles(runDir).settings, { model: spec.name, settings, compile, backend: prepared.backend, dataset: { ...info, skipped: info.skipped.length } });
  if (!settings.resume) writeJson(path.join(runDir, 'spec.json'), spec);
  return started;
}
