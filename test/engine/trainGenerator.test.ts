/**
 * Training with an ImageDataGenerator (issue #11): the run reads the generator the code's
 * fit() trains on (examples/keras/datagen_augmentation.py, read by the real reader) and
 * applies Keras' transforms to every training batch, never to validation. The batches the
 * model receives are captured in-process (Sequential.trainOnBatch / predict wrapped) and
 * compared with apply_transform of each image's draw, the implementation checked against
 * Keras' code on scipy in test/unit/imageDataGenerator.test.ts. Backend: cpu, 16×16 images.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { runTrainCli } from '../../src/cli/train';
import { idgSettings, randomTransform } from '../../src/core/engine/augment/idg/random';
import { applyTransform, type IdgParams } from '../../src/core/engine/augment/idg/transform';
import { loadDataset } from '../../src/core/engine/data';
import { permutation, subSeed } from '../../src/core/engine/data/rng';
import { batchImages } from '../../src/core/engine/train/evaluate';
import { runTraining } from '../../src/core/engine/train/loop';
import { TrainingSession } from '../../src/core/engine/train/session';
import { fitGenerator, generatorRng } from '../../src/core/engine/train/trainingInput';
import type { TrainSettings } from '../../src/core/engine/train/types';
import { readPython } from '../../src/core/source/python/reader';
import { recordFeeds } from '../helpers/modelFeeds';
import { sequential } from '../helpers/specs';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'keras', 'datagen_augmentation.py');
const SHAPE: [number, number, number] = [16, 16, 3];

describe('train: ImageDataGenerator on every training batch', () => {
  let out: string;
  before(async () => {
    await tf.setBackend('cpu');
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-idg-'));
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("applies the example's generator (Keras' draws, then rescale) to training batches only, differently each epoch", async () => {
    const read = readPython(fs.readFileSync(EXAMPLE, 'utf8'));
    const generator = fitGenerator(read.models[0].fit);
    assert.ok(generator, 'the example trains on datagen');
    assert.strictEqual(generator.name, 'datagen');
    const spec = sequential(SHAPE, [
      ['Conv2D', { filters: 4, kernel_size: 3, activation: 'relu' }], ['MaxPooling2D', { pool_size: 2 }], ['Flatten'],
      ['Dense', { units: 1, activation: 'sigmoid' }],
    ], { optimizer: 'rmsprop', loss: 'binary_crossentropy', metrics: ['acc'] });
    const settings: TrainSettings = {
      data: { kind: 'synthetic', count: 40, classes: 2 }, epochs: 2, batchSize: 16, validationSplit: 0.2, seed: 7,
      backend: 'cpu', outDir: out, galleryCount: 0, generator,
    };
    // What the model is given, in order.
    const logs: string[] = [];
    const { fed, result: report } = await recordFeeds(() => runTraining(tf, spec, settings, { emit: (e) => { if (e.type === 'log') logs.push(e.message); } }));
    assert.strictEqual(report.status, 'completed');
    assert.deepStrictEqual(report.input, {
      pixelScale: 1, // 255 × rescale 1/255: the model sees [0, 1], as Keras' generator gives it
      augmentation: ['datagen (ImageDataGenerator): rescale=1/255, rotation_range=60, zoom_range=0.2, width_shift_range=0.4, height_shift_range=0.2, horizontal_flip=true, fill_mode="nearest"'],
    });
    assert.ok(logs.some((l) => l.startsWith('data augmentation on every training batch') && l.includes('datagen')), logs.join('\n'));

    const data = await loadDataset(settings.data, { inputShape: SHAPE, validationSplit: 0.2, seed: 7 });
    const s = idgSettings(generator.config);
    const size = SHAPE[0] * SHAPE[1] * SHAPE[2];
    const batches = Math.ceil(data.train.count / 16); // 32 training images: 2 batches
    const draws: IdgParams[][] = [];
    let at = 0;
    for (let epoch = 1; epoch <= 2; epoch++) {
      const order = permutation(data.train.count, subSeed(7, epoch));
      for (let b = 0; b < batches; b++, at++) {
        const got = fed[at];
        assert.strictEqual(got.kind, 'train', `call ${at}`);
        const start = b * 16, end = Math.min(start + 16, data.train.count);
        const raw = batchImages(tf, data.train, SHAPE, order, start, end, 255);
        const pixels = raw.dataSync() as Float32Array;
        raw.dispose();
        const rng = generatorRng(7, epoch, b);
        const params: IdgParams[] = [];
        for (let i = 0; i < end - start; i++) {
          const p = randomTransform(s, SHAPE[0], SHAPE[1], rng);
          params.push(p);
          const want = applyTransform({ data: pixels.subarray(i * size, (i + 1) * size), height: SHAPE[0], width: SHAPE[1], channels: SHAPE[2] }, p, 'nearest', 0).data;
          for (let k = 0; k < size; k++) {
            const d = Math.abs(got.x[i * size + k] - want[k] / 255);
            if (d > 1e-6) assert.fail(`epoch ${epoch} batch ${b} image ${i} pixel ${k}: ${got.x[i * size + k]} vs ${want[k] / 255}`);
          }
        }
        draws.push(params);
        // The draws are the example's ranges: rotation within ±60°, zoom within [0.8, 1.2], shifts within 0.2·H / 0.4·W.
        for (const p of params) {
          assert.ok(Math.abs(p.theta) <= 60 && p.zx >= 0.8 && p.zx <= 1.2 && Math.abs(p.tx) <= 0.2 * 16 && Math.abs(p.ty) <= 0.4 * 16, JSON.stringify(p));
        }
        if (epoch === 1 && b === 0) {
          // Transformed, not the raw batch.
          let changed = 0;
          for (let k = 0; k < pixels.length; k++) if (Math.abs(got.x[k] - pixels[k] / 255) > 1e-3) changed++;
          assert.ok(changed > pixels.length / 4, `${changed} of ${pixels.length} values changed`);
        }
      }
      // After each epoch, validation: the held-out images as they are (rescaled only), in order.
      const val = fed[at++];
      assert.strictEqual(val.kind, 'predict');
      assert.strictEqual(val.x.length, data.validation.x.length);
      for (let k = 0; k < val.x.length; k++) if (Math.abs(val.x[k] - data.validation.x[k]) > 1e-7) assert.fail(`validation value ${k} changed: ${val.x[k]} vs ${data.validation.x[k]}`);
    }
    // Each epoch draws anew: the same image position gets another transform.
    assert.notDeepStrictEqual(draws[0].map((p) => p.theta), draws[batches].map((p) => p.theta));
    assert.ok(draws.flat().some((p) => p.flip_horizontal) && draws.flat().some((p) => !p.flip_horizontal), 'horizontal_flip: both sides drawn');
    assert.strictEqual(report.tensorsAfterEpoch[0], report.tensorsAfterEpoch[1], `tensors ${report.tensorsAfterEpoch}`);
  });

  it('carries the generator to the training worker (settings.json records it, report.json says it was applied)', async () => {
    const spec = sequential(SHAPE, [['Flatten'], ['Dense', { units: 1, activation: 'sigmoid' }]], { optimizer: 'adam', loss: 'binary_crossentropy' });
    const generator = { name: 'datagen', config: { rotation_range: 60, horizontal_flip: true } };
    const session = new TrainingSession(spec, { data: { kind: 'synthetic', count: 20, classes: 2 }, epochs: 1, batchSize: 8, validationSplit: 0.2, seed: 1, backend: 'cpu', outDir: out, galleryCount: 0, generator });
    const report = await session.result;
    // No rescale: Keras feeds the model 0–255 pixels, and so does ConvLens (validation too).
    assert.deepStrictEqual(report.input, { pixelScale: 255, augmentation: ['datagen (ImageDataGenerator): rotation_range=60, horizontal_flip=true'] });
    const saved = JSON.parse(fs.readFileSync(report.files.settings, 'utf8')) as { settings: TrainSettings };
    assert.deepStrictEqual(saved.settings.generator, generator);
  });

  it("trains issue #11's example from the command line on the folder its flow_from_directory names, through datagen", async () => {
    // Chollet's layout next to a copy of the example: data/cats_and_dogs_small/{train,validation}/{cats,dogs}.
    const project = path.join(out, 'cats-vs-dogs');
    const file = path.join(project, 'datagen_augmentation.py');
    fs.mkdirSync(project, { recursive: true });
    fs.copyFileSync(EXAMPLE, file);
    for (const [split, n] of [['train', 6], ['validation', 2]] as const) {
      for (const [cls, base] of [['cats', 200], ['dogs', 40]] as const) {
        const folder = path.join(project, 'data', 'cats_and_dogs_small', split, cls);
        fs.mkdirSync(folder, { recursive: true });
        for (let i = 0; i < n; i++) {
          const raw = Buffer.alloc(40 * 40 * 3, base + i * 5);
          await sharp(raw, { raw: { width: 40, height: 40, channels: 3 } }).png().toFile(path.join(folder, `${i}.png`));
        }
      }
    }
    let stdout = '', stderr = '';
    // The code's steps_per_epoch=100 and validation_steps=50 would be 100 batches of 150×150 images: flags make it 2 and 1.
    const code = await runTrainCli([file, '--epochs', '1', '--steps-per-epoch', '2', '--validation-steps', '1', '--json'], { out: (l) => { stdout += `${l}\n`; }, err: (l) => { stderr += `${l}\n`; } });
    assert.strictEqual(code, 0, stderr);
    assert.match(stderr, new RegExp(`data ${path.join(project, 'data', 'cats_and_dogs_small').replace(/[\\/.]/g, '.')} from flow_from_directory in model\\.fit, line 45`));
    assert.match(stderr, /augmentation by ImageDataGenerator 'datagen' from model\.fit, line 45/);
    assert.match(stderr, /batch size 32 from datagen\.flow_from_directory, line 22/);
    // 12 training images in batches of 32: each step is a whole pass of 12, reshuffled.
    assert.match(stderr, /each epoch trains on 2 batches of 32 \(steps_per_epoch=2\), drawn from the 12 training images reshuffled at every pass \(a pass is 1 batch\)/);
    assert.match(stderr, /each epoch validates on 1 batch of 32 \(validation_steps=1\) from the 4 validation images/);
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { status: string; runDir: string };
    assert.strictEqual(summary.status, 'completed');
    const report = JSON.parse(fs.readFileSync(path.join(summary.runDir, 'report.json'), 'utf8')) as { dataset: { train: number; validation: number; inputShape: number[] }; input: { augmentation: string[] } };
    // The folder's own splits at the model's 150×150×3; every training batch through datagen.
    assert.deepStrictEqual([report.dataset.train, report.dataset.validation, report.dataset.inputShape], [12, 4, [150, 150, 3]]);
    assert.match(report.input.augmentation[0], /^datagen \(ImageDataGenerator\): rescale=1\/255, rotation_range=60, zoom_range=0\.2, width_shift_range=0\.4, height_shift_range=0\.2, horizontal_flip=true, fill_mode="nearest"$/);
  });

  it('refuses a generator whose options cannot be reproduced, as a usage error in one line', async () => {
    const spec = sequential(SHAPE, [['Flatten'], ['Dense', { units: 1, activation: 'sigmoid' }]], { optimizer: 'adam', loss: 'binary_crossentropy' });
    const settings: TrainSettings = {
      data: { kind: 'synthetic', count: 20, classes: 2 }, epochs: 1, batchSize: 8, validationSplit: 0.2, seed: 1, backend: 'cpu', outDir: out,
      generator: { name: 'gen', config: { fill_mode: 'mirror' } },
    };
    await assert.rejects(runTraining(tf, spec, settings, { emit: () => undefined }), (e: Error) => e.name === 'DataError' && e.message.startsWith("ImageDataGenerator 'gen': fill_mode must be"));
  });
});
