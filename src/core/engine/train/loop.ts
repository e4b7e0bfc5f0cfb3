/**
 * The training loop, run inside the worker (or in-process by tests and tools): backend,
 * model-vs-data validation, data set, model (new or resumed from a checkpoint), epochs of
 * shuffled batches with per-batch progress and cancellation, validation, an atomic
 * checkpoint per epoch, early stopping, then evaluation and the run folder's files.
 *
 * Tensor hygiene: batches are created and disposed per step, evaluation runs inside
 * tf.tidy, and tf.memory().numTensors is recorded after every epoch (the report's
 * `tensorsAfterEpoch`, flat when nothing leaks).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import { selectBackend, type BackendInfo } from '../backend/select';
import { buildTfjsModel } from '../build';
import { describeDataset, loadDataset } from '../data';
import { permutation, subSeed } from '../data/rng';
import type { Dataset } from '../data/types';
import { checkCompatibility, modelIO } from '../data/validate';
import { loadCheckpoint, restoreOptimizer, writeCheckpoint } from './checkpoint';
import { compileModel, encodeLabels, resolveCompile, type CompileSettings } from './compile';
import { batchImages, batchLabels, evaluate, predictSplit } from './evaluate';
import { modelArtifacts, writeAtomic, writeModelFiles } from './modelFiles';
import { createRunDir } from './runDir';
import { seedInitialWeights } from './seedInit';
import { prepareTrainingInput, trainingBatch } from './trainingInput';
import type { DatasetInfo, EpochRecord, TrainEvent, TrainReport, TrainSettings } from './types';

type Tf = typeof tfjs;

/** Cancellation shared between the loop and whoever drives it. */
export class TrainControl {
  cancelled = false;
  batchesDone = 0;
  batchesAtCancel: number | undefined;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.batchesAtCancel = this.batchesDone;
  }
}

/** Lets queued messages (a cancel) in: TF.js' awaits on cpu/wasm only yield to microtasks. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function datasetInfo(d: Dataset): DatasetInfo {
  return {
    name: d.name,
    kind: d.kind,
    inputShape: d.inputShape,
    classNames: d.classNames,
    train: d.train.count,
    validation: d.validation.count,
    test: d.test?.count,
    skipped: d.skipped,
  };
}

function writeJson(file: string, value: unknown): void {
  writeAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

function improved(monitor: string, value: number, best: number, minDelta: number): boolean {
  return monitor.endsWith('acc') ? value > best + minDelta : value < best - minDelta;
}

export interface RunHooks {
  emit: (event: TrainEvent) => void;
  control?: TrainControl;
}

export async function runTraining(tf: Tf, spec: ModelSpec, settings: TrainSettings, hooks: RunHooks): Promise<TrainReport> {
  const t0 = Date.now();
  const { emit } = hooks;
  const control = hooks.control ?? new TrainControl();
  const log = (message: string): void => emit({ type: 'log', message });

  // Validate before anything slow: the model against what the data will be.
  const io = modelIO(spec);
  const shape = checkCompatibility(io, describeDataset(settings.data));
  const compile: CompileSettings = resolveCompile(spec, io);
  for (const note of compile.notes) log(note);

  // The choice itself is reported once, by the 'backend' event; select's own summary line would repeat it.
  const backend: BackendInfo = await selectBackend(tf, settings.backend, { nativeKernels: settings.nativeKernels, log: (line) => { if (!line.startsWith('TF.js backend:')) log(line); } });
  emit({ type: 'backend', backend });

  const dataset = await loadDataset(settings.data, { inputShape: shape, validationSplit: settings.validationSplit, seed: settings.seed });
  const info = datasetInfo(dataset);
  emit({ type: 'dataset', dataset: info });
  if (dataset.skipped.length > 0) log(`skipped ${dataset.skipped.length} unreadable image${dataset.skipped.length === 1 ? '' : 's'} (listed in report.json)`);

  const input = prepareTrainingInput(spec);
  for (const note of input.notes) log(note);
  emit({ type: 'input', input: input.summary });

  const runDir = settings.resume ?? createRunDir(settings.outDir, spec.name);
  let model: tfjs.LayersModel;
  let history: EpochRecord[] = [];
  let startEpoch = 1;
  if (settings.resume) {
    const loaded = await loadCheckpoint(tf, runDir);
    model = loaded.model;
    compileModel(tf, model, compile);
    history = loaded.state.history;
    startEpoch = loaded.state.epoch + 1;
    if (!(await restoreOptimizer(tf, runDir, model, loaded.state))) log('optimizer state not restored: continuing with a fresh optimizer');
    log(`resumed ${runDir} after epoch ${loaded.state.epoch}`);
  } else {
    model = buildTfjsModel(tf, spec, { onSubstitute: (layer, note) => { if (!input.applied.has(layer)) log(`${layer.name}: ${note}`); } });
    seedInitialWeights(tf, model, settings.seed);
    compileModel(tf, model, compile);
  }
  emit({ type: 'run', runDir, startEpoch });

  const files = {
    model: path.join(runDir, 'model.json'),
    weights: path.join(runDir, 'weights.bin'),
    history: path.join(runDir, 'history.json'),
    settings: path.join(runDir, 'settings.json'),
    report: path.join(runDir, 'report.json'),
    checkpoint: undefined as string | undefined,
  };
  writeJson(files.settings, { model: spec.name, settings, compile, backend, dataset: { ...info, skipped: info.skipped.length } });
  if (!settings.resume) writeJson(path.join(runDir, 'spec.json'), spec);

  const tensorsAfterEpoch: number[] = [];
  let status: TrainReport['status'] = 'completed';
  let evaluation: TrainReport['evaluation'];
  try {
    const train = dataset.train;
    const batchSize = Math.max(1, Math.floor(settings.batchSize));
    const batches = Math.ceil(train.count / batchSize);
    const es = settings.earlyStopping;
    let best = es ? (es.monitor.endsWith('acc') ? -Infinity : Infinity) : 0;
    let wait = 0;
    if (es) {
      for (const h of history) {
        const v = h[es.monitor];
        if (improved(es.monitor, v, best, es.minDelta ?? 0)) {
          best = v;
          wait = 0;
        } else wait++;
      }
    }

    for (let epoch = startEpoch; epoch <= settings.epochs && !control.cancelled; epoch++) {
      const order = permutation(train.count, subSeed(settings.seed, epoch));
      let seenImages = 0;
      let lossSum = 0;
      let accSum = 0;
      let trainSeconds = 0;
      const epochStart = Date.now();
      for (let b = 0; b < batches; b++) {
        const start = b * batchSize;
        const end = Math.min(start + batchSize, train.count);
        const n = end - start;
        const bt = process.hrtime.bigint();
        let out: number | number[];
        const made: tfjs.Tensor[] = [];
        try {
          const raw = batchImages(tf, train, shape, order, start, end, input.pixelScale);
          made.push(raw);
          const x = trainingBatch(tf, input, raw, settings.seed, epoch, b);
          made.push(x);
          const y = encodeLabels(tf, batchLabels(train, order, start, end), compile, dataset.numClasses);
          made.push(y);
          out = await model.trainOnBatch(x, y);
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
      if (control.cancelled && seenImages < train.count) {
        status = 'cancelled';
        break;
      }
      const val = await predictSplit(tf, model, dataset.validation, shape, compile, dataset.numClasses, undefined, input.pixelScale);
      const logs = { loss: lossSum / seenImages, acc: accSum / seenImages, val_loss: val.loss, val_acc: val.accuracy };
      const imagesPerSec = seenImages / Math.max(trainSeconds, 1e-9);
      const seconds = (Date.now() - epochStart) / 1000;
      history.push({ epoch, ...logs, seconds, imagesPerSec });
      files.checkpoint = await writeCheckpoint(tf, runDir, model, { epoch, history });
      writeJson(files.history, history);
      const numTensors = tf.memory().numTensors;
      tensorsAfterEpoch.push(numTensors);
      emit({ type: 'epoch', epoch, epochs: settings.epochs, logs, seconds, imagesPerSec, numTensors });
      emit({ type: 'checkpoint', epoch, path: files.checkpoint });
      if (control.cancelled) {
        status = 'cancelled';
        break;
      }
      if (es) {
        const v = logs[es.monitor];
        if (improved(es.monitor, v, best, es.minDelta ?? 0)) {
          best = v;
          wait = 0;
        } else if (++wait >= es.patience) {
          status = 'early-stopped';
          log(`early stopping: ${es.monitor} has not improved for ${es.patience} epoch${es.patience === 1 ? '' : 's'}`);
          break;
        }
      }
      await yieldToEvents();
    }
    if (control.cancelled) status = 'cancelled';

    // The trained model: TF.js layers format at the top of the run folder.
    writeModelFiles(tf, runDir, await modelArtifacts(tf, model));
    writeJson(files.history, history);

    if (status !== 'cancelled') {
      const split = dataset.test ? 'test' : 'validation';
      evaluation = await evaluate(tf, model, split, dataset.test ?? dataset.validation, shape, dataset.classNames, compile, {
        runDir,
        galleryCount: settings.galleryCount ?? 16,
        pixelScale: input.pixelScale,
      });
    }
  } finally {
    model.dispose();
  }

  const session = history.filter((h) => h.epoch >= startEpoch);
  const report: TrainReport = {
    status,
    runDir,
    model: spec.name,
    backend,
    dataset: info,
    input: input.summary,
    compile,
    startEpoch,
    epochsCompleted: history.length === 0 ? 0 : history[history.length - 1].epoch,
    history,
    imagesPerSec: session.length === 0 ? 0 : session.reduce((a, h) => a + h.imagesPerSec, 0) / session.length,
    evaluation,
    tensorsAfterEpoch,
    batchesAfterCancel: control.batchesAtCancel === undefined ? undefined : control.batchesDone - control.batchesAtCancel,
    seconds: (Date.now() - t0) / 1000,
    files,
  };
  writeJson(files.report, report);
  return report;
}

/** Exposed for tests: a run folder's files. */
export function runFiles(runDir: string): string[] {
  return fs.readdirSync(runDir).sort();
}
