/**
 * Training engine: compile settings, a tiny convnet on synthetic shapes in the worker (loss
 * decreases, run folder files, flat tensor count, resume), cancellation within one batch,
 * crashes (worker killed after a checkpoint, a broken worker script), and atomic checkpoints
 * under an injected failing write. Backend: cpu (small data, short runs).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { modelIO } from '../../src/core/engine/data';
import { buildTfjsModel } from '../../src/core/engine/build';
import { loadCheckpoint, readCheckpointState, writeCheckpoint } from '../../src/core/engine/train/checkpoint';
import { CompileError, compileModel, resolveCompile } from '../../src/core/engine/train/compile';
import { TrainingError } from '../../src/core/engine/train/errors';
import { loadModelFile, realFileOps, type FileOps } from '../../src/core/engine/train/modelFiles';
import { TrainingSession } from '../../src/core/engine/train/session';
import type { TrainEvent, TrainSettings } from '../../src/core/engine/train/types';
import type { ModelSpec } from '../../src/core/model/spec';
import { sequential } from '../helpers/specs';

function tinySpec(lr = 0.005): ModelSpec {
  return sequential(
    [16, 16, 1],
    [
      ['Conv2D', { filters: 8, kernel_size: 3, activation: 'relu' }],
      ['MaxPooling2D', { pool_size: 2 }],
      ['Flatten'],
      ['Dense', { units: 4, activation: 'softmax' }],
    ],
    { optimizer: 'adam', learningRate: lr, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] },
  );
}

function settings(outDir: string, extra: Partial<TrainSettings> = {}): TrainSettings {
  return { data: { kind: 'synthetic', count: 400 }, epochs: 2, batchSize: 16, validationSplit: 0.2, seed: 1, backend: 'cpu', outDir, galleryCount: 4, ...extra };
}

describe('train: compile settings', () => {
  it("maps Keras' compile() to TF.js, with Keras' default learning rates", () => {
    const chollet = sequential([28, 28, 1], [['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]], { optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const c = resolveCompile(chollet, modelIO(chollet));
    assert.deepStrictEqual([c.optimizer, c.learningRate, c.loss, c.labels, c.fromLogits, c.metrics], ['rmsprop', 1e-3, 'categorical_crossentropy', 'onehot', false, ['accuracy']]);
    const sgd = sequential([4, 4, 1], [['Flatten'], ['Dense', { units: 3, activation: 'softmax' }]], { optimizer: 'SGD', loss: 'SparseCategoricalCrossentropy', metrics: ['acc', 'AUC'] });
    const s = resolveCompile(sgd, modelIO(sgd));
    assert.deepStrictEqual([s.optimizer, s.learningRate, s.loss, s.labels], ['sgd', 0.01, 'sparse_categorical_crossentropy', 'onehot']);
    assert.match(s.notes.join(), /metric 'AUC' is not computed/);
  });

  it('chooses the loss from the output when the code has no compile()', () => {
    const bin = sequential([8, 8, 3], [['Flatten'], ['Dense', { units: 1, activation: 'sigmoid' }]]);
    const b = resolveCompile(bin, modelIO(bin));
    assert.deepStrictEqual([b.optimizer, b.learningRate, b.loss, b.labels, b.source.loss], ['adam', 1e-3, 'binary_crossentropy', 'binary', 'default']);
    const logits = sequential([8, 8, 3], [['Flatten'], ['Dense', { units: 5 }]]);
    assert.strictEqual(resolveCompile(logits, modelIO(logits)).fromLogits, true);
  });

  it('refuses what it cannot train with a message listing what it can', () => {
    const bad = sequential([8, 8, 1], [['Flatten'], ['Dense', { units: 2, activation: 'softmax' }]], { optimizer: 'nadamw', loss: 'mse' });
    assert.throws(() => resolveCompile(bad, modelIO(bad)), (e: Error) => e instanceof CompileError && /optimizer 'nadamw' .* adam, rmsprop, sgd/.test(e.message));
  });
});

describe('train: a run in the worker (cpu)', function () {
  this.timeout(180000);
  let out: string;
  let runDir: string;
  before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-train-'));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('trains 2 epochs: loss decreases, the run folder has every file, tensors stay flat', async () => {
    const session = new TrainingSession(tinySpec(), settings(out));
    const events: TrainEvent[] = [];
    session.on('event', (e) => events.push(e));
    const report = await session.result;
    runDir = report.runDir;
    assert.strictEqual(report.status, 'completed');
    assert.strictEqual(report.backend.name, 'cpu');
    assert.strictEqual(report.history.length, 2);
    assert.ok(report.history[1].loss < report.history[0].loss, `loss ${report.history.map((h) => h.loss)}`);
    assert.match(path.relative(out, runDir), /^\.convlens[\\/]runs[\\/]\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-model$/);
    for (const f of ['model.json', 'weights.bin', 'history.json', 'settings.json', 'report.json', 'spec.json', path.join('checkpoint', 'model.json')]) {
      assert.ok(fs.existsSync(path.join(runDir, f)), f);
    }
    const history = JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8')) as { epoch: number; val_acc: number }[];
    assert.deepStrictEqual(history.map((h) => h.epoch), [1, 2]);
    const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'settings.json'), 'utf8')) as { compile: { optimizer: string; learningRate: number }; backend: { name: string } };
    assert.deepStrictEqual([saved.compile.optimizer, saved.compile.learningRate, saved.backend.name], ['adam', 0.005, 'cpu']);
    // Tensor hygiene: the same count after every epoch.
    assert.strictEqual(report.tensorsAfterEpoch.length, 2);
    assert.strictEqual(report.tensorsAfterEpoch[0], report.tensorsAfterEpoch[1], `tensors ${report.tensorsAfterEpoch}`);
    // Events: batches of every epoch, then epoch and checkpoint events.
    const batches = events.filter((e) => e.type === 'batch');
    assert.strictEqual(batches.length, 2 * 20);
    assert.ok(batches.every((b) => b.type === 'batch' && b.batches === 20 && b.imagesPerSec > 0));
    assert.deepStrictEqual(events.filter((e) => e.type === 'checkpoint').map((e) => (e as { epoch: number }).epoch), [1, 2]);
    // Evaluation: confusion matrix over the validation split, gallery files.
    const ev = report.evaluation;
    assert.ok(ev);
    assert.strictEqual(ev.split, 'validation');
    assert.strictEqual(ev.confusion.flat().reduce((a, b) => a + b, 0), 80);
    assert.strictEqual(ev.perClassAccuracy.length, 4);
    assert.ok(ev.misclassified.length <= 4);
    for (const m of ev.misclassified) {
      assert.ok(fs.existsSync(path.join(runDir, m.file)), m.file);
      assert.notStrictEqual(m.label, m.predicted);
    }
    assert.ok(report.imagesPerSec > 0);
    // The saved model loads with TF.js and predicts 4 probabilities.
    await tf.setBackend('cpu');
    const model = await loadModelFile(tf, path.join(runDir, 'model.json'));
    const p = tf.tidy(() => (model.predict(tf.zeros([1, 16, 16, 1])) as tf.Tensor).sum().dataSync()[0]);
    assert.ok(Math.abs(p - 1) < 1e-4);
    model.dispose();
  });

  it('resumes from the last checkpoint and appends the history', async () => {
    assert.ok(runDir, 'needs the run of the previous test');
    const session = new TrainingSession(tinySpec(), settings(out, { epochs: 3, resume: runDir }));
    const report = await session.result;
    assert.strictEqual(report.runDir, runDir);
    assert.strictEqual(report.startEpoch, 3);
    assert.deepStrictEqual(report.history.map((h) => h.epoch), [1, 2, 3]);
    assert.strictEqual(readCheckpointState(runDir).epoch, 3);
    // A resumed optimizer keeps improving rather than jumping back up.
    assert.ok(report.history[2].loss < report.history[0].loss);
  });

  it('stops early after `patience` epochs without improvement, keeping the last checkpoint', async () => {
    // minDelta 1e6 on the training loss: only the first epoch (against +Infinity) can count as
    // an improvement, so patience 2 must stop after epoch 3 of 10, whatever the weights do.
    const session = new TrainingSession(tinySpec(), settings(out, { epochs: 10, earlyStopping: { monitor: 'loss', patience: 2, minDelta: 1e6 } }));
    const logs: string[] = [];
    session.on('event', (e) => { if (e.type === 'log') logs.push(e.message); });
    const report = await session.result;
    assert.strictEqual(report.status, 'early-stopped');
    assert.deepStrictEqual(report.history.map((h) => h.epoch), [1, 2, 3]);
    assert.strictEqual(readCheckpointState(report.runDir).epoch, 3);
    assert.ok(report.evaluation, 'an early-stopped run is still evaluated');
    assert.ok(logs.some((l) => l.includes('early stopping: loss has not improved for 2 epochs')), logs.join('\n'));
  });

  it('applies the leading augmentation layers to every training batch and feeds 0–255 pixels to a Rescaling model', async () => {
    const spec = sequential([16, 16, 1], [
      ['RandomFlip', { mode: 'horizontal' }], ['RandomRotation', { factor: 0.1 }], ['Rescaling', { scale: 1 / 255 }],
      ['Conv2D', { filters: 8, kernel_size: 3, activation: 'relu' }], ['MaxPooling2D', { pool_size: 2 }], ['Flatten'],
      ['Dense', { units: 4, activation: 'softmax' }],
    ], { optimizer: 'adam', learningRate: 0.005, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const session = new TrainingSession(spec, settings(out));
    const logs: string[] = [];
    session.on('event', (e) => { if (e.type === 'log') logs.push(e.message); });
    const report = await session.result;
    assert.strictEqual(report.status, 'completed');
    assert.deepStrictEqual(report.input, {
      pixelScale: 255,
      // RandomRotation(0.1): a tenth of a full turn either way, 36°; reflect is Keras' default fill.
      augmentation: ['l0: mirrors left-right with probability 0.5', 'l1: rotates by up to ±36° (positive = counter-clockwise) (reflect fill)'],
    });
    assert.ok(logs.some((l) => l.startsWith('data augmentation on every training batch')), logs.join('\n'));
    assert.ok(!logs.some((l) => l.includes('training sees no augmentation')), 'no stand-in warning for augmentation the loop applies');
    assert.ok(report.history[1].loss < report.history[0].loss, `loss ${report.history.map((h) => h.loss)}`);
    assert.strictEqual(report.tensorsAfterEpoch[0], report.tensorsAfterEpoch[1], `tensors ${report.tensorsAfterEpoch}`);
    // The saved model holds identities where the augmentation was: plain TF.js loads it.
    await tf.setBackend('cpu');
    const model = await loadModelFile(tf, path.join(report.runDir, 'model.json'));
    assert.strictEqual(model.layers.length, 7);
    model.dispose();
  });

  it('cancel stops within one batch', async () => {
    const session = new TrainingSession(tinySpec(), settings(out, { epochs: 3, batchSize: 8, data: { kind: 'synthetic', count: 800 } }));
    let seenAtCancel = -1;
    let seen = 0;
    session.on('batch', () => {
      seen++;
      if (seen === 5) {
        session.cancel();
        seenAtCancel = seen;
      }
    });
    const report = await session.result;
    assert.strictEqual(report.status, 'cancelled');
    assert.ok(report.batchesAfterCancel !== undefined && report.batchesAfterCancel <= 1, `worker: ${report.batchesAfterCancel} batches after cancel`);
    // Host side: at most the batch in progress plus events already in flight.
    assert.ok(seen - seenAtCancel <= 3, `host saw ${seen - seenAtCancel} batches after cancel`);
    assert.strictEqual(report.history.length, 0);
    assert.strictEqual(report.evaluation, undefined);
    assert.ok(fs.existsSync(path.join(report.runDir, 'report.json')));
  });

  it('a killed worker rejects with a clear message and leaves the last checkpoint loadable', async () => {
    const session = new TrainingSession(tinySpec(), settings(out, { epochs: 4 }));
    session.on('checkpoint', (e) => {
      if (e.epoch === 1) void session.terminate();
    });
    await assert.rejects(session.result, (e: Error) => {
      assert.ok(e instanceof TrainingError);
      assert.strictEqual(e.kind, 'internal');
      assert.match(e.message, /training worker stopped .* before training finished; the last checkpoint is intact: .*checkpoint[\\/]model\.json/);
      return true;
    });
    assert.ok(session.runDir);
    await tf.setBackend('cpu');
    const { model, state } = await loadCheckpoint(tf, session.runDir);
    assert.ok(state.epoch >= 1);
    model.dispose();
  });

  it('a worker that crashes on start rejects with the error', async () => {
    const broken = path.join(out, 'broken-worker.js');
    fs.writeFileSync(broken, "throw new Error('boom at start');\n");
    const session = new TrainingSession(tinySpec(), settings(out), { workerPath: broken });
    await assert.rejects(session.result, /the training worker crashed: boom at start/);
  });

  it('a model that does not fit the data is a usage error from the worker', async () => {
    const spec = sequential([16, 16, 1], [['Flatten'], ['Dense', { units: 3, activation: 'softmax' }]]);
    const session = new TrainingSession(spec, settings(out));
    await assert.rejects(session.result, (e: Error) => e instanceof TrainingError && e.kind === 'usage' && e.message.includes('has 3 units but the synthetic shapes have 4 classes'));
  });
});

describe('train: atomic checkpoints', () => {
  let dir: string;
  before(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-ckpt-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function firstKernel(model: tf.LayersModel): Promise<number[]> {
    return Array.from(await model.getWeights()[0].data());
  }

  for (const failOn of ['model.json', 'weights-e', 'optimizer-e']) {
    it(`a crash while writing ${failOn}... leaves the previous checkpoint loadable`, async () => {
      const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
      const spec = tinySpec();
      const model = buildTfjsModel(tf, spec);
      compileModel(tf, model, resolveCompile(spec, modelIO(spec)));
      await model.trainOnBatch(tf.randomUniform([4, 16, 16, 1]), tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4).toFloat());
      await writeCheckpoint(tf, runDir, model, { epoch: 1, history: [] });
      const before = await firstKernel(model);
      // Change the weights, then "crash" half-way through the next checkpoint.
      model.setWeights(model.getWeights().map((w) => tf.add(w, 1)));
      const failing: FileOps = {
        writeFile(file, data) {
          if (path.basename(file).startsWith(failOn)) {
            fs.writeFileSync(file, typeof data === 'string' ? data.slice(0, 10) : data.subarray(0, 10)); // torn write
            throw new Error('simulated crash');
          }
          realFileOps.writeFile(file, data);
        },
        rename: realFileOps.rename,
      };
      await assert.rejects(writeCheckpoint(tf, runDir, model, { epoch: 2, history: [] }, failing), /simulated crash/);
      const loaded = await loadCheckpoint(tf, runDir);
      assert.strictEqual(loaded.state.epoch, 1);
      assert.deepStrictEqual(await firstKernel(loaded.model), before);
      loaded.model.dispose();
      model.dispose();
    });
  }
});
