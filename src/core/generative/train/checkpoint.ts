/**
 * Per-epoch checkpoints of a recipe's models in `<run>/checkpoint/`:
 *
 *   e0003/encoder/model.json + weights.bin   each role's weights after epoch 3
 *   e0003/decoder/…
 *   latest.json                              { epoch, folder: "e0003", history }
 *
 * A recipe is two models that must stay in step, so no single model.json can commit a
 * checkpoint. Each epoch's models go into a new folder, then latest.json is renamed over the
 * old one (atomically, modelFiles.ts): that rename is the commit. A crash before it leaves
 * the previous latest.json naming the previous, complete folder, deleted only after the commit.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { loadModelFile, modelArtifacts, writeModelFiles } from '../../engine/train/modelFiles';
import { writeJson } from '../../engine/train/runFiles';
import type { GenerativeEpoch } from './types';

type Tf = typeof tfjs;

export const CHECKPOINT_DIR = 'checkpoint';
const LATEST = 'latest.json';

export interface GenerativeCheckpoint {
  epoch: number;
  folder: string;
  history: GenerativeEpoch[];
}

/** Saves every role's model (role → model.json folder written), in `<dir>/<role>/`. */
export async function saveRoles(tf: Tf, dir: string, models: Record<string, tfjs.LayersModel>): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  for (const [role, model] of Object.entries(models)) {
    written[role] = writeModelFiles(tf, path.join(dir, role), await modelArtifacts(tf, model)).modelJson;
  }
  return written;
}

export async function writeGenerativeCheckpoint(tf: Tf, runDir: string, models: Record<string, tfjs.LayersModel>, epoch: number, history: GenerativeEpoch[]): Promise<string> {
  const root = path.join(runDir, CHECKPOINT_DIR);
  const folder = `e${String(epoch).padStart(4, '0')}`;
  fs.rmSync(path.join(root, folder), { recursive: true, force: true });
  await saveRoles(tf, path.join(root, folder), models);
  const latest = path.join(root, LATEST);
  writeJson(latest, { epoch, folder, history } satisfies GenerativeCheckpoint);
  for (const old of fs.readdirSync(root)) {
    if (old !== folder && /^e\d{4}$/.test(old)) fs.rmSync(path.join(root, old), { recursive: true, force: true });
  }
  return latest;
}

export function readGenerativeCheckpoint(runDir: string): GenerativeCheckpoint {
  const file = path.join(runDir, CHECKPOINT_DIR, LATEST);
  let state: GenerativeCheckpoint;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as GenerativeCheckpoint;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `no checkpoint to resume in ${runDir} (expected ${CHECKPOINT_DIR}/${LATEST})` : `cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (!Number.isInteger(state.epoch) || typeof state.folder !== 'string' || !Array.isArray(state.history)) throw new Error(`${file} is not a ConvLens generative checkpoint`);
  return state;
}

/** Loads each role's checkpointed model; on failure disposes what it loaded. */
export async function loadRoles(tf: Tf, dir: string, roles: readonly string[]): Promise<Record<string, tfjs.LayersModel>> {
  const models: Record<string, tfjs.LayersModel> = {};
  try {
    for (const role of roles) models[role] = await loadModelFile(tf, path.join(dir, role, 'model.json'));
    return models;
  } catch (e) {
    Object.values(models).forEach((m) => m.dispose());
    throw e;
  }
}
