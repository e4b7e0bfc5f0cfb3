/**
 * The training worker's requests (worker.ts answers them, TrainingSession sends them):
 * `train` runs one training run, its progress updates are the TrainEvents and its result
 * the report; `stop` asks the run in progress to stop after the batch it is on (the run then
 * answers with status 'cancelled'). Each schema is typed against types.ts, so a field added
 * there and not here fails to compile.
 */
import * as v from 'valibot';
import { request } from '../../../protocol/define';
import { ConfigValueSchema, ModelSpecSchema } from '../../model/specSchema';
import { BackendInfoSchema, BackendPreferenceSchema } from '../backend/schemas';
import type { DatasetSpec } from '../data/types';
import type { CompileSettings } from './compile';
import type { DatasetInfo, EpochLogs, EpochRecord, Evaluation, TrainEvent, TrainReport, TrainSettings } from './types';

/** Metrics of a diverging run are NaN or ±Infinity, which a worker message keeps as is. */
const Real = v.union([v.number(), v.nan()]);
const Shape3 = v.tuple([v.number(), v.number(), v.number()]);

const DatasetSpecSchema: v.GenericSchema<DatasetSpec> = v.variant('kind', [
  v.object({ kind: v.literal('mnist') }),
  v.object({ kind: v.literal('synthetic'), count: v.optional(v.number()), classes: v.optional(v.number()), noise: v.optional(v.number()) }),
  v.object({ kind: v.literal('folder'), path: v.string(), maxImages: v.optional(v.number()) }),
]);

const Monitor = v.picklist(['val_loss', 'val_acc', 'loss', 'acc']);

export const TrainSettingsSchema: v.GenericSchema<TrainSettings> = v.object({
  data: DatasetSpecSchema,
  epochs: v.number(),
  batchSize: v.number(),
  validationSplit: v.number(),
  earlyStopping: v.optional(v.object({ patience: v.number(), monitor: Monitor, minDelta: v.optional(v.number()) })),
  seed: v.number(),
  backend: BackendPreferenceSchema,
  nativeKernels: v.optional(v.boolean()),
  outDir: v.string(),
  resume: v.optional(v.string()),
  initialWeights: v.optional(v.string()),
  weightsFromCode: v.optional(v.boolean()),
  weightsFolder: v.optional(v.string()),
  randomPretrained: v.optional(v.boolean()),
  galleryCount: v.optional(v.number()),
  generator: v.optional(v.object({ name: v.string(), config: v.record(v.string(), ConfigValueSchema), notes: v.optional(v.array(v.string())) })),
});

const EpochLogsSchema: v.GenericSchema<EpochLogs> = v.object({ loss: Real, acc: Real, val_loss: Real, val_acc: Real });

const EpochRecordSchema: v.GenericSchema<EpochRecord> = v.object({
  loss: Real, acc: Real, val_loss: Real, val_acc: Real, epoch: v.number(), seconds: v.number(), imagesPerSec: Real,
});

const EvaluationSchema: v.GenericSchema<Evaluation> = v.object({
  split: v.picklist(['test', 'validation']),
  count: v.number(),
  loss: Real,
  accuracy: Real,
  confusion: v.array(v.array(v.number())),
  perClassAccuracy: v.array(v.nullable(Real)),
  misclassified: v.array(v.object({
    index: v.number(),
    source: v.optional(v.string()),
    label: v.number(),
    labelName: v.string(),
    predicted: v.number(),
    predictedName: v.string(),
    confidence: Real,
    file: v.string(),
  })),
});

export const DatasetInfoSchema: v.GenericSchema<DatasetInfo> = v.object({
  name: v.string(),
  kind: v.picklist(['mnist', 'synthetic', 'folder']),
  inputShape: Shape3,
  classNames: v.array(v.string()),
  train: v.number(),
  validation: v.number(),
  test: v.optional(v.number()),
  skipped: v.array(v.object({ file: v.string(), reason: v.string() })),
});

const Source = v.picklist(['code', 'default']);

const CompileSettingsSchema: v.GenericSchema<CompileSettings> = v.object({
  optimizer: v.picklist(['adam', 'rmsprop', 'sgd', 'adagrad', 'adadelta', 'adamax']),
  learningRate: v.number(),
  loss: v.picklist(['categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'categorical_hinge']),
  fromLogits: v.boolean(),
  metrics: v.array(v.string()),
  labels: v.picklist(['onehot', 'binary']),
  source: v.object({ optimizer: Source, learningRate: Source, loss: Source }),
  notes: v.array(v.string()),
});

const InputSchema = v.object({ pixelScale: v.number(), augmentation: v.array(v.string()) });

export const TrainReportSchema: v.GenericSchema<TrainReport> = v.object({
  status: v.picklist(['completed', 'early-stopped', 'cancelled']),
  runDir: v.string(),
  model: v.string(),
  backend: BackendInfoSchema,
  dataset: DatasetInfoSchema,
  input: v.optional(InputSchema),
  compile: CompileSettingsSchema,
  startEpoch: v.number(),
  epochsCompleted: v.number(),
  history: v.array(EpochRecordSchema),
  imagesPerSec: Real,
  evaluation: v.optional(EvaluationSchema),
  tensorsAfterEpoch: v.array(v.number()),
  batchesAfterCancel: v.optional(v.number()),
  seconds: v.number(),
  files: v.object({ model: v.string(), weights: v.string(), history: v.string(), settings: v.string(), report: v.string(), checkpoint: v.optional(v.string()) }),
});

export const TrainEventSchema: v.GenericSchema<TrainEvent> = v.variant('type', [
  v.object({ type: v.literal('log'), message: v.string() }),
  v.object({ type: v.literal('backend'), backend: BackendInfoSchema }),
  v.object({ type: v.literal('input'), input: InputSchema }),
  v.object({ type: v.literal('dataset'), dataset: DatasetInfoSchema }),
  v.object({ type: v.literal('run'), runDir: v.string(), startEpoch: v.number() }),
  v.object({ type: v.literal('batch'), epoch: v.number(), batch: v.number(), batches: v.number(), loss: Real, acc: Real, imagesPerSec: Real }),
  v.object({ type: v.literal('epoch'), epoch: v.number(), epochs: v.number(), logs: EpochLogsSchema, seconds: v.number(), imagesPerSec: Real, numTensors: v.number() }),
  v.object({ type: v.literal('checkpoint'), epoch: v.number(), path: v.string() }),
  v.object({ type: v.literal('done'), report: TrainReportSchema }),
  v.object({ type: v.literal('error'), message: v.string(), kind: v.picklist(['usage', 'internal']) }),
]);

/**
 * One training run. Its updates are the loop's TrainEvents as they happen; the host makes
 * the final 'done' or 'error' event from the answer. No timeout: a run takes what it takes.
 */
export const train = request('train', v.object({ spec: ModelSpecSchema, settings: TrainSettingsSchema }), TrainReportSchema, TrainEventSchema);

/** Stop the run in progress after its current batch; answered at once, the run's own answer follows. */
export const stop = request('stop', v.null(), v.null());
