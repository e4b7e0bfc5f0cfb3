/**
 * Saved Keras files made runnable: the TF.js model built from the file's config with the
 * file's trained weights placed layer by layer. The proof that every kernel, bias and
 * Dense-after-Flatten layout is right is that the models classify MNIST digits as their
 * authors trained them to: the keras3-keras-mnist-cnn convnet (its README reports about 99%
 * on MNIST's test digits) and the keras3-h5-mnist-mlp MLP. A single misplaced or transposed
 * weight array would drop either to chance (about 10%).
 *
 * Caveat, written where the figure is: the `mnist` package's 10,000 digits are drawn from
 * MNIST's 60,000 training digits (its README points to a loader for those), which these models
 * were trained on, so the figures here are not held-out accuracy; they test the weights'
 * placement, not the models.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { loadMnist } from '../../src/core/engine/data/mnist';
import { openModelFile } from '../../src/core/modelFile/open';
import { loadStoredModel } from '../../src/core/modelFile/weights';
import { runGradcam } from '../../src/cli/inspect';
import { runTrainCli } from '../../src/cli/train';
import { runEvaluate } from '../../src/cli/evaluate';
import { loadModelFile } from '../../src/core/engine/train/modelFiles';
import { readModelFile } from '../../src/core/modelFile/open';

const fixtures = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'model-files');

async function accuracy(model: tf.LayersModel, shape: number[]): Promise<number> {
  const data = loadMnist();
  const splits = [data.train, data.validation];
  let correct = 0;
  let count = 0;
  for (const split of splits) {
    for (let start = 0; start < split.count; start += 500) {
      const n = Math.min(500, split.count - start);
      const predicted = tf.tidy(() => (model.predict(tf.tensor(split.x.subarray(start * 784, (start + n) * 784), [n, ...shape])) as tf.Tensor).argMax(-1));
      const labels = await predicted.data();
      predicted.dispose();
      for (let i = 0; i < n; i++) if (labels[i] === split.y[start + i]) correct++;
      count += n;
    }
  }
  return correct / count;
}

describe('saved Keras models with their weights', function () {
  this.timeout(120000);
  before(async () => {
    await selectBackend(tf, 'auto');
  });

  it('a Keras 3 .keras convnet classifies MNIST digits as trained (weights placed right)', async () => {
    const before = tf.memory().numTensors;
    const model = loadStoredModel(tf, openModelFile(path.join(fixtures, 'keras3-keras-mnist-cnn', 'mnist_cnn.keras')));
    const acc = await accuracy(model, [28, 28, 1]);
    model.dispose();
    console.log(`      mnist_cnn.keras: ${(acc * 100).toFixed(2)}% of the 10,000 digits`);
    assert.ok(acc > 0.985, `accuracy ${acc}`);
    assert.strictEqual(tf.memory().numTensors, before, 'no tensor left behind');
  });

  it("a Keras 3 legacy .h5 MLP (prefixed weight paths TF.js' own loader rejects) classifies them too", async () => {
    const model = loadStoredModel(tf, openModelFile(path.join(fixtures, 'keras3-h5-mnist-mlp', 'mnist_model.h5')));
    const acc = await accuracy(model, [28, 28]);
    model.dispose();
    console.log(`      mnist_model.h5: ${(acc * 100).toFixed(2)}% of the 10,000 digits`);
    assert.ok(acc > 0.97, `accuracy ${acc}`);
  });

  it("places a ResNet-8's BatchNormalization statistics and its residual branches' kernels (Keras 2.4 .h5)", async () => {
    const opened = openModelFile(path.join(fixtures, 'keras2-h5-resnet8-cifar10', 'pretrainedResnet.h5'));
    const model = loadStoredModel(tf, opened);
    try {
      const bn = model.getLayer('batch_normalization_3');
      const stored = opened.file.weights.find((l) => l.layer === 'batch_normalization_3');
      // TF.js numbers repeated variable names (gamma_2) when other models were built before.
      assert.deepStrictEqual(bn.weights.map((w) => w.name.split('/').pop()?.replace(/_\d+$/, '')), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
      for (const [i, w] of bn.getWeights().entries()) assert.deepStrictEqual(Array.from(await w.data()), Array.from(stored!.weights[i].values()));
      // A trained model's statistics are not the initial 0 and 1.
      assert.ok(Array.from(stored!.weights[2].values()).some((v) => Math.abs(v) > 1e-3), 'moving mean was learned');
      const out = tf.tidy(() => (model.predict(tf.randomUniform([2, 32, 32, 3])) as tf.Tensor).sum(-1).arraySync() as number[]);
      for (const s of out) assert.ok(Math.abs(s - 1) < 1e-4, 'a softmax over 10 classes');
    } finally {
      model.dispose();
    }
  });

  it('inspects a .keras file from the command line as a run: the digit predicted, its Grad-CAM at the last conv layer', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const out = path.join(os.tmpdir(), `convlens-gradcam-${process.pid}.png`);
    const code = await runGradcam(path.join(fixtures, 'keras3-keras-mnist-cnn', 'mnist_cnn.keras'), { image: 'mnist', index: '5', backend: 'auto', json: true, out }, { out: (l) => lines.push(l), err: (l) => errors.push(l) });
    fs.rmSync(out, { force: true });
    assert.strictEqual(code, 0, errors.join('\n'));
    const result = JSON.parse(lines[0]) as { model: string; layer: string; image: string; predicted: { label: string; probability: number } };
    assert.strictEqual(result.model, 'mnist_cnn');
    assert.strictEqual(result.layer, 'conv2d_1', 'the last conv layer');
    // The label the data set gives this digit is what the trained model predicts, with confidence.
    assert.strictEqual(result.predicted.label, /MNIST digit (\d)/.exec(result.image)?.[1]);
    assert.ok(result.predicted.probability > 0.9);
  });

  it('fine-tunes a .keras file from its own weights, at a tenth of its learning rate, with the layers up to --freeze-until frozen', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-finetune-'));
    try {
      const file = path.join(fixtures, 'keras3-keras-mnist-cnn', 'mnist_cnn.keras');
      const lines: string[] = [];
      const errors: string[] = [];
      const code = await runTrainCli([file, '--data', 'mnist', '--epochs', '1', '--freeze-until', 'conv2d_1', '--out', out, '--json'], { out: (l) => lines.push(l), err: (l) => errors.push(l) });
      assert.strictEqual(code, 0, errors.join('\n'));
      assert.ok(errors.some((l) => l.includes('fine-tuning trained weights: learning rate 0.0001, a tenth of the compiled 0.001')), errors.join('\n'));
      const epoch = JSON.parse(lines.find((l) => l.includes('"epoch"')) ?? '{}') as { acc: number };
      // Trained weights from the first batch on: a random start averages far below this over its first epoch.
      assert.ok(epoch.acc > 0.99, `first-epoch accuracy ${epoch.acc}`);
      const summary = JSON.parse(lines.at(-1) ?? '{}') as { runDir: string };
      const tuned = await loadModelFile(tf, path.join(summary.runDir, 'model.json'));
      try {
        const stored = readModelFile(file).weights;
        const kernel = async (layer: string) => Array.from(await tuned.getLayer(layer).getWeights()[0].data());
        assert.deepStrictEqual(await kernel('conv2d_1'), Array.from(stored.find((l) => l.layer === 'conv2d_1')!.weights[0].values()), 'a frozen layer keeps its weights');
        assert.notDeepStrictEqual(await kernel('dense'), Array.from(stored.find((l) => l.layer === 'dense')!.weights[0].values()), 'a trainable layer learned');
      } finally {
        tuned.dispose();
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('evaluates a .keras file on MNIST from the command line: accuracy, loss and a confusion matrix', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await runEvaluate(path.join(fixtures, 'keras3-keras-mnist-cnn', 'mnist_cnn.keras'), { data: 'mnist', split: 'validation', backend: 'auto', json: true }, { out: (l) => lines.push(l), err: (l) => errors.push(l) });
    assert.strictEqual(code, 0, errors.join('\n'));
    const r = JSON.parse(lines[0]) as { count: number; accuracy: number; confusion: number[][]; perClassAccuracy: number[] };
    assert.strictEqual(r.count, 2000);
    assert.ok(r.accuracy > 0.98, `accuracy ${r.accuracy}`);
    assert.strictEqual(r.confusion.length, 10);
    assert.strictEqual(r.confusion.flat().reduce((a, b) => a + b, 0), 2000, 'every image counted once');
    const diagonal = r.confusion.reduce((s, row, i) => s + row[i], 0);
    assert.ok(Math.abs(diagonal / 2000 - r.accuracy) < 1e-9, 'the diagonal is the accuracy');
  });

  it('refuses stored weights whose shapes do not fit the model, in one line', () => {
    const opened = openModelFile(path.join(fixtures, 'keras3-keras-mnist-cnn', 'mnist_cnn.keras'));
    const swapped = opened.file.weights.map((l) => (l.layer === 'dense' ? { ...l, weights: [...l.weights].reverse() } : l));
    assert.throws(() => loadStoredModel(tf, { ...opened, file: { ...opened.file, weights: swapped } }), /^DataError: layer 'dense': stored .* is 128, the model's .* is 1600×128$/);
  });
});
