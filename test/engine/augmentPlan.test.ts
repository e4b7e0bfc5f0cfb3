/**
 * augment/plan.ts: which augmentation layers the training loop may apply to each batch in
 * place of the model (only those the input meets first, on a chain that never branches), and
 * whether the model rescales raw pixels itself (then batches carry 0–255 values). Hand-made
 * specs cover each rule; the example files cover what the readers produce.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import * as tf from '@tensorflow/tfjs';
import { frontChain, inputPipeline } from '../../src/core/engine/augment/plan';
import { prepareTrainingInput, trainingBatch } from '../../src/core/engine/train/trainingInput';
import type { ModelSpec } from '../../src/core/model/spec';
import { functional, sequential } from '../helpers/specs';

const ROOT = path.resolve(__dirname, '../../..');

function example(file: string): ModelSpec {
  const specs = analyzeSource(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'), 'python').specs;
  return specs[specs.length - 1];
}

const names = (layers: { className: string }[]): string[] => layers.map((l) => l.className);

describe('augment plan: the input pipeline read from a model', () => {
  it('takes the leading augmentation layers of a Sequential, and sees the Rescaling after them', () => {
    const spec = sequential([32, 32, 3], [
      ['RandomFlip', { mode: 'horizontal' }], ['RandomRotation', { factor: 0.1 }], ['Rescaling', { scale: 1 / 255 }],
      ['Conv2D', { filters: 4, kernel_size: 3 }], ['RandomZoom', { height_factor: 0.2 }],
    ]);
    const p = inputPipeline(spec);
    assert.deepStrictEqual(names(p.augmentations), ['RandomFlip', 'RandomRotation']);
    assert.strictEqual(p.pixelScale, 255);
    assert.strictEqual(p.rescaling?.className, 'Rescaling');
  });

  it("stops at the first other layer: augmentation after a Conv2D stays in the model (as an identity)", () => {
    const p = inputPipeline(sequential([32, 32, 3], [['Conv2D', { filters: 4, kernel_size: 3 }], ['RandomFlip', {}]]));
    assert.deepStrictEqual([p.augmentations.length, p.pixelScale], [0, 1]);
  });

  it('reads a Rescaling that maps to [-1, 1] as a pixel rescaling, and one that does not as none', () => {
    assert.strictEqual(inputPipeline(sequential([8, 8, 1], [['Rescaling', { scale: 1 / 127.5, offset: -1 }], ['Flatten']])).pixelScale, 255);
    assert.strictEqual(inputPipeline(sequential([8, 8, 1], [['Rescaling', { scale: 2 }], ['Flatten']])).pixelScale, 1);
    assert.strictEqual(inputPipeline(sequential([8, 8, 1], [['Rescaling', { scale: { unknown: 'a variable' } }], ['Flatten']])).pixelScale, 1);
  });

  it('follows a functional chain from the input, and gives up where the input branches', () => {
    const chain = functional([
      ['InputLayer', { shape: [16, 16, 3] }, []], ['RandomFlip', {}, [0]], ['Rescaling', { scale: 1 / 255 }, [1]],
      ['Conv2D', { filters: 2, kernel_size: 3 }, [2]],
    ]);
    assert.deepStrictEqual(names(inputPipeline(chain).augmentations), ['RandomFlip']);
    // The raw input also feeds a second path: augmenting the batch would change what it sees.
    const branching = functional([
      ['InputLayer', { shape: [16, 16, 3] }, []], ['RandomFlip', {}, [0]], ['Conv2D', { filters: 3, kernel_size: 1 }, [0]],
      ['Add', {}, [1, 2]],
    ]);
    assert.deepStrictEqual(names(frontChain(branching)), []);
    assert.deepStrictEqual(inputPipeline(branching).augmentations, []);
  });

  it("finds the nested data_augmentation model of Chollet's cats-vs-dogs (2nd ed.) and the 0–255 input", () => {
    const p = inputPipeline(example('keras/cats_vs_dogs_augmented.py'));
    assert.deepStrictEqual(names(p.augmentations), ['RandomFlip', 'RandomRotation', 'RandomZoom']);
    assert.deepStrictEqual(p.augmentations.map((l) => l.config['factor'] ?? l.config['height_factor']), [undefined, 0.1, 0.2]);
    assert.strictEqual(p.pixelScale, 255);
  });

  it('the same for the residual example, and nothing for a plain MNIST convnet', () => {
    assert.deepStrictEqual(names(inputPipeline(example('keras/residual_functional.py')).augmentations), ['RandomFlip', 'RandomRotation', 'RandomZoom']);
    // Transfer learning (Chollet 2nd ed. 8.3): augmentation, then VGG16's preprocess_input, which expects 0–255 pixels.
    const transfer = inputPipeline(example('keras/transfer_learning_vgg16.py'));
    assert.deepStrictEqual([names(transfer.augmentations).length, transfer.pixelScale, transfer.rescaling?.className], [3, 255, 'PreprocessInput']);
    const mnist = inputPipeline(example('keras/chollet_mnist_convnet.py'));
    assert.deepStrictEqual([mnist.augmentations.length, mnist.pixelScale], [0, 1]);
  });

  it("feeds 0–255 pixels where RandomBrightness / RandomContrast keep Keras' default value_range (0, 255)", () => {
    // With [0, 1] images, a brightness delta of up to ±0.2·255 clipped to [0, 255] leaves an
    // all-black or nearly flat image: the layer's range says what the model takes.
    const bright = prepareTrainingInput(sequential([8, 8, 3], [['RandomBrightness', { factor: 0.2 }], ['Conv2D', { filters: 2, kernel_size: 3 }]]));
    assert.strictEqual(bright.pixelScale, 255);
    assert.ok(bright.notes.some((n) => n.includes('value_range (0, 255): images go in as 0–255 values')), bright.notes.join('\n'));
    const unit = prepareTrainingInput(sequential([8, 8, 3], [['RandomContrast', { factor: 0.2, value_range: [0, 1] }], ['Conv2D', { filters: 2, kernel_size: 3 }]]));
    assert.strictEqual(unit.pixelScale, 1);
  });

  it('turns the plan into per-batch augmentation: new draws per batch, reproducible, raw batches untouched', async () => {
    await tf.setBackend('cpu');
    const spec = sequential([8, 8, 1], [['RandomRotation', { factor: 0.2 }], ['RandomCrop', { height: 6, width: 6 }], ['Flatten']]);
    const input = prepareTrainingInput(spec);
    // RandomCrop changes the shape: it cannot be applied per batch, and the note says so.
    assert.deepStrictEqual(input.steps.map((s) => s.className), ['RandomRotation']);
    assert.ok(input.notes.some((n) => /RandomCrop.*identity/.test(n)), input.notes.join('\n'));
    const raw = tf.tensor4d(Float32Array.from({ length: 4 * 64 }, (_, i) => i % 64), [4, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const a = trainingBatch(tf, input, raw, 1, 1, 0);
    const again = trainingBatch(tf, input, raw, 1, 1, 0);
    const next = trainingBatch(tf, input, raw, 1, 1, 1);
    const diff = (p: tf.Tensor, q: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]);
    assert.ok(diff(a, raw) > 1, 'the batch was rotated');
    assert.strictEqual(diff(a, again), 0, 'same seed, epoch and batch: same augmentation');
    assert.ok(diff(a, next) > 1, 'the next batch draws new angles');
    tf.dispose([a, again, next]);
    assert.strictEqual(tf.memory().numTensors, before);
    // Nothing to apply: the raw batch itself.
    const plain = prepareTrainingInput(sequential([8, 8, 1], [['Flatten']]));
    assert.strictEqual(trainingBatch(tf, plain, raw, 1, 1, 0), raw);
    raw.dispose();
  });
});
