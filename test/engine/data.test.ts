/**
 * Data sets for training: MNIST's fixed split, image folders (PNG/JPEG written by sharp in a
 * temp dir, a corrupt file skipped, empty folders refused, resizing and greyscale), seeded
 * synthetic shapes, and the model-vs-data checks with their messages.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCompatibility, describeDataset, loadDataset, modelIO, type Dataset } from '../../src/core/engine/data';
import { loadFolder } from '../../src/core/engine/data/folder';
import { loadMnist } from '../../src/core/engine/data/mnist';
import { loadSynthetic } from '../../src/core/engine/data/synthetic';
import { loadSharp } from '../../src/core/engine/data/sharp';
import { analyzeSource } from '../../src/core/analysis';
import { sequential } from '../helpers/specs';

const ROOT = path.resolve(__dirname, '../../..');

function checksum(a: ArrayLike<number>): number {
  return Array.from(a).reduce((h, v) => (h * 31 + Math.round(v * 1000)) | 0, 0);
}

function classCounts(y: Int32Array, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const v of y) c[v]++;
  return c;
}

describe('data: MNIST', () => {
  let a: Dataset;
  before(() => {
    a = loadMnist();
  });

  it('has the fixed 8,000 / 2,000 split of 28×28×1 digits in [0, 1]', () => {
    assert.strictEqual(a.train.count, 8000);
    assert.strictEqual(a.validation.count, 2000);
    assert.deepStrictEqual(a.inputShape, [28, 28, 1]);
    assert.strictEqual(a.train.x.length, 8000 * 784);
    assert.strictEqual(a.validation.y.length, 2000);
    let min = Infinity;
    let max = -Infinity;
    for (const v of a.train.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.ok(min >= 0 && max <= 1 && max > 0.9, `range ${min}..${max}`);
  });

  it('is stratified: every digit keeps ~20% of its samples for validation', () => {
    const tr = classCounts(a.train.y, 10);
    const va = classCounts(a.validation.y, 10);
    for (let d = 0; d < 10; d++) {
      const share = va[d] / (tr[d] + va[d]);
      assert.ok(Math.abs(share - 0.2) < 0.002, `digit ${d}: ${share}`);
    }
  });

  it('is deterministic and independent of Math.random (two loads are identical, train and validation disjoint)', () => {
    const saved = Math.random;
    Math.random = () => 0.123;
    let b: Dataset;
    try {
      b = loadMnist();
    } finally {
      Math.random = saved;
    }
    assert.strictEqual(checksum(a.train.x), checksum(b.train.x));
    assert.deepStrictEqual(Array.from(a.validation.y), Array.from(b.validation.y));
    const trainSources = new Set(a.train.sources);
    assert.ok(a.validation.sources?.every((s) => !trainSources.has(s)));
  });
});

describe('data: synthetic shapes', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = loadSynthetic({ inputShape: [24, 20, 3], count: 80, seed: 7 });
    const b = loadSynthetic({ inputShape: [24, 20, 3], count: 80, seed: 7 });
    const c = loadSynthetic({ inputShape: [24, 20, 3], count: 80, seed: 8 });
    assert.strictEqual(checksum(a.train.x), checksum(b.train.x));
    assert.notStrictEqual(checksum(a.train.x), checksum(c.train.x));
    assert.strictEqual(a.train.x.length, a.train.count * 24 * 20 * 3);
    assert.deepStrictEqual(a.classNames, ['circle', 'square', 'triangle', 'cross']);
  });

  it('is balanced and split 80/20 stratified, values in [0, 1]', () => {
    const d = loadSynthetic({ inputShape: [16, 16, 1], count: 200, classes: 2 });
    assert.strictEqual(d.train.count, 160);
    assert.strictEqual(d.validation.count, 40);
    assert.deepStrictEqual(classCounts(d.validation.y, 2), [20, 20]);
    assert.ok(d.train.x.every((v) => v >= 0 && v <= 1));
  });
});

describe('data: image folders', () => {
  let dir: string;
  const sharp = loadSharp();

  async function png(file: string, rgb: [number, number, number], w = 40, h = 30, alpha = false): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const channels = alpha ? 4 : 3;
    await sharp({ create: { width: w, height: h, channels, background: alpha ? { r: rgb[0], g: rgb[1], b: rgb[2], alpha: 0.5 } : { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      .png()
      .toFile(file);
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-data-'));
    fs.mkdirSync(path.join(dir, 'blue'));
    for (let i = 0; i < 5; i++) {
      await png(path.join(dir, 'red', `r${i}.png`), [255, 0, 0], 40, 30, i === 0);
      await sharp({ create: { width: 50, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } } })
        .jpeg()
        .toFile(path.join(dir, 'blue', `b${i}.jpg`));
    }
    fs.mkdirSync(path.join(dir, 'blue', 'nested'), { recursive: true });
    await png(path.join(dir, 'blue', 'nested', 'deep.png'), [0, 0, 255]);
    fs.writeFileSync(path.join(dir, 'red', 'corrupt.png'), Buffer.from('this is not a png at all'));
    fs.writeFileSync(path.join(dir, 'red', 'notes.txt'), 'ignored');
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads one class per sorted subfolder, resizes to the model size, skips and counts corrupt files', async () => {
    const d = await loadFolder(dir, { inputShape: [8, 12, 3], validationSplit: 0.2, seed: 3 });
    assert.deepStrictEqual(d.classNames, ['blue', 'red']);
    assert.strictEqual(d.train.count + d.validation.count, 11);
    assert.deepStrictEqual(d.skipped.map((s) => s.file), [path.join('red', 'corrupt.png')]);
    assert.ok(d.skipped[0].reason.length > 0);
    assert.strictEqual(d.train.x.length, d.train.count * 8 * 12 * 3);
    // A red image: R ≈ 1, G ≈ B ≈ 0 (alpha dropped); blue JPEG: B ≈ 1.
    const size = 8 * 12 * 3;
    const all = [d.train, d.validation];
    for (const s of all) {
      for (let i = 0; i < s.count; i++) {
        const px = s.x.subarray(i * size, i * size + 3);
        if (s.y[i] === 1) assert.ok(px[0] > 0.95 && px[1] < 0.05 && px[2] < 0.05, `red pixel ${Array.from(px)}`);
        else assert.ok(px[2] > 0.9 && px[0] < 0.1, `blue pixel ${Array.from(px)}`);
      }
    }
  });

  it('converts to greyscale for 1-channel models', async () => {
    const d = await loadFolder(dir, { inputShape: [10, 10, 1], validationSplit: 0.2, seed: 3 });
    assert.strictEqual(d.train.x.length, d.train.count * 100);
    const i = Array.from(d.train.y).indexOf(1);
    const v = d.train.x[i * 100];
    assert.ok(v > 0.15 && v < 0.4, `grey value of pure red: ${v}`);
  });

  it('splits stratified and deterministically given the seed', async () => {
    const a = await loadFolder(dir, { inputShape: [8, 8, 3], validationSplit: 0.4, seed: 5 });
    const b = await loadFolder(dir, { inputShape: [8, 8, 3], validationSplit: 0.4, seed: 5 });
    assert.deepStrictEqual(a.validation.sources, b.validation.sources);
    assert.deepStrictEqual(classCounts(a.validation.y, 2), [2, 2]);
  });

  it('uses train/ and validation/ subfolders when present', async () => {
    const split = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-split-'));
    try {
      for (const part of ['train', 'validation']) {
        for (const [cls, rgb] of [['cat', [200, 100, 0]], ['dog', [0, 100, 200]]] as const) {
          await png(path.join(split, part, cls, 'a.png'), [...rgb]);
          if (part === 'train') await png(path.join(split, part, cls, 'b.png'), [...rgb]);
        }
      }
      const d = await loadFolder(split, { inputShape: [6, 6, 3] });
      assert.deepStrictEqual(d.classNames, ['cat', 'dog']);
      assert.strictEqual(d.train.count, 4);
      assert.strictEqual(d.validation.count, 2);
    } finally {
      fs.rmSync(split, { recursive: true, force: true });
    }
  });

  it('refuses folders without images with a clear message', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-empty-'));
    try {
      await assert.rejects(loadFolder(empty, { inputShape: [8, 8, 3] }), /no JPEG or PNG images in .*one subfolder of images per class/);
      fs.mkdirSync(path.join(empty, 'a'));
      fs.mkdirSync(path.join(empty, 'b'));
      fs.writeFileSync(path.join(empty, 'a', 'x.txt'), 'x');
      await assert.rejects(loadFolder(empty, { inputShape: [8, 8, 3] }), /no JPEG or PNG images in .*looked in 2 class folders: a, b/);
      assert.throws(() => describeDataset({ kind: 'folder', path: empty }), /no JPEG or PNG images/);
      await assert.rejects(loadDataset({ kind: 'folder', path: path.join(empty, 'missing') }, { inputShape: [8, 8, 3] }), /no such folder/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('data: model compatibility', () => {
  const chollet = analyzeSource(fs.readFileSync(path.join(ROOT, 'examples/keras/chollet_mnist_convnet.py'), 'utf8'), 'python').specs[0];
  const catsDogs = analyzeSource(fs.readFileSync(path.join(ROOT, 'examples/keras/cats_vs_dogs_convnet.py'), 'utf8'), 'python').specs[0];

  it("accepts Chollet's MNIST convnet on MNIST", () => {
    assert.deepStrictEqual(checkCompatibility(modelIO(chollet), describeDataset({ kind: 'mnist' })), [28, 28, 1]);
  });

  it('says what to change when the input shape does not fit MNIST', () => {
    assert.throws(
      () => checkCompatibility(modelIO(catsDogs), describeDataset({ kind: 'mnist' })),
      (e: Error) =>
        e.message.includes('The model expects 150×150×3 images but MNIST digits are 28×28×1: change input_shape to (28, 28, 1) or use --data <folder>') &&
        e.message.includes("has 1 unit (a binary classifier) but MNIST digits have 10 classes"),
    );
  });

  it('checks the class count against the last layer (1 sigmoid unit fits 2 classes)', () => {
    const io = modelIO(catsDogs);
    assert.deepStrictEqual(checkCompatibility(io, { kind: 'folder', numClasses: 2, classNames: ['cats', 'dogs'] }), [150, 150, 3]);
    const five = sequential([16, 16, 1], [['Conv2D', { filters: 4, kernel_size: 3 }], ['Flatten'], ['Dense', { units: 5, activation: 'softmax' }]]);
    assert.throws(
      () => checkCompatibility(modelIO(five), describeDataset({ kind: 'synthetic' })),
      /has 5 units but the synthetic shapes have 4 classes \(circle, square, triangle, cross\): change it to Dense\(4, activation='softmax'\)/,
    );
  });

  it("takes the same pixels in another shape (Chollet's Dense on 28·28 = 784, Flatten(input_shape=(28, 28))), refuses other flat inputs and odd channel counts with advice", () => {
    const mnist = describeDataset({ kind: 'mnist' });
    const flat = sequential([784], [['Dense', { units: 10, activation: 'softmax' }]]);
    assert.deepStrictEqual(checkCompatibility(modelIO(flat), mnist), [28, 28, 1]);
    const rows = sequential([28, 28], [['Flatten'], ['Dense', { units: 10, activation: 'softmax' }]]);
    assert.deepStrictEqual(checkCompatibility(modelIO(rows), mnist), [28, 28, 1]);
    // A folder adapts to the model: (h, w) is loaded as greyscale h×w×1.
    assert.deepStrictEqual(checkCompatibility(modelIO(sequential([32, 32], [['Flatten'], ['Dense', { units: 4, activation: 'softmax' }]])), describeDataset({ kind: 'synthetic' })), [32, 32, 1]);
    const other = sequential([100], [['Dense', { units: 10, activation: 'softmax' }]]);
    assert.throws(() => checkCompatibility(modelIO(other), mnist), /expects inputs of shape 100 .*input_shape=\(28, 28, 1\)/);
    assert.throws(() => checkCompatibility(modelIO(flat), describeDataset({ kind: 'synthetic' })), /expects inputs of shape 784 but the synthetic shapes are images/);
    const rgba = sequential([16, 16, 4], [['Flatten'], ['Dense', { units: 4, activation: 'softmax' }]]);
    assert.throws(() => checkCompatibility(modelIO(rgba), describeDataset({ kind: 'synthetic' })), /1 \(greyscale\) or 3 \(RGB\) channels/);
  });
});
