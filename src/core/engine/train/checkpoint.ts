/**
 * Per-epoch checkpoints in `<run>/checkpoint/`:
 *
 *   weights-e0003.bin      the model's weights after epoch 3
 *   optimizer-e0003.bin    the optimizer's state (Adam moments, RMSprop averages ...)
 *   model.json             TF.js layers format naming weights-e0003.bin, plus a `convlens`
 *                          field: { epoch, history, optimizer: {file, specs, variables} }
 *
 * Written in that order, each file atomically (temp + fsync + rename), so model.json's
 * rename commits the checkpoint: a crash at any point leaves either the old model.json with
 * its old weight files (deleted only after the commit) or the new one with its new files.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { registerPreprocessInput } from '../preprocessInput';
import { modelArtifacts, readModelArtifacts, realFileOps, weightBytes, writeAtomic, writeModelFiles, type FileOps } from './modelFiles';
import type { EpochRecord } from './types';

type Tf = typeof tfjs;

export const CHECKPOINT_DIR = 'checkpoint';

export interface CheckpointState {
  /** Epochs completed (1-based number of the last one). */
  epoch: number;
  history: EpochRecord[];
  optimizer?: {
    file: string;
    specs: tfjs.io.WeightsManifestEntry[];
    /** Names of the model's trainable variables when saved, in order (to rename on load). */
    variables: string[];
  };
}

function pad(epoch: number): string {
  return String(epoch).padStart(4, '0');
}

function trainableVariableNames(model: tfjs.LayersModel): string[] {
  return model.trainableWeights.map((w) => (w.read() as tfjs.Variable).name);
}

export async function writeCheckpoint(
  tf: Tf,
  runDir: string,
  model: tfjs.LayersModel,
  state: Omit<CheckpointState, 'optimizer'>,
  ops: FileOps = realFileOps,
): Promise<string> {
  const dir = path.join(runDir, CHECKPOINT_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const artifacts = await modelArtifacts(tf, model);
  let optimizer: CheckpointState['optimizer'];
  if (model.optimizer) {
    const named = await model.optimizer.getWeights();
    const encoded = await tf.io.encodeWeights(named);
    // getWeights() makes a fresh scalar for the iteration count; the rest are the optimizer's own variables.
    tf.dispose(named.filter((w) => w.name === 'iter').map((w) => w.tensor));
    const file = `optimizer-e${pad(state.epoch)}.bin`;
    writeAtomic(path.join(dir, file), weightBytes(tf, encoded.data), ops);
    optimizer = { file, specs: encoded.specs, variables: trainableVariableNames(model) };
  }
  const weightsFile = `weights-e${pad(state.epoch)}.bin`;
  const full: CheckpointState = { ...state, optimizer };
  const { modelJson } = writeModelFiles(tf, dir, artifacts, { weightsFile, extra: { convlens: full }, ops });
  // Committed: the files of earlier checkpoints are no longer named by model.json.
  for (const f of fs.readdirSync(dir)) {
    if (/^(weights|optimizer)-e\d+\.bin$/.test(f) && f !== weightsFile && f !== optimizer?.file) fs.rmSync(path.join(dir, f), { force: true });
    if (/\.tmp-\d+$/.test(f)) fs.rmSync(path.join(dir, f), { force: true });
  }
  return modelJson;
}

export function checkpointPath(runDir: string): string {
  return path.join(runDir, CHECKPOINT_DIR, 'model.json');
}

export function hasCheckpoint(runDir: string): boolean {
  return fs.existsSync(checkpointPath(runDir));
}

export function readCheckpointState(runDir: string): CheckpointState {
  const { json } = readModelArtifacts(checkpointPath(runDir));
  const state = json['convlens'] as CheckpointState | undefined;
  if (!state || typeof state.epoch !== 'number') throw new Error(`${checkpointPath(runDir)} is not a ConvLens checkpoint`);
  return state;
}

/** Loads the last checkpoint: the model (not compiled) and its state. */
export async function loadCheckpoint(tf: Tf, runDir: string): Promise<{ model: tfjs.LayersModel; state: CheckpointState }> {
  const file = checkpointPath(runDir);
  if (!fs.existsSync(file)) throw new Error(`no checkpoint in ${runDir} (expected ${file})`);
  const { artifacts, json } = readModelArtifacts(file);
  const state = json['convlens'] as CheckpointState | undefined;
  if (!state || typeof state.epoch !== 'number') throw new Error(`${file} is not a ConvLens checkpoint`);
  registerPreprocessInput(tf);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  return { model, state };
}

/**
 * Restores the optimizer state saved with a checkpoint into `model.optimizer` (compiled
 * already). Variable names are mapped by position, as a model loaded in another process may
 * name its variables differently. Returns false (and leaves a fresh optimizer) when the
 * saved state does not fit.
 */
export async function restoreOptimizer(tf: Tf, runDir: string, model: tfjs.LayersModel, state: CheckpointState): Promise<boolean> {
  if (!state.optimizer || !model.optimizer) return false;
  const { file, specs, variables } = state.optimizer;
  const now = trainableVariableNames(model);
  if (now.length !== variables.length) return false;
  const rename = new Map(variables.map((v, i) => [v, now[i]]));
  const buf = fs.readFileSync(path.join(runDir, CHECKPOINT_DIR, file));
  const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const decoded = tf.io.decodeWeights(data, specs);
  const named = specs.map((s) => {
    const slash = s.name.lastIndexOf('/');
    const base = slash > 0 ? s.name.slice(0, slash) : s.name;
    const mapped = rename.get(base);
    return { name: mapped !== undefined ? `${mapped}${s.name.slice(slash)}` : s.name, tensor: decoded[s.name] };
  });
  try {
    await model.optimizer.setWeights(named);
    return true;
  } catch {
    return false;
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
