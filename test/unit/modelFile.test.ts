/**
 * Saved model files read without Python: real files written by Keras 2.1, 2.4, 3.12 and the
 * TF.js converter, in the legacy .h5, the Keras 3 .keras and the TF.js formats (test/fixtures/model-files, sources and licences beside each). Their totals
 * come out of the same shape engine as code, from the file's model config; they are checked
 * against the sum of the weight shapes the file itself stores (an independent count, read
 * from the HDF5 datasets or the weights manifest) and the figures in the fixtures' SOURCE.txt.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkStoredWeights, openModelFile, readModelFile } from '../../src/core/modelFile/open';

const fixtures = path.join(__dirname, '..', 'fixtures', 'model-files');
const fixture = (...p: string[]) => path.join(fixtures, ...p);

function storedTotal(file: string): number {
  return readModelFile(file).weights.flatMap((l) => l.weights).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
}

describe('saved model files', () => {
  const cases: [string, string, number, number, string][] = [
    // file, Keras version, total, non-trainable (BatchNormalization moving statistics), first layers
    [fixture('keras2-h5-resnet8-cifar10', 'pretrainedResnet.h5'), '2.4.0', 78666, 480, 'functional'],
    [fixture('keras2.1-h5-sequential-wgan-discriminator', 'wgan_discriminator.h5'), '2.1.3', 97536, 192, 'sequential'],
    [fixture('keras3-h5-mnist-mlp', 'mnist_model.h5'), '3.12.0', 101770, 0, 'sequential'],
    [fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras'), '3.12.0', 225034, 0, 'sequential'],
    [fixture('keras3-keras-mnist-convnet-small', 'mnist_model.keras'), '3.1.1', 34826, 0, 'sequential'],
    // Keras 3.3's Functional .keras, whose Conv2D layers take a LeakyReLU layer object as their activation.
    [fixture('keras3-keras-functional-autoencoder', 'autoencoder.keras'), '3.3.3', 297603, 0, 'functional'],
    [fixture('tfjs-layers-doodlenet', 'model.json'), '2.2.4-tf', 544201, 0, 'sequential'],
  ];

  for (const [file, version, total, nonTrainable, kind] of cases) {
    it(`${path.basename(path.dirname(file))}: ${total.toLocaleString('en')} parameters, as stored`, () => {
      const { file: read, summary } = openModelFile(file);
      assert.strictEqual(read.info.kerasVersion, version);
      assert.strictEqual(summary.kind, kind);
      assert.ok(summary.complete, summary.diagnostics.map((d) => d.message).join('; '));
      assert.strictEqual(summary.totalParams, total);
      assert.strictEqual(summary.nonTrainableParams, nonTrainable);
      assert.strictEqual(storedTotal(file), total, 'the config implies what the file stores');
      assert.deepStrictEqual(summary.diagnostics.filter((d) => d.severity !== 'info'), [], 'no warnings on a file Keras wrote');
    });
  }

  it('reads shapes as Keras does: ResNet-8 on 32×32×3 CIFAR-10 images to 10 classes, with its Add merges', () => {
    const { summary } = openModelFile(fixture('keras2-h5-resnet8-cifar10', 'pretrainedResnet.h5'));
    assert.deepStrictEqual(summary.inputShapes, [[null, 32, 32, 3]]);
    assert.deepStrictEqual(summary.layers.at(-1)?.outputShape, [null, 10]);
    const add = summary.layers.find((l) => l.name === 'add');
    assert.strictEqual(add?.inbound.length, 2, 'a residual merge has two inputs');
  });

  it("reads Keras 2.1's Sequential, a bare list of layers with batch_input_shape on the first", () => {
    const { spec, summary } = openModelFile(fixture('keras2.1-h5-sequential-wgan-discriminator', 'wgan_discriminator.h5'));
    assert.deepStrictEqual(spec.inputShape, [28, 28, 1]);
    assert.deepStrictEqual(summary.inputShapes, [[null, 28, 28, 1]]);
  });

  it("reads a Keras 3 .keras file's layers as Keras' summary lists them (no InputLayer row in a Sequential)", () => {
    const { summary, file } = openModelFile(fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras'));
    assert.deepStrictEqual(summary.layers.map((l) => `${l.name} ${JSON.stringify(l.outputShape)} ${l.params}`), [
      'conv2d [null,26,26,32] 320', 'max_pooling2d [null,13,13,32] 0', 'conv2d_1 [null,11,11,64] 18496', 'max_pooling2d_1 [null,5,5,64] 0',
      'flatten [null,1600] 0', 'dense [null,128] 204928', 'dense_1 [null,10] 1290',
    ]);
    assert.strictEqual(file.info.formatLabel, 'Keras 3 (.keras)');
    assert.strictEqual(file.info.savedAt, '2026-01-16@16:59:14');
    assert.strictEqual(file.info.optimizerSaved, true);
    // h5py lists the same arrays: layers/<name>/vars/0 and 1 (SOURCE.txt).
    assert.deepStrictEqual(file.weights.filter((l) => l.weights.length > 0).map((l) => `${l.layer}: ${l.weights.map((w) => w.shape.join('×')).join(', ')}`), [
      'conv2d: 3×3×1×32, 32', 'conv2d_1: 3×3×32×64, 64', 'dense: 1600×128, 128', 'dense_1: 128×10, 10',
    ]);
  });

  it('says what the file says about itself: format, optimizer state, weight dtype', () => {
    const { info } = readModelFile(fixture('keras3-h5-mnist-mlp', 'mnist_model.h5'));
    assert.strictEqual(info.formatLabel, 'Keras HDF5 (.h5, legacy format)');
    assert.strictEqual(info.backend, 'tensorflow');
    assert.strictEqual(info.optimizerSaved, true);
    assert.deepStrictEqual(info.weightDtypes, ['float32']);
    // Keras 3's prefixed weight paths inside the legacy layout (the reason TF.js' own loader fails on them, tfjs #8321).
    const dense = readModelFile(fixture('keras3-h5-mnist-mlp', 'mnist_model.h5')).weights.find((l) => l.layer === 'dense');
    assert.deepStrictEqual(dense?.weights.map((w) => [w.path, w.shape]), [['sequential/dense/kernel', [784, 128]], ['sequential/dense/bias', [128]]]);
  });

  it('warns, layer by layer, when the stored weights do not fit the config', () => {
    const { summary, file } = openModelFile(fixture('keras3-h5-mnist-mlp', 'mnist_model.h5'));
    const tampered = file.weights.map((l) => (l.layer === 'dense_1' ? { ...l, weights: l.weights.slice(0, 1) } : l));
    const diagnostics = checkStoredWeights(summary, tampered);
    assert.deepStrictEqual(diagnostics.map((d) => d.message), [
      'dense_1 (Dense): the file stores 1,280 values (128×10), but its config implies 1,290 ((128 + 1)·10 = 1,290)',
    ]);
  });

  it('turns bad input into one clear line: a missing file, a file that is not HDF5, a corrupt .keras, a plain JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-modelfile-'));
    try {
      const write = (name: string, data: string) => {
        fs.writeFileSync(path.join(dir, name), data);
        return path.join(dir, name);
      };
      assert.throws(() => openModelFile(path.join(dir, 'gone.h5')), /^DataError: no such file: .*gone\.h5$/);
      assert.throws(() => openModelFile(write('text.h5', 'hello')), /text\.h5 is not an HDF5 file/);
      assert.throws(() => openModelFile(write('broken.keras', 'PK not really a zip')), /broken\.keras is not a readable zip/);
      assert.throws(() => openModelFile(write('model.json', '{"a": 1}')), /not a TF\.js layers model/);
      for (const e of ['gone.h5', 'text.h5', 'broken.keras', 'model.json']) {
        try {
          openModelFile(path.join(dir, e));
        } catch (err) {
          assert.ok(!(err as Error).message.includes('\n'), `${e}: one line`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
