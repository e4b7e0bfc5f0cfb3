/**
 * Training settings a project keeps in `convlens.json` (workspace root), read without
 * vscode so it is unit-tested:
 *   { "training": { "data": "mnist", "epochs": 5, "batchSize": 32, "validationSplit": 0.2,
 *                   "earlyStopping": 3, "seed": 1, "stepsPerEpoch": 100, "validationSteps": 50,
 *                   "models": { "model": { "epochs": 10 } } } }
 * Per-model entries override the common ones; unknown keys and wrong types are ignored.
 */
import * as fs from 'fs';
import * as path from 'path';

/** What the user chooses; the controller adds backend and output folder. */
export interface TrainChoices {
  data: string;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  /** Epochs without val_loss improvement before stopping; 0 = off. */
  earlyStopping: number;
  seed: number;
  /** Keras' steps_per_epoch: training batches per epoch; 0 or absent = one pass over the training images. */
  stepsPerEpoch?: number;
  /** Keras' validation_steps: validation batches per epoch; 0 or absent = all validation images. */
  validationSteps?: number;
}

const NUMBER_KEYS = ['epochs', 'batchSize', 'validationSplit', 'earlyStopping', 'seed', 'stepsPerEpoch', 'validationSteps'] as const;

function pick(raw: unknown): Partial<TrainChoices> {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: Partial<TrainChoices> = {};
  if (typeof r.data === 'string') out.data = r.data;
  for (const key of NUMBER_KEYS) if (typeof r[key] === 'number' && Number.isFinite(r[key])) out[key] = r[key];
  return out;
}

export function readProjectChoices(root: string | undefined, modelName: string): { choices: Partial<TrainChoices>; error?: string } {
  if (!root) return { choices: {} };
  const file = path.join(root, 'convlens.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { choices: {} }; // no convlens.json: nothing to read
  }
  try {
    const training = (JSON.parse(text) as { training?: Record<string, unknown> }).training ?? {};
    const models = training.models as Record<string, unknown> | undefined;
    return { choices: { ...pick(training), ...pick(models?.[modelName]) } };
  } catch (e) {
    return { choices: {}, error: `convlens.json is not valid JSON (${(e as Error).message})` };
  }
}
