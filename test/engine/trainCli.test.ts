/**
 * `convlens train`: exit codes and one-line messages for bad input, and a short real run on
 * synthetic data with --json lines (in-process through runTrainCli; the worker is tsc's
 * out/src/core/engine/train/worker.js).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { runTrainCli } from '../../src/cli/train';

const ROOT = path.resolve(__dirname, '../../..');
const example = (p: string): string => path.join(ROOT, 'examples', p);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runTrainCli(args, { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

const TINY = `from keras import layers, models

small = models.Sequential()
small.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(16, 16, 1)))
small.add(layers.MaxPooling2D((2, 2)))
small.add(layers.Flatten())
small.add(layers.Dense(4, activation="softmax"))
small.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

other = models.Sequential()
other.add(layers.Dense(2, activation="softmax", input_shape=(3,)))
`;

describe('convlens train (CLI)', function () {
  this.timeout(120000);
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-cli-train-'));
    file = path.join(dir, 'tiny.py');
    fs.writeFileSync(file, TINY);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exit 2 for a missing file', async () => {
    const r = await run([path.join(dir, 'nope.py'), '--data', 'mnist']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /^convlens: no such file: .*nope\.py\n$/);
  });

  it('exit 2 for an unknown model, listing the models found', async () => {
    const r = await run([file, '--model', 'big', '--data', 'synthetic']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /^convlens: no model named 'big' in .*tiny\.py; models found: small, other\n$/);
    const r2 = await run([file, '--data', 'synthetic']);
    assert.strictEqual(r2.code, 2);
    assert.match(r2.err, /defines 2 models \(small, other\): choose one with --model NAME/);
  });

  it('exit 2 for a folder without images', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(path.join(empty, 'cats'), { recursive: true });
    const r = await run([file, '--model', 'small', '--data', empty]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /^convlens: no JPEG or PNG images in .*empty/);
    assert.strictEqual(r.err.trim().split('\n').length, 1);
  });

  it('exit 2 with the validation message for incompatible shapes', async () => {
    const r = await run([example('keras/cats_vs_dogs_convnet.py'), '--data', 'mnist']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /The model expects 150×150×3 images but MNIST digits are 28×28×1: change input_shape to \(28, 28, 1\) or use --data <folder>/);
  });

  it('exit 2 for bad numbers and unknown backends', async () => {
    assert.strictEqual((await run([file, '--model', 'small', '--data', 'synthetic', '--epochs', '0'])).code, 2);
    assert.strictEqual((await run([file, '--model', 'small', '--data', 'synthetic', '--validation-split', '1.5'])).code, 2);
    const r = await run([file, '--model', 'small', '--data', 'synthetic', '--backend', 'gpu']);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /Allowed choices are auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });

  it('trains 1 epoch on synthetic data with one JSON line per epoch and a summary', async () => {
    const r = await run([file, '--model', 'small', '--data', 'synthetic', '--epochs', '1', '--batch-size', '16', '--backend', 'cpu', '--out', dir, '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepStrictEqual(lines.map((l) => l['type']), ['epoch', 'summary']);
    assert.strictEqual(lines[0]['epoch'], 1);
    for (const k of ['loss', 'acc', 'val_loss', 'val_acc', 'imagesPerSec']) assert.strictEqual(typeof lines[0][k], 'number', k);
    const summary = lines[1];
    assert.strictEqual(summary['status'], 'completed');
    assert.strictEqual(summary['backend'], 'cpu');
    assert.ok(fs.existsSync(path.join(summary['runDir'] as string, 'model.json')));
    assert.ok((summary['runDir'] as string).startsWith(path.join(dir, '.convlens', 'runs')));
    assert.match(r.err, /run folder: /);
  });

  it("trains the course's first networks on MNIST: a Dense on 784 pixels (Chollet's reshape) and Flatten(input_shape=(28, 28))", async () => {
    const mlp = path.join(dir, 'first.py');
    fs.writeFileSync(mlp, `import keras
from keras import layers
dense = keras.Sequential([keras.Input(shape=(28 * 28,)), layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")])
dense.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
rows = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(64, activation="relu"), layers.Dense(10)])
rows.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
`);
    for (const [model, input] of [['dense', '784'], ['rows', '28, 28']]) {
      const r = await run([mlp, '--model', model, '--data', 'mnist', '--epochs', '1', '--batch-size', '64', '--out', dir, '--json']);
      assert.strictEqual(r.code, 0, r.err);
      assert.ok(r.err.includes(`28×28×1 images reshaped to the model's input (${input}), as the code's reshape of its data does`), r.err);
      const epoch = JSON.parse(r.out.split('\n')[0]) as { val_acc: number };
      // One epoch on 8,000 digits: a working pixel classifier is far above chance (10%).
      assert.ok(epoch.val_acc > 0.8, `${model}: validation accuracy ${epoch.val_acc}`);
    }
  });

  it("starts from the code's model.load_weights(...) file (a model Keras 3 saved), at the compiled learning rate; a missing file is one line", async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'load-weights-'));
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'model-files', 'keras3-h5-mnist-mlp', 'mnist_model.h5'), path.join(sub, 'mnist_model.h5'));
    const code = path.join(sub, 'mlp.py');
    // The architecture of the fixture, written as code that loads its weights (Keras resolves the path from the working folder).
    fs.writeFileSync(code, `import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.load_weights("mnist_model.h5")
`);
    const r = await run([code, '--data', 'mnist', '--epochs', '1', '--out', sub, '--json']);
    assert.strictEqual(r.code, 0, r.err);
    assert.ok(r.err.includes(`starting from the trained weights in ${path.join(sub, 'mnist_model.h5')}`), r.err);
    assert.ok(!r.err.includes('a tenth of the compiled'), 'the code compiled its own rate for these weights');
    const epoch = JSON.parse(r.out.split('\n')[0]) as { acc: number };
    // Trained weights from the first batch: a random start averages far below this over its first epoch on 8,000 digits.
    assert.ok(epoch.acc > 0.97, `first-epoch accuracy ${epoch.acc}`);
    fs.rmSync(path.join(sub, 'mnist_model.h5'));
    const missing = await run([code, '--data', 'mnist', '--epochs', '1', '--out', sub]);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /^convlens: model\.load_weights names 'mnist_model\.h5', which is not at .*mnist_model\.h5\n$/);
  });

  it("loads a Keras 3 weights file (save_weights' .weights.h5, no config) onto the code's model by Keras' layer order, whatever the code names its layers", async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'weights-h5-'));
    // The model.weights.h5 inside a .keras file Keras 3.12 wrote: the same HDF5 layout save_weights writes.
    const entries = unzipSync(new Uint8Array(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'model-files', 'keras3-keras-mnist-cnn', 'mnist_cnn.keras'))));
    fs.writeFileSync(path.join(sub, 'mnist_cnn.weights.h5'), entries['model.weights.h5']);
    const code = path.join(sub, 'cnn.py');
    fs.writeFileSync(code, `import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu", name="first_conv"),
    layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.load_weights("mnist_cnn.weights.h5")
`);
    const r = await run([code, '--data', 'mnist', '--epochs', '1', '--out', sub, '--json']);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.err, /starting from the trained weights in .*mnist_cnn\.weights\.h5 \(8 arrays\)/);
    const epoch = JSON.parse(r.out.split('\n')[0]) as { acc: number };
    // The file's trained convnet (99.6% on these digits) from the first batch on.
    assert.ok(epoch.acc > 0.98, `first-epoch accuracy ${epoch.acc}`);
  });

  it("--resume continues a run to its own epoch count on its own data, without --data or --epochs", async () => {
    const first = await run([file, '--model', 'small', '--data', 'synthetic', '--epochs', '2', '--batch-size', '16', '--backend', 'cpu', '--out', dir, '--json']);
    assert.strictEqual(first.code, 0, first.err);
    const runDir = (JSON.parse(first.out.trim().split('\n').pop() ?? '{}') as { runDir: string }).runDir;
    // A run started for 3 epochs and interrupted after its second checkpoint looks like this:
    // interrupting one mid-run in-process would make the test slow and timing-dependent.
    const settingsFile = path.join(runDir, 'settings.json');
    const saved = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { settings: { epochs: number } };
    saved.settings.epochs = 3;
    fs.writeFileSync(settingsFile, JSON.stringify(saved));
    const resumed = await run([file, '--model', 'small', '--resume', runDir, '--json']);
    assert.strictEqual(resumed.code, 0, resumed.err);
    const lines = resumed.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepStrictEqual(lines.map((l) => l['epoch'] ?? l['type']), [3, 'summary']);
    assert.strictEqual(lines[0]['epochs'], 3);
    assert.strictEqual(lines[1]['epochs'], 3);
    assert.strictEqual(lines[1]['runDir'], runDir);
    assert.strictEqual(lines[1]['backend'], 'cpu');
    assert.match(resumed.err, /epochs 3 from the resumed run/);
  });
});
