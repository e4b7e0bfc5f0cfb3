/**
 * `convlens export` (issue #12): a trained run as a Keras 3 `.keras` file and as a TF.js
 * layers model. Round trips: the export, opened by ConvLens' own readers (jsfive for the
 * HDF5 that h5wasm wrote) and built, predicts what the run's model predicts, to 1e-5; a
 * functional model with a residual Add and BatchNormalization statistics too. Layout: the
 * export of the Keras 3 MNIST convnet fixture's architecture, listed by h5py and zipfile
 * (test/reference/keras_file_layout.py), has the same groups, datasets (path, shape, dtype),
 * `vars` names, layer classes and arguments as the file Keras 3.12 wrote, and a trained run's
 * Adam state is laid out as that file's is. Keras itself cannot be installed here, so this
 * equality stands in for `keras.saving.load_model`.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, unzipSync } from 'fflate';
import { runExportCli } from '../../src/cli/export';
import { analyzeSource } from '../../src/core/analysis';
import { buildTfjsModel } from '../../src/core/engine/build';
import { loadModelFile, modelArtifacts, writeModelFiles } from '../../src/core/engine/train/modelFiles';
import { openModelFile, readModelFile } from '../../src/core/modelFile/open';
import { loadStoredModel } from '../../src/core/modelFile/weights';
import { trainedRun } from './inspectFixture';

const ROOT = path.resolve(__dirname, '../../..');
const KERAS_MNIST_CNN = path.join(ROOT, 'test', 'fixtures', 'model-files', 'keras3-keras-mnist-cnn', 'mnist_cnn.keras');

/** The architecture of the keras3-keras-mnist-cnn fixture (its SOURCE.txt), written as Keras code. */
const MNIST_CNN_SOURCE = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  lines: string[];
  errors: string[];
}

function io(): Io {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (s) => lines.push(s), err: (s) => errors.push(s) };
}

/** The largest absolute difference between two models' predictions on the same seeded batch. */
async function maxDifference(a: tf.LayersModel, b: tf.LayersModel, shape: number[]): Promise<number> {
  const diff = tf.tidy(() => {
    const x = tf.randomUniform([4, ...shape], 0, 1, 'float32', 7);
    return tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor)));
  });
  try {
    return (await diff.data())[0];
  } finally {
    diff.dispose();
  }
}

/** Predictions of the model.json's model and of the .keras export opened by ConvLens: their largest difference. */
async function kerasRoundTrip(modelJson: string, exported: string, shape: number[]): Promise<number> {
  const original = await loadModelFile(tf, modelJson);
  const opened = openModelFile(exported);
  assert.deepStrictEqual(opened.summary.diagnostics.map((d) => d.message), [], 'the stored weights fit the exported config');
  const reloaded = loadStoredModel(tf, opened);
  try {
    return await maxDifference(original, reloaded, shape);
  } finally {
    original.dispose();
    reloaded.dispose();
  }
}

/** h5py lists the files; without it (outside CI, which installs it) the listings are skipped, as in pretrained.test.ts. */
const HAS_H5PY = spawnSync('/usr/bin/python3', ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;

function needH5py(test: Mocha.Context): void {
  if (HAS_H5PY || process.env.CI === 'true') return;
  console.log('      skipping the h5py listing: /usr/bin/python3 has no h5py (apt-get install python3-h5py; CI installs it)');
  test.skip();
}

function layout(file: string): Record<string, unknown> {
  const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'test', 'reference', 'keras_file_layout.py'), file], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** The layout without what a model never trained does not have: the optimizer's state (and without when and whether it was compiled). */
function withoutOptimizer(l: Record<string, unknown>): Record<string, unknown> {
  const keep = (p: string): boolean => p !== 'optimizer' && !p.startsWith('optimizer/');
  const datasets = Object.fromEntries(Object.entries(l.datasets as Record<string, unknown>).filter(([p]) => keep(p)));
  const names = Object.fromEntries(Object.entries(l.vars_names as Record<string, unknown>).filter(([p]) => keep(p)));
  return { ...l, datasets, groups: (l.groups as string[]).filter(keep), vars_names: names, optimizer_scalars: undefined, metadata: undefined, model: { ...(l.model as object), compiled: undefined } };
}

type Layout = [number[], string][];

/** `optimizer/vars/<i>` as [shape, dtype], in the order of i. */
function optimizerLayout(l: Record<string, unknown>): Layout {
  const datasets = l.datasets as Record<string, { shape: number[]; dtype: string }>;
  const index = (p: string): number => Number(p.slice(p.lastIndexOf('/') + 1));
  return Object.keys(datasets).filter((p) => p.startsWith('optimizer/vars/')).sort((a, b) => index(a) - index(b)).map((p) => [datasets[p].shape, datasets[p].dtype]);
}

/** Keras 3's Adam variables for a model whose weights are all trainable: iterations (int64), learning rate, then each weight's two moments. */
function adamLayout(file: string): Layout {
  const shapes = readModelFile(file).weights.flatMap((l) => l.weights.map((w) => w.shape));
  return [[[], 'int64'], [[], 'float32'], ...shapes.flatMap((s): Layout => [[s, 'float32'], [s, 'float32']])];
}

/** Moving statistics far from their initial 0 and 1 (and γ, β off 1 and 0), so a misplaced array changes the predictions. */
function setBatchNormStatistics(bn: tf.layers.Layer): void {
  const channels = bn.getWeights()[0].shape[0];
  const values = [[0.5, 1.5], [-0.5, 0.5], [-1, 1], [0.2, 2]].map(([low, high], seed) => tf.randomUniform([channels], low, high, 'float32', seed + 1));
  bn.setWeights(values);
  tf.dispose(values);
}

describe('export a trained model (convlens export)', function () {
  this.timeout(120000);
  let dir: string;
  before(async function () {
    // Training the shared run (two small models, 3 epochs each) belongs to the hook, not to the first test's time.
    this.timeout(300000);
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-export-'));
    await trainedRun();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Saves `model` as ConvLens saves a run's, exports it with the CLI, checks the round trip; returns the .keras path. */
  async function exportSaved(model: tf.LayersModel, name: string): Promise<string> {
    const saved = path.join(dir, name);
    writeModelFiles(tf, saved, await modelArtifacts(tf, model));
    const shape = model.inputs[0].shape.slice(1) as number[];
    model.dispose();
    const out = path.join(dir, `${name}.keras`);
    const cli = io();
    assert.strictEqual(await runExportCli([saved, '--format', 'keras', '--out', out], cli), 0, cli.errors.join('\n'));
    const diff = await kerasRoundTrip(path.join(saved, 'model.json'), out, shape);
    assert.ok(diff < 1e-5, `largest difference ${diff}`);
    return out;
  }

  it('writes a .keras file that ConvLens opens with the run\'s predictions to 1e-5, compiled as the run was', async function () {
    const { runDir } = await trainedRun();
    const out = path.join(dir, 'shapes.keras');
    const cli = io();
    const code = await runExportCli([runDir, '--format', 'keras', '--out', out], cli);
    assert.strictEqual(code, 0, cli.errors.join('\n'));
    assert.match(cli.lines[0], /^wrote Keras 3 \.keras \(compiled as the run was; with its optimizer state\): .*shapes\.keras \(0\.\d+ MB, 6 weight arrays\)$/);
    const before = tf.memory().numTensors;
    const diff = await kerasRoundTrip(path.join(runDir, 'model.json'), out, [24, 24, 1]);
    assert.ok(diff < 1e-5, `largest difference ${diff}`);
    assert.strictEqual(tf.memory().numTensors, before, 'no tensors left behind');
    const opened = openModelFile(out);
    assert.strictEqual(opened.file.info.formatLabel, 'Keras 3 (.keras)');
    const { optimizer, learningRate, loss, metrics } = opened.file.compile ?? {};
    assert.deepStrictEqual({ optimizer, learningRate, loss, metrics }, { optimizer: 'Adam', learningRate: 0.001, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    assert.deepStrictEqual(opened.summary.layers.map((l) => `${l.name}:${l.className}:${l.params}`), ['conv2d:Conv2D:80', 'max_pooling2d:MaxPooling2D:0', 'conv2d_1:Conv2D:1168', 'flatten:Flatten:0', 'dense:Dense:5188']);
    // Adam's state from the run's last checkpoint, laid out as Keras 3.12's Adam (checked on a real file below):
    // 3 epochs of 24 batches (384 synthetic images, batch 16) at the default learning rate.
    needH5py(this);
    const l = layout(out);
    assert.deepStrictEqual(optimizerLayout(l), adamLayout(out));
    assert.deepStrictEqual(l.optimizer_scalars, { 'optimizer/vars/0': 72, 'optimizer/vars/1': Math.fround(0.001) });
    assert.strictEqual((l.vars_names as Record<string, string>)['optimizer/vars'], 'adam');
  });

  it('writes a TF.js layers model (model.json + weights) that TF.js loads with the same predictions', async () => {
    const { runDir } = await trainedRun();
    const out = path.join(dir, 'tfjs', 'shapes.json');
    fs.mkdirSync(path.dirname(out));
    const cli = io();
    assert.strictEqual(await runExportCli([runDir, '--format', 'tfjs', '--out', out, '--json'], cli), 0, cli.errors.join('\n'));
    const result = JSON.parse(cli.lines[0]) as { files: string[]; arrays: number };
    assert.deepStrictEqual(result.files, [out, path.join(dir, 'tfjs', 'shapes.weights.bin')]);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(out)).sort(), ['shapes.json', 'shapes.weights.bin']);
    const original = await loadModelFile(tf, path.join(runDir, 'model.json'));
    const copy = await loadModelFile(tf, out);
    try {
      assert.strictEqual(await maxDifference(original, copy, [24, 24, 1]), 0);
    } finally {
      original.dispose();
      copy.dispose();
    }
  });

  it('exports a functional model with a residual Add and BatchNormalization statistics', async function () {
    // Named: TF.js numbers unnamed inputs by a process-wide counter, which the other suites move.
    const input = tf.input({ shape: [12, 12, 3], name: 'image' });
    const conv = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'conv_a' }).apply(input) as tf.SymbolicTensor;
    const norm = tf.layers.batchNormalization({ name: 'bn' }).apply(conv) as tf.SymbolicTensor;
    const relu = tf.layers.activation({ activation: 'relu', name: 'relu' }).apply(norm) as tf.SymbolicTensor;
    const side = tf.layers.conv2d({ filters: 6, kernelSize: 1, name: 'conv_b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'residual' }).apply([relu, side]) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output, name: 'residual_net' });
    setBatchNormStatistics(model.getLayer('bn'));
    const out = await exportSaved(model, 'residual');
    needH5py(this);
    const l = layout(out);
    assert.deepStrictEqual(Object.keys(l.datasets as object).sort(), [
      'layers/batch_normalization/vars/0', 'layers/batch_normalization/vars/1', 'layers/batch_normalization/vars/2', 'layers/batch_normalization/vars/3',
      'layers/conv2d/vars/0', 'layers/conv2d/vars/1', 'layers/conv2d_1/vars/0', 'layers/conv2d_1/vars/1', 'layers/dense/vars/0', 'layers/dense/vars/1',
    ]);
    assert.strictEqual((l.vars_names as Record<string, string>)['layers/input_layer/vars'], 'image', "a functional model's InputLayer is among its layers");
    assert.deepStrictEqual((l.layers as { class_name: string }[]).map((x) => x.class_name), ['InputLayer', 'Conv2D', 'BatchNormalization', 'Activation', 'Conv2D', 'Add', 'GlobalAveragePooling2D', 'Dense']);
  });

  it('exports a model nested in another (as a keras.applications base is) under layers/sequential/layers/…', async function () {
    const base = tf.sequential({ name: 'base', layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'c1' }), tf.layers.batchNormalization({ name: 'bn1' })] });
    setBatchNormStatistics(base.getLayer('bn1'));
    const input = tf.input({ shape: [8, 8, 3] });
    const flat = tf.layers.flatten({ name: 'fl' }).apply(base.apply(input)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'head' }).apply(flat) as tf.SymbolicTensor, name: 'outer' });
    const out = await exportSaved(model, 'nested');
    needH5py(this);
    const l = layout(out);
    assert.deepStrictEqual(Object.keys(l.datasets as object).sort(), [
      'layers/dense/vars/0', 'layers/dense/vars/1',
      ...[0, 1, 2, 3].map((i) => `layers/sequential/layers/batch_normalization/vars/${i}`), 'layers/sequential/layers/conv2d/vars/0', 'layers/sequential/layers/conv2d/vars/1',
    ]);
    assert.strictEqual((l.vars_names as Record<string, string>)['layers/sequential/vars'], 'base');
    assert.deepStrictEqual((l.layers as { class_name: string; layers?: { class_name: string }[] }[])[1].layers?.map((x) => x.class_name), ['InputLayer', 'Conv2D', 'BatchNormalization']);
  });

  it("writes the code's augmentation layers back (TF.js trained identity stand-ins for them), with the code's arguments", async () => {
    const source = ['import keras', 'from keras import layers', 'augment = keras.Sequential([', '    keras.Input(shape=(16, 16, 3)),',
      '    layers.RandomFlip("horizontal"),', '    layers.RandomRotation(0.1, fill_mode="nearest"),', '    layers.Rescaling(1.0 / 255),',
      '    layers.Conv2D(4, 3, activation="relu"),', '    layers.GlobalAveragePooling2D(),', '    layers.Dense(2, activation="softmax"),', '])', ''].join('\n');
    const spec = analyzeSource(source, 'python', 'augment.py').specs[0];
    const saved = path.join(dir, 'augment');
    // What a run folder holds: the model as TF.js trained it, and the model as the code wrote it (spec.json).
    fs.mkdirSync(saved);
    fs.writeFileSync(path.join(saved, 'spec.json'), JSON.stringify(spec));
    const out = await exportSaved(buildTfjsModel(tf, spec), 'augment');
    const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(fs.readFileSync(out)))['config.json'])) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const layers = config.config.layers.map((l) => [l.class_name, l.config.mode ?? l.config.factor ?? l.config.scale ?? null, l.config.fill_mode ?? null]);
    assert.deepStrictEqual(layers.slice(0, 4), [['InputLayer', null, null], ['RandomFlip', 'horizontal', null], ['RandomRotation', 0.1, 'nearest'], ['Rescaling', 1 / 255, null]]);
  });

  it('exports a TF.js model.json converted from Keras 2.2.4 (doodlenet, 544,201 parameters) with the same predictions', async () => {
    const modelJson = path.join(ROOT, 'test', 'fixtures', 'model-files', 'tfjs-layers-doodlenet', 'model.json');
    const out = path.join(dir, 'doodlenet.keras');
    const cli = io();
    assert.strictEqual(await runExportCli([modelJson, '--format', 'keras', '--out', out], cli), 0, cli.errors.join('\n'));
    assert.match(cli.lines[0], /^wrote Keras 3 \.keras: .*doodlenet\.keras \(2\.2 MB, 16 weight arrays\)$/);
    const diff = await kerasRoundTrip(modelJson, out, [28, 28, 1]);
    assert.ok(diff < 1e-5, `largest difference ${diff}`);
    assert.strictEqual(openModelFile(out).summary.totalParams, 544201);
  });

  it('lays out the export of the Keras 3 MNIST convnet as Keras 3.12 wrote that model (h5py, zipfile)', async function () {
    const spec = analyzeSource(MNIST_CNN_SOURCE, 'python', 'mnist_cnn.py').specs[0];
    const model = buildTfjsModel(tf, spec);
    const runLike = path.join(dir, 'mnist-cnn');
    writeModelFiles(tf, runLike, await modelArtifacts(tf, model));
    model.dispose();
    const out = path.join(dir, 'mnist_cnn.keras');
    const cli = io();
    assert.strictEqual(await runExportCli([runLike, '--format', 'keras', '--out', out], cli), 0, cli.errors.join('\n'));
    needH5py(this);
    const exported = layout(out);
    const real = layout(KERAS_MNIST_CNN);
    // A model that was never trained has no optimizer state; the real file's follows the rule the export of a trained run follows.
    assert.deepStrictEqual(optimizerLayout(real), adamLayout(KERAS_MNIST_CNN));
    assert.deepStrictEqual(withoutOptimizer(exported), withoutOptimizer(real));
    assert.strictEqual((exported.metadata as { keras_version: string }).keras_version, '3.12.0');
  });

  it('refuses bad input with one line and exit code 2, writing nothing', async () => {
    const { runDir } = await trainedRun();
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    const cases: [string[], RegExp][] = [
      [[path.join(dir, 'no-such-run'), '--format', 'keras', '--out', path.join(bad, 'a.keras')], /^convlens: no such run folder, model\.json or source file: /],
      [[runDir, '--format', 'onnx', '--out', path.join(bad, 'a.onnx')], /^convlens: --format must be keras or tfjs, not 'onnx'$/],
      [[runDir, '--format', 'keras', '--out', path.join(bad, 'missing-folder', 'a.keras')], /^convlens: no such folder for --out: /],
      [[runDir, '--format', 'keras', '--out', path.join(bad, 'a.h5')], /^convlens: --out for --format keras must end with \.keras: /],
      // A folder that exists but takes no files, even for root.
      [[runDir, '--format', 'keras', '--out', '/proc/convlens-export.keras'], /^convlens: cannot write \/proc\/convlens-export\.keras: /],
      [[runDir, '--format', 'tfjs', '--out', '/proc/convlens-export.json'], /^convlens: cannot write \/proc\/convlens-export\.weights\.bin: /],
    ];
    for (const [argv, message] of cases) {
      const cli = io();
      assert.strictEqual(await runExportCli(argv, cli), 2, argv.join(' '));
      assert.strictEqual(cli.errors.length, 1, cli.errors.join('\n'));
      assert.match(cli.errors[0], message);
    }
    assert.deepStrictEqual(fs.readdirSync(bad), [], 'nothing written');
  });
});
