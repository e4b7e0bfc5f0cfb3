/**
 * Keras' fit(generator, steps_per_epoch=k, validation_steps=v) and flow_from_directory's
 * target_size / color_mode, followed by a run (issue #11). Keras' iterators hand out an
 * endless stream of batches, reshuffled at every pass over the images; fit() takes the next
 * k of them per epoch, so an epoch can end inside a pass and the next one goes on from there.
 * What the model is given is captured in-process (Sequential.trainOnBatch / predict wrapped)
 * and counted against the run's own batch events. Backend: cpu, tiny images.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { loadDataset } from '../../src/core/engine/data';
import { runTraining } from '../../src/core/engine/train/loop';
import type { TrainEvent, TrainReport, TrainSettings } from '../../src/core/engine/train/types';
import { recordFeeds, type Fed } from '../helpers/modelFeeds';
import { sequential } from '../helpers/specs';

const SHAPE: [number, number, number] = [8, 8, 3];
const SPEC = sequential(SHAPE, [['Flatten'], ['Dense', { units: 1, activation: 'sigmoid' }]], { optimizer: 'adam', loss: 'binary_crossentropy' });

/** Runs `settings`, recording what the model is given and the run's events. */
async function recorded(spec: typeof SPEC, settings: TrainSettings): Promise<{ fed: Fed[]; events: TrainEvent[]; report: TrainReport }> {
  const events: TrainEvent[] = [];
  const { fed, result: report } = await recordFeeds(() => runTraining(tf, spec, settings, { emit: (e) => events.push(e) }));
  return { fed, events, report };
}

/** The images of a batch, each as a string of its values, to find them in a split. */
function images(x: Float32Array, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < x.length; i += size) out.push(Array.from(x.subarray(i, i + size), (v) => v.toFixed(5)).join(','));
  return out;
}

describe('train: steps_per_epoch and validation_steps, as Keras iterators give batches', () => {
  let out: string;
  before(async () => {
    await tf.setBackend('cpu');
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-steps-'));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  // 40 synthetic images, 0.2 held out: 32 training images; batches of 5 make a pass of 7 batches (the 7th holds 2).
  const base = (more: Partial<TrainSettings>): TrainSettings => ({
    data: { kind: 'synthetic', count: 40, classes: 2 }, epochs: 3, batchSize: 5, validationSplit: 0.2, seed: 11,
    backend: 'cpu', outDir: out, galleryCount: 0, ...more,
  });
  const size = SHAPE[0] * SHAPE[1] * SHAPE[2];

  it('trains steps_per_epoch batches per epoch, going on through the reshuffled passes from one epoch to the next', async () => {
    const { fed, events, report } = await recorded(SPEC, base({ stepsPerEpoch: 3 }));
    assert.strictEqual(report.status, 'completed');
    // The run's own events: 3 batches in each of the 3 epochs, each announced as "of 3".
    const batches = events.filter((e): e is Extract<TrainEvent, { type: 'batch' }> => e.type === 'batch');
    assert.deepStrictEqual(batches.map((b) => [b.epoch, b.batch, b.batches]), [[1, 1, 3], [1, 2, 3], [1, 3, 3], [2, 1, 3], [2, 2, 3], [2, 3, 3], [3, 1, 3], [3, 2, 3], [3, 3, 3]]);
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    assert.ok(logs.includes("each epoch trains on 3 batches of 5 (steps_per_epoch=3), drawn from the 32 training images reshuffled at every pass (a pass is 7 batches), going on from one epoch to the next as Keras' iterator does"), logs.join('\n'));
    // Batch 7 of the stream (epoch 3's first) ends the first pass with the 2 images left; then a new pass begins.
    const trained = fed.filter((f) => f.kind === 'train');
    assert.deepStrictEqual(trained.map((f) => f.count), [5, 5, 5, 5, 5, 5, 2, 5, 5]);
    // The first 7 batches are one pass: every training image exactly once, though they span three epochs.
    const data = await loadDataset(base({}).data, { inputShape: SHAPE, validationSplit: 0.2, seed: 11 });
    const pass = trained.slice(0, 7).flatMap((f) => images(f.x, size)).sort();
    assert.deepStrictEqual(pass, images(data.train.x, size).sort());
    // The next pass is reshuffled: its first batch is not the first pass's first batch.
    assert.notDeepStrictEqual(images(trained[7].x, size), images(trained[0].x, size));
    assert.strictEqual(report.history.length, 3);
    assert.strictEqual(report.tensorsAfterEpoch[1], report.tensorsAfterEpoch[2], `tensors ${report.tensorsAfterEpoch}`);
  });

  it('judges each epoch on validation_steps batches of the validation iterator\'s size, from its own reshuffled stream', async () => {
    // 8 validation images in batches of 3: a pass is 3 + 3 + 2, one batch per epoch.
    const { fed, events } = await recorded(SPEC, base({ stepsPerEpoch: 2, validationSteps: 1, validationBatchSize: 3 }));
    const predicted = fed.filter((f) => f.kind === 'predict').slice(0, 3);
    assert.deepStrictEqual(predicted.map((f) => f.count), [3, 3, 2]);
    // Over the three epochs the validation stream made one pass: every validation image once.
    const data = await loadDataset(base({}).data, { inputShape: SHAPE, validationSplit: 0.2, seed: 11 });
    assert.deepStrictEqual(predicted.flatMap((f) => images(f.x, size)).sort(), images(data.validation.x, size).sort());
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    assert.ok(logs.includes('each epoch validates on 1 batch of 3 (validation_steps=1) from the 8 validation images, reshuffled at every pass'), logs.join('\n'));
    // Without validation_steps an epoch is judged on all of them, as before.
    const all = await recorded(SPEC, base({ epochs: 1, stepsPerEpoch: 2 }));
    assert.strictEqual(all.fed.find((f) => f.kind === 'predict')?.count, 8);
  });

  it('a resumed run goes on with the batches the uninterrupted run would have trained on', async () => {
    const whole = await recorded(SPEC, base({ stepsPerEpoch: 3 }));
    const first = await recorded(SPEC, base({ epochs: 2, stepsPerEpoch: 3 }));
    const resumed = await recorded(SPEC, base({ stepsPerEpoch: 3, resume: first.report.runDir }));
    assert.strictEqual(resumed.report.startEpoch, 3);
    const epoch3 = (fed: Fed[]): string[][] => fed.filter((f) => f.kind === 'train').slice(-3).map((f) => images(f.x, size));
    assert.deepStrictEqual(epoch3(resumed.fed), epoch3(whole.fed));
    assert.strictEqual(resumed.fed.filter((f) => f.kind === 'train').length, 3);
  });

  it('cancelling inside an epoch of steps stops the run as cancelled', async () => {
    const { TrainControl } = await import('../../src/core/engine/train/control');
    const control = new TrainControl();
    const report = await runTraining(tf, SPEC, base({ stepsPerEpoch: 4 }), { control, emit: (e) => { if (e.type === 'batch' && e.batch === 2) control.cancel(); } });
    assert.strictEqual(report.status, 'cancelled');
    assert.strictEqual(report.history.length, 0);
  });
});

describe("train: flow_from_directory's target_size and color_mode load the folder", () => {
  let root: string;
  before(async () => {
    await tf.setBackend('cpu');
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-flow-folder-'));
    // Two classes of 20×12 colour images: red-ish cats, blue-ish dogs.
    for (const [cls, rgb] of [['cats', [200, 40, 40]], ['dogs', [40, 40, 200]]] as const) {
      fs.mkdirSync(path.join(root, 'pets', cls), { recursive: true });
      for (let i = 0; i < 5; i++) {
        const raw = Buffer.alloc(20 * 12 * 3);
        for (let p = 0; p < 20 * 12; p++) raw.set([rgb[0] + i, rgb[1] + i, rgb[2] + i], p * 3);
        await sharp(raw, { raw: { width: 12, height: 20, channels: 3 } }).png().toFile(path.join(root, 'pets', cls, `${i}.png`));
      }
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const flow = (targetSize: [number, number], colorMode: string) => ({
    name: 'train_datagen', config: { rescale: 1 / 255 },
    flow: { label: 'train_generator = train_datagen.flow_from_directory(...), line 4', method: 'flow_from_directory' as const, targetSize, colorMode, classMode: 'binary', batchSize: 4 },
  });
  const settings = (generator: ReturnType<typeof flow>): TrainSettings => ({
    data: { kind: 'folder', path: path.join(root, 'pets') }, epochs: 1, batchSize: 4, validationSplit: 0.2, seed: 1, backend: 'cpu', outDir: root, galleryCount: 0, generator,
  });

  it('loads the images at target_size in greyscale, and a model with free height and width takes that size', async () => {
    const spec = sequential([null, null, 1], [['Conv2D', { filters: 2, kernel_size: 3 }], ['GlobalAveragePooling2D'], ['Dense', { units: 1, activation: 'sigmoid' }]], { optimizer: 'adam', loss: 'binary_crossentropy' });
    const { fed, report } = await recorded(spec, settings(flow([6, 10], 'grayscale')));
    assert.deepStrictEqual(report.dataset.inputShape, [6, 10, 1]);
    const first = fed.find((f) => f.kind === 'train');
    assert.ok(first);
    assert.strictEqual(first.x.length, first.count * 6 * 10 * 1);
    // Greyscale of a flat colour (ITU-R 601-2 luma, as PIL's convert('L') that Keras uses): red-ish cats 0.299·200 + 0.587·40 + 0.114·40 ≈ 88.
    const lumas = new Set(Array.from(first.x, (v) => Math.round(v * 255)));
    assert.ok([...lumas].every((l) => (l >= 86 && l <= 94) || (l >= 56 && l <= 64)), [...lumas].join(','));
  });

  it("refuses a model whose input is not the flow's image shape, naming both (Keras fails too)", async () => {
    const spec = sequential([6, 10, 3], [['Flatten'], ['Dense', { units: 1, activation: 'sigmoid' }]], { optimizer: 'adam', loss: 'binary_crossentropy' });
    await assert.rejects(runTraining(tf, spec, settings(flow([6, 10], 'grayscale')), { emit: () => undefined }), {
      name: 'DataError',
      message: "train_generator = train_datagen.flow_from_directory(...), line 4 gives 6×10×1 images (target_size=(6, 10), color_mode='grayscale') but the model's input is 6×10×3: make them agree (Keras fails on this too)",
    });
  });
});
