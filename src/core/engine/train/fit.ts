/**
 * Stage 3 of a run: the epochs. Each epoch trains on shuffled batches (per-batch progress,
 * cancellation between batches), then validates, writes an atomic checkpoint and the
 * history, and asks early stopping whether to go on.
 *
 * Tensor hygiene: a batch's tensors are disposed right after its step, and
 * tf.memory().numTensors is recorded after every epoch (flat when nothing leaks).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { permutation, subSeed } from '../data/rng';
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
  /** Images trained on; fewer than the split when cancelled mid-epoch. */
  seenImages: number;
  loss: number;
  acc: number;
  /** Time inside trainOnBatch, for throughput. */
  trainSeconds: number;
}

/** One pass over the training split in the epoch's shuffled order; stops after the batch during which a cancel arrived. */
async function trainEpoch(tf: Tf, prepared: PreparedRun, model: tfjs.LayersModel, settings: TrainSettings, epoch: number,
  control: TrainControl, emit: (event: TrainEvent) => void): Promise<EpochTraining> {
  const { dataset, shape, compile, input } = prepared;
  const train = dataset.train;
  const batchSize = Math.max(1, Math.floor(settings.batchSize));
  const batches = Math.ceil(train.count / batchSize);
  const order = permutation(train.count, subSeed(settings.seed, epoch));
  let seenImages = 0;
  let lossSum = 0;
  let accSum = 0;
  let trainSeconds = 0;
  for (let b = 0; b < batches; b++) {
    const start = b * batchSize;
    const end = Math.min(start + batchSize, train.count);
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
    emit({ type: 'batch', epoch, batch: b + 1, batches, loss: lossSum / seenImages, acc: accSum / seenImages, imagesPerSec: n / Math.max(seconds, 1e-9) });
    if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} in epoch ${epoch}, batch ${b + 1}: lower the learning rate`);
    await yieldToEvents();
    if (control.cancelled) break;
  }
  return { seenImages, loss: lossSum / seenImages, acc: accSum / seenImages, trainSeconds };
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

  for (let epoch = startEpoch; epoch <= settings.epochs && !control.cancelled; epoch++) {
    const epochStart = Date.now();
    const trained = await trainEpoch(tf, prepared, model, settings, epoch, control, emit);
    if (control.cancelled && trained.seenImages < dataset.train.count) {
      status = 'cancelled';
      break;
    }
    const val = await predictSplit(tf, model, dataset.validation, shape, compile, dataset.numClasses, undefined, input.pixelScale);
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
