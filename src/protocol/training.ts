/**
 * The training panel's protocol: the events the host pushes to the panel while a model
 * trains, and the few messages the panel sends back.
 *
 * Conventions: `epoch` is 0-based (the engine's loop counts from 1: the adapter subtracts
 * one); `batch` is the number of batches finished in that epoch, 1..batches, so the run's
 * progress after a batch event is (epoch * batches + batch) / (epochs * batches). Metrics
 * may be null: NaN and Infinity cross postMessage's JSON as null, and a diverging loss must
 * still be shown (readers check with Number.isFinite).
 */
import * as v from 'valibot';
import { Count, message, messages, Metric, Num, PngDataUrl, Ready, type Infer } from './define';
import { panelProtocol } from './panel';

const OptionalMetric = v.optional(Metric);

const TrainingSettingsSchema = v.object({
  dataset: v.string(),
  epochs: Count,
  batchSize: Count,
  validationSplit: Num,
  seed: Num,
});
export type TrainingSettings = Infer<typeof TrainingSettingsSchema>;

const RunInfoSchema = v.object({
  runId: v.string(),
  modelName: v.string(),
  fileName: v.string(),
  /** The tfjs backend that runs the training, e.g. 'wasm + oneDNN', 'cpu', 'tensorflow'. */
  backend: v.string(),
  settings: TrainingSettingsSchema,
  /** Epoch milliseconds (Date.now()). */
  startedAt: Num,
  batchesPerEpoch: Count,
  trainCount: Count,
  valCount: Count,
  /** Augmentation applied to each training batch, one sentence per layer ('random_flip: mirrors …'). */
  augmentation: v.optional(v.array(v.string())),
  /** 255 when images go in as 0–255 pixels (the model rescales them itself). */
  pixelScale: v.optional(v.nullable(v.number())),
  /**
   * A VAE or GAN recipe ("VAE: encoder + decoder, latent 2"): its epochs log the recipe's own
   * losses by Keras' names instead of loss and accuracy, and carry a sample grid.
   */
  generative: v.optional(v.object({ kind: v.picklist(['vae', 'gan']), recipe: v.string() })),
});
export type RunInfo = Infer<typeof RunInfoSchema>;

/**
 * Metrics by Keras' names: a classifier's loss and accuracy, or a recipe's own losses
 * (`reconstruction_loss`, `kl_loss`, `val_…`; a GAN's `d_loss` and `g_loss`, and no `loss`).
 */
const EpochLogsSchema = v.objectWithRest({ loss: OptionalMetric, acc: OptionalMetric, val_loss: OptionalMetric, val_acc: OptionalMetric }, Metric);
export type EpochLogs = Infer<typeof EpochLogsSchema>;

const MisclassifiedSchema = v.object({
  /** Index of the image in the test split. */
  index: Count,
  label: Count,
  predicted: Count,
  /** The misclassified image as a PNG data URL (the panel's CSP allows img-src data:). */
  imageDataUrl: v.optional(PngDataUrl),
});
export type Misclassified = Infer<typeof MisclassifiedSchema>;

const TrainingReportSchema = v.object({
  testAccuracy: OptionalMetric,
  testLoss: OptionalMetric,
  /** confusion[true][predicted] = count. */
  confusion: v.optional(v.array(v.array(v.number()))),
  classNames: v.optional(v.array(v.string())),
  perClassAccuracy: v.optional(v.array(v.number())),
  misclassified: v.optional(v.array(MisclassifiedSchema)),
  imagesPerSec: v.number(),
  runDir: v.string(),
});
export type TrainingReport = Infer<typeof TrainingReportSchema>;

const PastRunSchema = v.object({
  runId: v.string(),
  startedAt: Num,
  settings: TrainingSettingsSchema,
  history: v.array(v.objectWithRest({ epoch: Count, ...EpochLogsSchema.entries }, Metric)),
  finalValAcc: OptionalMetric,
});
export type PastRun = Infer<typeof PastRunSchema>;

const RunStarted = message('runStarted', { run: RunInfoSchema });
/** `loss` is absent from a GAN's batches: its players' losses are shown per epoch. */
const Batch = message('batch', { runId: v.string(), epoch: Count, batch: Count, batches: Count, loss: OptionalMetric, acc: OptionalMetric, imagesPerSec: v.number() });
/** `samples`: a recipe's grid decoded from the run's fixed latent points after this epoch. */
const Epoch = message('epoch', { runId: v.string(), epoch: Count, logs: EpochLogsSchema, seconds: v.number(), samples: v.optional(PngDataUrl) });
const Done = message('done', { runId: v.string(), report: TrainingReportSchema });
const Stopped = message('stopped', { runId: v.string(), reason: v.string() });
const Failed = message('error', { runId: v.string(), message: v.string() });
const History = message('history', { runs: v.array(PastRunSchema) });

const TrainingEventSchema = messages(RunStarted, Batch, Epoch, Done, Stopped, Failed, History);
export type TrainingEvent = Infer<typeof TrainingEventSchema>;
export const isTrainingEvent = (value: unknown): value is TrainingEvent => v.is(TrainingEventSchema, value);
export type TrainingEventType = TrainingEvent['type'];
/** Events that end a run. */
export type TerminalEvent = Extract<TrainingEvent, { type: 'done' | 'stopped' | 'error' }>;

export function isTerminalEvent(e: TrainingEvent): e is TerminalEvent {
  return e.type === 'done' || e.type === 'stopped' || e.type === 'error';
}

export const trainingProtocol = panelProtocol({
  /** The events, plus the panel's identity (sent first on every load, persisted for the serializer). */
  toWebview: messages(RunStarted, Batch, Epoch, Done, Stopped, Failed, History,
    message('identity', { modelKey: v.string(), title: v.string() })),
  toHost: messages(Ready, message('stop', { runId: v.string() }), message('reveal'), message('inspect'), message('export')),
  state: v.object({
    modelKey: v.string(),
    title: v.string(),
    /** Past runs (and the last run shown), so a reloaded window still shows them. */
    runs: v.optional(v.array(PastRunSchema)),
  }),
  requests: {},
});

export type TrainingHostMessage = Infer<typeof trainingProtocol.toWebview>;
export type TrainingWebviewMessage = Infer<typeof trainingProtocol.toHost>;
export type TrainingState = Infer<typeof trainingProtocol.state>;
