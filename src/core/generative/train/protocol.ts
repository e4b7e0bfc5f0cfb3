/**
 * The training worker's `trainGenerative` request: one run of a VAE or GAN recipe. Its
 * progress updates are GenerativeEvents, its answer the report. Answered by the same worker
 * as a classifier's `train` (engine/train/worker.ts), and stopped by the same `stop`.
 */
import * as v from 'valibot';
import { request } from '../../../protocol/define';
import { ModelSpecSchema } from '../../model/specSchema';
import { BackendInfoSchema } from '../../engine/backend/schemas';
import { DatasetInfoSchema, TrainSettingsSchema } from '../../engine/train/protocol';
import type { GenerativeRecipe } from '../recipe';
import type { GenerativeEpoch, GenerativeEvent, GenerativeReport } from './types';

const Real = v.union([v.number(), v.nan()]);
const Shape3 = v.tuple([v.number(), v.number(), v.number()]);
const Logs = v.record(v.string(), Real);

const CompileSchema = v.optional(v.object({
  trainerClass: v.string(),
  optimizers: v.record(v.string(), v.object({ optimizer: v.optional(v.string()), learningRate: v.optional(v.number()) })),
  fromLogits: v.optional(v.boolean()),
}));

export const RecipeSchema: v.GenericSchema<GenerativeRecipe> = v.variant('kind', [
  v.object({ kind: v.literal('vae'), encoder: v.string(), decoder: v.string(), latentDim: v.number(), imageShape: Shape3, zMean: v.string(), zLogVar: v.string(), compile: CompileSchema }),
  v.object({ kind: v.literal('gan'), generator: v.string(), discriminator: v.string(), latentDim: v.number(), imageShape: Shape3, compile: CompileSchema }),
]);

const EpochEntries = { epoch: v.number(), logs: Logs, seconds: v.number(), imagesPerSec: Real, samples: v.string() };
const EpochSchema: v.GenericSchema<GenerativeEpoch> = v.object(EpochEntries);

export const GenerativeReportSchema: v.GenericSchema<GenerativeReport> = v.object({
  status: v.picklist(['completed', 'cancelled']),
  runDir: v.string(),
  recipe: RecipeSchema,
  backend: BackendInfoSchema,
  dataset: DatasetInfoSchema,
  optimizer: v.string(),
  startEpoch: v.number(),
  epochsCompleted: v.number(),
  history: v.array(EpochSchema),
  tensorsAfterEpoch: v.array(v.number()),
  batchesAfterCancel: v.optional(v.number()),
  seconds: v.number(),
  models: v.record(v.string(), v.string()),
});

export const GenerativeEventSchema: v.GenericSchema<GenerativeEvent> = v.variant('type', [
  v.object({ type: v.literal('log'), message: v.string() }),
  v.object({ type: v.literal('backend'), backend: BackendInfoSchema }),
  v.object({ type: v.literal('dataset'), dataset: DatasetInfoSchema }),
  v.object({ type: v.literal('run'), runDir: v.string(), startEpoch: v.number(), recipe: RecipeSchema }),
  v.object({ type: v.literal('batch'), epoch: v.number(), batch: v.number(), batches: v.number(), logs: Logs, imagesPerSec: Real }),
  v.object({ type: v.literal('epoch'), epochs: v.number(), numTensors: v.number(), ...EpochEntries }),
  v.object({ type: v.literal('checkpoint'), epoch: v.number(), path: v.string() }),
]);

export const trainGenerative = request(
  'trainGenerative',
  v.object({ specs: v.array(ModelSpecSchema), recipe: RecipeSchema, settings: TrainSettingsSchema }),
  GenerativeReportSchema,
  GenerativeEventSchema,
);
