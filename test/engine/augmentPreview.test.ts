/**
 * Augmentation preview (src/core/viz/): the in-process function on Chollet's cats-vs-dogs
 * model (180×180×3, RandomFlip + RandomRotation + RandomZoom, Rescaling(1/255)) and on small
 * hand-made specs, then the client through the real worker (tsc's
 * out/src/core/viz/vizWorker.js, found by the same lookup as the bundle's dist/vizWorker.js).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import { decodeImage } from '../../src/core/engine/data/folder';
import { loadSharp } from '../../src/core/engine/data/sharp';
import type { ModelSpec } from '../../src/core/model/spec';
import { augmentationPreview, type AugmentPreview, type AugmentPreviewRequest } from '../../src/core/viz/augmentPreview';
import { displayScale } from '../../src/core/viz/png';
import { VizClient } from '../../src/core/viz/vizClient';
import { workerScriptPath } from '../../src/core/worker/scriptPath';
import { sequential } from '../helpers/specs';

const ROOT = path.resolve(__dirname, '../../..');

function catsVsDogs(): ModelSpec {
  const file = path.join(ROOT, 'examples', 'keras', 'cats_vs_dogs_augmented.py');
  const spec = analyzeSource(fs.readFileSync(file, 'utf8'), 'python', file).specs.find((s) => s.name === 'model');
  assert.ok(spec, 'the example defines `model`');
  return spec;
}

/** 20×24 greyscale, rotation + translation: every draw differs, cheap on cpu. */
const small = (): ModelSpec =>
  sequential([20, 24, 1], [
    ['RandomRotation', { factor: 0.2 }],
    ['RandomTranslation', { height_factor: 0.1, width_factor: 0.1 }],
    ['Conv2D', { filters: 2, kernel_size: 3 }],
    ['Flatten'],
    ['Dense', { units: 4, activation: 'softmax' }],
  ]);

const plain = (shape: number[]): ModelSpec => sequential(shape, [['Conv2D', { filters: 2, kernel_size: 3 }], ['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]]);

async function decode(url: string): Promise<{ width: number; height: number; channels: number; data: Buffer }> {
  assert.match(url, /^data:image\/png;base64,/);
  const png = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  // Channels as stored in the PNG (sharp's raw output would expand greyscale to RGB).
  const { channels } = await loadSharp()(png).metadata();
  let img = loadSharp()(png);
  if (channels === 1) img = img.toColourspace('b-w');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: channels ?? 0, data };
}

function assertOneLine(e: unknown, pattern: RegExp): true {
  assert.ok(e instanceof Error);
  assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
  assert.match(e.message, pattern);
  return true;
}

describe('augmentation preview', function () {
  this.timeout(120000);
  let dir: string;
  let cats: ModelSpec;
  before(async () => {
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-augpreview-'));
    cats = catsVsDogs();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('cats-vs-dogs: steps, 0–255 input, count distinct 180×180 draws of a synthetic sample', async () => {
    const p = await augmentationPreview(tf, cats, { sample: { kind: 'synthetic', index: 3 }, count: 4, seed: 7 });
    assert.strictEqual(p.model, 'model');
    assert.deepStrictEqual(p.inputShape, [180, 180, 3]);
    assert.strictEqual(p.pixelScale, 255);
    assert.strictEqual(p.steps.length, 3);
    assert.match(p.steps[0], /^random_flip: /);
    assert.match(p.steps[1], /^random_rotation: /);
    assert.match(p.steps[2], /^random_zoom: /);
    assert.ok(p.notes.some((n) => n.includes('0–255')), p.notes.join('\n'));
    assert.strictEqual(p.sample.label, 'synthetic cross #3');
    assert.strictEqual(p.seed, 7);
    assert.strictEqual(p.augmented.length, 4);
    assert.strictEqual(new Set([p.original, ...p.augmented]).size, 5, 'all distinct');
    const original = await decode(p.original);
    const [a, b] = await Promise.all([decode(p.augmented[0]), decode(p.augmented[1])]);
    for (const img of [original, a, b]) assert.deepStrictEqual([img.width, img.height, img.channels], [180, 180, 3]);
    assert.ok(!a.data.equals(original.data) && !b.data.equals(original.data) && !a.data.equals(b.data));
  });

  it('same seed gives identical images, another seed different ones', async () => {
    const req: AugmentPreviewRequest = { sample: { kind: 'synthetic', index: 1 }, count: 3, seed: 42 };
    const one = await augmentationPreview(tf, small(), req);
    const again = await augmentationPreview(tf, small(), req);
    const other = await augmentationPreview(tf, small(), { ...req, seed: 43 });
    assert.deepStrictEqual(again, one);
    assert.strictEqual(other.original, one.original);
    one.augmented.forEach((url, i) => assert.notStrictEqual(other.augmented[i], url));
  });

  it('a small greyscale model: pixel scale 1, images enlarged with nearest-neighbour to >= 96 px', async () => {
    const p = await augmentationPreview(tf, small(), { sample: { kind: 'synthetic', index: 0 }, count: 2, seed: 1 });
    assert.strictEqual(p.pixelScale, 1);
    assert.deepStrictEqual(p.inputShape, [20, 24, 1]);
    assert.strictEqual(p.sample.label, 'synthetic circle #0');
    assert.strictEqual(displayScale(20, 24), 4);
    const img = await decode(p.augmented[1]);
    assert.deepStrictEqual([img.width, img.height, img.channels], [96, 80, 1]);
    // Nearest-neighbour: each 4×4 block is one model pixel.
    for (let y = 0; y < 80; y += 4) for (let x = 0; x < 96; x += 4) assert.strictEqual(img.data[(y + 3) * 96 + x + 3], img.data[y * 96 + x]);
  });

  it('count is clamped to 1..32', async () => {
    assert.strictEqual((await augmentationPreview(tf, small(), { sample: { kind: 'synthetic', index: 0 }, count: 0, seed: 1 })).augmented.length, 1);
    assert.strictEqual((await augmentationPreview(tf, small(), { sample: { kind: 'synthetic', index: 0 }, count: 100, seed: 1 })).augmented.length, 32);
    await assert.rejects(augmentationPreview(tf, small(), { sample: { kind: 'synthetic', index: 0 }, count: NaN, seed: 1 }), (e) => assertOneLine(e, /from 1 to 32/));
  });

  it('MNIST digits: as they are for 28×28×1 models, stretched (with a note) for others', async () => {
    const mnistModel = sequential([28, 28, 1], [['RandomRotation', { factor: 0.1 }], ['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]]);
    const p = await augmentationPreview(tf, mnistModel, { sample: { kind: 'mnist', index: 17 }, count: 2, seed: 1 });
    assert.strictEqual(p.sample.label, 'MNIST digit 7 (#17)');
    assert.ok(!p.notes.some((n) => n.includes('MNIST')));
    const original = await decode(p.original);
    assert.deepStrictEqual([original.width, original.height, original.channels], [112, 112, 1]);
    assert.ok(original.data.some((v) => v > 200) && original.data.some((v) => v === 0), 'a white digit on black');

    const onCats = await augmentationPreview(tf, cats, { sample: { kind: 'mnist', index: 17 }, count: 1, seed: 1 });
    assert.ok(onCats.notes.some((n) => n.includes("MNIST digits are 28×28×1: shown stretched to the model's 180×180×3")), onCats.notes.join('\n'));
    const big = await decode(onCats.original);
    assert.deepStrictEqual([big.width, big.height, big.channels], [180, 180, 3]);
  });

  it('an image file is decoded like the folder loader: resized to the model, 1 or 3 channels', async () => {
    const file = path.join(dir, 'photo.png');
    const px = Buffer.alloc(30 * 40 * 3);
    for (let i = 0; i < 30 * 40; i++) px.set([(i * 7) % 256, (i * 3) % 256, 200], i * 3);
    await loadSharp()(px, { raw: { width: 40, height: 30, channels: 3 } }).png().toFile(file);
    const rgb = await augmentationPreview(tf, cats, { sample: { kind: 'file', path: file }, count: 1, seed: 1 });
    assert.strictEqual(rgb.sample.label, 'photo.png');
    const a = await decode(rgb.original);
    assert.deepStrictEqual([a.width, a.height, a.channels], [180, 180, 3]);
    const loader = await decodeImage(file, [180, 180, 3]);
    assert.ok(a.data.equals(Buffer.from(loader.map((v) => Math.round(v * 255)))), 'the same pixels the folder loader trains on');
    const grey = await augmentationPreview(tf, small(), { sample: { kind: 'file', path: file }, count: 1, seed: 1 });
    const g = await decode(grey.original);
    assert.deepStrictEqual([g.width, g.height, g.channels], [96, 80, 1]);
  });

  it('a model without augmentation: no draws and a note', async () => {
    const p = await augmentationPreview(tf, plain([16, 16, 1]), { sample: { kind: 'synthetic', index: 2 }, count: 4, seed: 1 });
    assert.deepStrictEqual(p.augmented, []);
    assert.deepStrictEqual(p.steps, []);
    assert.ok(p.original.startsWith('data:image/png;base64,'));
    assert.ok(p.notes.some((n) => /has no augmentation layers .* that its input meets first/.test(n)), p.notes.join('\n'));
  });

  it('one-line errors: a non-image model, a missing or corrupt file, a bad index', async () => {
    const dense = sequential([784], [['Dense', { units: 10, activation: 'softmax' }]]);
    await assert.rejects(augmentationPreview(tf, dense, { sample: { kind: 'synthetic', index: 0 }, count: 2, seed: 1 }),
      (e) => assertOneLine(e, /needs a model whose input is an image \(height×width×channels\); model takes inputs of shape 784: start it with input_shape=\(180, 180, 3\)/));
    await assert.rejects(augmentationPreview(tf, cats, { sample: { kind: 'file', path: path.join(dir, 'nothing-here.png') }, count: 2, seed: 1 }),
      (e) => assertOneLine(e, /^cannot read nothing-here\.png: no such file/));
    const corrupt = path.join(dir, 'broken.jpg');
    fs.writeFileSync(corrupt, 'not an image\nat all');
    await assert.rejects(augmentationPreview(tf, cats, { sample: { kind: 'file', path: corrupt }, count: 2, seed: 1 }), (e) => assertOneLine(e, /^cannot read broken\.jpg: /));
    await assert.rejects(augmentationPreview(tf, cats, { sample: { kind: 'mnist', index: -1 }, count: 2, seed: 1 }), (e) => assertOneLine(e, /MNIST sample index/));
  });

  it('leaves no tensors behind', async () => {
    const req: AugmentPreviewRequest = { sample: { kind: 'synthetic', index: 5 }, count: 3, seed: 9 };
    await augmentationPreview(tf, small(), req); // warms the kernel-quirk probe
    const before = tf.memory().numTensors;
    await augmentationPreview(tf, small(), req);
    await augmentationPreview(tf, cats, { ...req, count: 2 });
    await augmentationPreview(tf, plain([16, 16, 1]), req);
    assert.strictEqual(tf.memory().numTensors, before);
  });

  describe('through the worker (VizClient)', () => {
    let client: VizClient;
    before(() => {
      assert.ok(fs.existsSync(workerScriptPath('vizWorker')), `compile first: ${workerScriptPath('vizWorker')}`);
      client = new VizClient();
    });
    after(() => client.dispose());

    it('gives what the in-process function gives; concurrent requests both resolve', async () => {
      const r1: AugmentPreviewRequest = { sample: { kind: 'synthetic', index: 6 }, count: 3, seed: 11 };
      const r2: AugmentPreviewRequest = { sample: { kind: 'mnist', index: 4 }, count: 2, seed: 12 };
      const [w1, w2] = await Promise.all([client.augmentPreview(cats, r1), client.augmentPreview(small(), r2)]);
      const [l1, l2]: AugmentPreview[] = [await augmentationPreview(tf, cats, r1), await augmentationPreview(tf, small(), r2)];
      assert.deepStrictEqual(w1, l1);
      assert.deepStrictEqual(w2, l2);
    });

    it('a preview error comes back as a one-line rejection, and the worker keeps serving', async () => {
      const dense = sequential([10], [['Dense', { units: 2 }]]);
      await assert.rejects(client.augmentPreview(dense, { sample: { kind: 'synthetic', index: 0 }, count: 1, seed: 1 }), (e) => assertOneLine(e, /needs a model whose input is an image/));
      const ok = await client.augmentPreview(small(), { sample: { kind: 'synthetic', index: 0 }, count: 1, seed: 1 });
      assert.strictEqual(ok.augmented.length, 1);
    });

    it('dispose() rejects what is pending, terminates, and refuses later previews', async () => {
      const own = new VizClient();
      const pending = own.augmentPreview(cats, { sample: { kind: 'synthetic', index: 0 }, count: 2, seed: 1 });
      own.dispose();
      await assert.rejects(pending, /cancelled: its client was disposed/);
      await assert.rejects(own.augmentPreview(small(), { sample: { kind: 'synthetic', index: 0 }, count: 1, seed: 1 }), /client was disposed/);
    });

    it('after dispose() nothing keeps the process alive', function () {
      this.timeout(60000);
      const clientJs = path.join(__dirname, '../../src/core/viz/vizClient.js');
      const spec = JSON.stringify(small());
      const script = `const { VizClient } = require(${JSON.stringify(clientJs)});
        const client = new VizClient({ onOutput: (line) => console.log('worker:', line) });
        client.augmentPreview(${spec}, { sample: { kind: 'synthetic', index: 0 }, count: 1, seed: 1 })
          .then((p) => console.log('done', p.augmented.length), (e) => { console.error(e.message); process.exitCode = 1; })
          .finally(() => client.dispose());`;
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 50000 });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stdout, /done 1/);
    });

    it('a missing or crashing worker script rejects with a clear message', async () => {
      const req: AugmentPreviewRequest = { sample: { kind: 'synthetic', index: 0 }, count: 1, seed: 1 };
      const missing = new VizClient({ workerPath: path.join(dir, 'no-worker.js') });
      await assert.rejects(missing.augmentPreview(small(), req), /worker script is missing: .*no-worker\.js \(build the project, or set CONVLENS_VIZ_WORKER\)/);
      missing.dispose();
      const broken = path.join(dir, 'broken-worker.js');
      fs.writeFileSync(broken, "throw new Error('boom at start');\n");
      const crashing = new VizClient({ workerPath: broken });
      await assert.rejects(crashing.augmentPreview(small(), req), /the visualization worker crashed: boom at start/);
      // The next preview starts a fresh worker (which crashes again here).
      await assert.rejects(crashing.augmentPreview(small(), req), /crashed: boom at start/);
      crashing.dispose();
    });
  });
});
