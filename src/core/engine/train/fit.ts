/**
 * Stage 3 of a run: the epochs. Each epoch trains on shuffled batches (per-batch progress,
 * cancellation between batches), then validates, writes an atomic checkpoint and the
 * history, and asks early stopping whether to go on. An epoch is one pass over the training
 * images, or steps_per_epoch batches of the endless shuffled stream Keras' iterators give
 * (./batchStream.ts); validation_steps likewise takes that many validation batches.
 *
 * Tensor hygiene: a batch's tensors are disposed right after its step, and
 * tf.memory().numTensors is recorded after every epoch (flat when nothing leaks).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { subSeed } from '../data/rng';
import type { Split } from '../data/types';
import { BatchStream, gatherSplit } from './batchStream';
import { writeCheckpoint } from './checkpoint';
import { encodeLabels } from './compile';
import { type TrainControl, yieldToEvents } from './control';
import { EarlyStopper } from './earlyStopping';
import { asModelInput, batchImages, batchLabels, predictSplit } from './evaluate';
import type { PreparedRun } from './prepare';
import { writeJson, type RunFiles } from './runFiles';
import type { StartedModel } from './startModel';
import { trainingBatch } from './trainingInput';
import type { EpochRecord, TrainEvent, TrainReport, TrainSettings } from './types';

type Tf = typeof tfjs;

export interface FitResult {
  status: TrainReport['status'];
  /** Earlier epochs (on resume) and this session's. */
  history: EpochRecord[];
  tensorsAfterEpoch: number[];
  /** The last checkpoint this session wrote. */
  checkpoint?: string;
}

interface EpochTraining {
  /** False when a cancel stopped the epoch before its last batch. */
  complete: boolean;
  /** Images trained on. */
  seenImages: number;
  loss: number;
  acc: number;
  /** Time inside trainOnBatch, for throughput. */
  trainSeconds: number;
}

/** Batches per epoch: steps_per_epoch, else one pass. */
export function epochBatches(stream: BatchStream, settings: Pick<TrainSettings, 'stepsPerEpoch'>): number {
  return settings.stepsPerEpoch !== undefined && settings.stepsPerEpoch >= 1 ? Math.floor(settings.stepsPerEpoch) : stream.batchesPerPass;
}

/** The training split's stream of batches (./batchStream.ts); in file order under the code's shuffle=False. */
export function trainStream(split: Split, settings: Pick<TrainSettings, 'batchSize' | 'seed' | 'generator'>): BatchStream {
  return new BatchStream(split.count, Math.max(1, Math.floor(settings.batchSize)), settings.seed, settings.generator?.flow?.shuffle !== false);
}

/**
 * The validation images an epoch is judged on: all of them, or under validation_steps the
 * epoch's batches of the validation split's own endless shuffled stream.
 */
export function validationImages(split: Split, settings: Pick<TrainSettings, 'validationSteps' | 'validationBatchSize' | 'batchSize' | 'seed' | 'generator'>, epoch: number): Split {
  const steps = settings.validationSteps;
  if (steps === undefined || steps < 1 || split.count === 0) return split;
  const shuffled = settings.generator?.validationFlow?.shuffle !== false;
  const stream = new BatchStream(split.count, Math.max(1, Math.floor(settings.validationBatchSize ?? settings.batchSize)), subSeed(settings.seed, 0x7a1d), shuffled);
  return gatherSplit(split, stream.indices((epoch - 1) * steps, steps));
}

/** The epoch's batches of the training stream; stops after the batch during which a cancel arrived. */
async function trainEpoch(tf: Tf, prepared: PreparedRun, model: tfjs.LayersModel, settings: TrainSettings, epoch: number,
  control: TrainControl, emit: (event: TrainEvent) => void): Promise<EpochTraining> {
  const { dataset, shape, compile, input } = prepared;
  const train = dataset.train;
  const stream = trainStream(train, settings);
  const batches = epochBatches(stream, settings);
  // Keras' iterator goes on where the last epoch stopped: batch g of the run is the stream's g-th.
  const first = (epoch - 1) * batches;
  let seenImages = 0;
  let lossSum = 0;
  let accSum = 0;
  let trainSeconds = 0;
  let done = 0;
  for (let b = 0; b < batches; b++) {
    const { order, start, end } = stream.at(first + b);
    const n = end - start;
    const bt = process.hrtime.bigint();
    let out: number | number[];
    const made: tfjs.Tensor[] = [];
    try {
      const raw = batchImages(tf, train, shape, order, start, end, input.trainPixelScale);
      made.push(raw);
      const x = trainingBatch(tf, input, raw, settings.seed, epoch, b);
      made.push(x);
      const y = encodeLabels(tf, batchLabels(train, order, start, end), compile, dataset.numClasses);
      made.push(y);
      const fed = asModelInput(tf, model, x);
      if (fed !== x) made.push(fed);
      out = await model.trainOnBatch(fed, y);
    } finally {
      tf.dispose(made); // also when augmenting or encoding failed half-way
    }
    const seconds = Number(process.hrtime.bigint() - bt) / 1e9;
    trainSeconds += seconds;
    const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
    seenImages += n;
    lossSum += loss * n;
    accSum += acc * n;
    control.batchesDone++;
    done++;
    emit({ type: 'batch', epoch, batch: b + 1, batches, loss: lossSum / seenImages, acc: accSum / seenImages, imagesPerSec: n / Math.max(seconds, 1e-9) });
    if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} in epoch ${epoch}, batch ${b + 1}: lower the learning rate`);
    await yieldToEvents();
    if (control.cancelled) break;
  }
  return { complete: done === batches, seenImages, loss: lossSum / seenImages, acc: accSum / seenImages, trainSeconds };
}

const batchCount = (n: number): string => `${n.toLocaleString('en-US')} batch${n === 1 ? '' : 'es'}`;

/** What an epoch is when the code says steps_per_epoch / validation_steps, said once in the log. */
export function epochNotes(prepared: Pick<PreparedRun, 'dataset'>, settings: TrainSettings): string[] {
  const { train, validation } = prepared.dataset;
  const notes: string[] = [];
  if (settings.stepsPerEpoch !== undefined && train.count > 0) {
    const stream = trainStream(train, settings);
    notes.push(`each epoch trains on ${batchCount(epochBatches(stream, settings))} of ${stream.batchSize} (steps_per_epoch=${settings.stepsPerEpoch}), ` +
      `drawn from the ${train.count.toLocaleString('en-US')} training images reshuffled at every pass (a pass is ${batchCount(stream.batchesPerPass)}), going on from one epoch to the next as Keras' iterator does`);
  }
  if (settings.validationSteps !== undefined && validation.count > 0) {
    const size = Math.max(1, Math.floor(settings.validationBatchSize ?? settings.batchSize));
    notes.push(`each epoch validates on ${batchCount(settings.validationSteps)} of ${size} (validation_steps=${settings.validationSteps}) from the ${validation.count.toLocaleString('en-US')} validation images, reshuffled at every pass`);
  }
  return notes;
}

export async function fitEpochs(tf: Tf, prepared: PreparedRun, started: StartedModel, settings: TrainSettings, files: RunFiles,
  control: TrainControl, emit: (event: TrainEvent) => void): Promise<FitResult> {
  const { dataset, shape, compile, input } = prepared;
  const { model, runDir, startEpoch } = started;
  const history = [...started.history];
  const stopper = settings.earlyStopping ? new EarlyStopper(settings.earlyStopping, history) : undefined;
  const tensorsAfterEpoch: number[] = [];
  let status: FitResult['status'] = 'completed';
  let checkpoint: string | undefined;
  for (const line of epochNotes(prepared, settings)) emit({ type: 'log', message: line });

  for (let epoch = startEpoch; epoch <= settings.epochs && !control.cancelled; epoch++) {
    const epochStart = Date.now();
    const trained = await trainEpoch(tf, prepared, model, settings, epoch, control, emit);
    if (control.cancelled && !trained.complete) {
      status = 'cancelled';
      break;
    }
    const val = await predictSplit(tf, model, validationImages(dataset.validation, settings, epoch), shape, compile, dataset.numClasses, undefined, input.pixelScale);
    const logs = { loss: trained.loss, acc: trained.acc, val_loss: val.loss, val_acc: val.accuracy };
    const imagesPerSec = trained.seenImages / Math.max(trained.trainSeconds, 1e-9);
    const seconds = (Date.now() - epochStart) / 1000;
    history.push({ epoch, ...logs, seconds, imagesPerSec });
    checkpoint = await writeCheckpoint(tf, runDir, model, { epoch, history });
    writeJson(files.history, history);
    const numTensors = tf.memory().numTensors;
    tensorsAfterEpoch.push(numTensors);
    emit({ type: 'epoch', epoch, epochs: settings.epochs, logs, seconds, imagesPerSec, numTensors });
    emit({ type: 'checkpoint', epoch, path: checkpoint });
    if (control.cancelled) {
      status = 'cancelled';
      break;
    }
    if (stopper?.observe(logs)) {
      const { monitor, patience } = stopper.rule;
      status = 'early-stopped';
      emit({ type: 'log', message: `early stopping: ${monitor} has not improved for ${patience} epoch${patience === 1 ? '' : 's'}` });
      break;
    }
    await yieldToEvents();
  }
  if (control.cancelled) status = 'cancelled';
  return { status, history, tensorsAfterEpoch, checkpoint };
}
