/**
 * Loading for inspection: a run folder written by a real training (class names, pixel range,
 * layers from its report), a bare model.json (index labels; 0–255 pixels only behind a
 * Rescaling), corrupt files as one-line DataErrors; finding a model's runs.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { SYNTHETIC_CLASSES } from '../../src/core/engine/data/synthetic';
import { modelArtifacts, writeModelFiles } from '../../src/core/engine/train/modelFiles';
import { hasInspectableRun, listRuns, loadInspectable, notALayersModel, resolveModelSource } from '../../src/core/viz/inspect/load';
import { trainedRun, type TrainedRun } from './inspectFixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof tfjs;

async function saveBare(dir: string, rescale: boolean): Promise<string> {
  const model = tf.sequential();
  if (rescale) model.add(tf.layers.rescaling({ scale: 1 / 255, inputShape: [20, 20, 3] }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', ...(rescale ? {} : { inputShape: [20, 20, 3] }) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  const { modelJson } = writeModelFiles(tf, dir, await modelArtifacts(tf, model));
  model.dispose();
  return modelJson;
}

describe('inspect: loading runs and model files', function () {
  this.timeout(120000);
  let t: TrainedRun;
  before(async () => {
    await selectBackend(tf, 'cpu');
    t = await trainedRun();
  });

  it('loads a run folder with what the run knows', async () => {
    const { model, info } = await loadInspectable(tf, t.runDir, 'cpu');
    try {
      const report = JSON.parse(fs.readFileSync(path.join(t.runDir, 'report.json'), 'utf8')) as { model: string };
      assert.strictEqual(info.modelName, report.model);
      assert.strictEqual(info.source, t.runDir);
      assert.deepStrictEqual(info.input, { height: 24, width: 24, channels: 1 });
      assert.strictEqual(info.pixelScale, 1);
      assert.deepStrictEqual(info.classNames, SYNTHETIC_CLASSES);
      assert.deepStrictEqual(info.preprocessing, ['resized to 24×24', 'greyscale', 'pixels 0–1']);
      assert.deepStrictEqual(info.layers.map((l) => [l.name, l.kind, l.shape]), [
        ['conv2d', 'conv', [22, 22, 8]], ['max_pooling2d', 'pool', [11, 11, 8]], ['conv2d_1', 'conv', [9, 9, 16]], ['flatten', 'other', [1296]], ['dense', 'other', [4]],
      ]);
      assert.strictEqual(info.lastConvLayer, 'conv2d_1');
      assert.strictEqual(info.backend, 'cpu');
    } finally {
      model.dispose();
    }
  });

  it('loads a bare model.json: index labels, and 0–255 pixels behind a Rescaling', async () => {
    const plain = await loadInspectable(tf, await saveBare(path.join(t.dir, 'bare-plain'), false), 'cpu');
    const scaled = await loadInspectable(tf, await saveBare(path.join(t.dir, 'bare-scaled'), true), 'cpu');
    try {
      assert.deepStrictEqual(plain.info.classNames, ['0', '1', '2']);
      assert.strictEqual(plain.info.pixelScale, 1);
      assert.strictEqual(scaled.info.pixelScale, 255);
      assert.match(scaled.info.preprocessing.join('; '), /pixels 0–255: the model's rescaling\S* \(Rescaling\) scales them itself/);
      assert.strictEqual(scaled.info.source, path.join(t.dir, 'bare-scaled'));
    } finally {
      plain.model.dispose();
      scaled.model.dispose();
    }
  });

  it('refuses a missing folder, a run without model.json and corrupt JSON in one line', async () => {
    await assert.rejects(loadInspectable(tf, path.join(t.dir, 'nope'), 'cpu'), { name: 'DataError', message: `no such run folder, model.json or Keras model file: ${path.join(t.dir, 'nope')}` });
    const unfinished = path.join(t.dir, 'unfinished');
    fs.mkdirSync(unfinished, { recursive: true });
    await assert.rejects(loadInspectable(tf, unfinished, 'cpu'), /^DataError: no model\.json in /);
    const corrupt = path.join(t.dir, 'corrupt');
    fs.mkdirSync(corrupt, { recursive: true });
    fs.writeFileSync(path.join(corrupt, 'model.json'), '{"modelTopology": ');
    await assert.rejects(loadInspectable(tf, corrupt, 'cpu'), (e: Error) => e.name === 'DataError' && /^cannot load the model in .*model\.json/.test(e.message) && !e.message.includes('\n'));
    const badReport = path.join(t.dir, 'bad-report');
    fs.cpSync(t.runDir, badReport, { recursive: true });
    fs.writeFileSync(path.join(badReport, 'report.json'), '{');
    await assert.rejects(loadInspectable(tf, badReport, 'cpu'), /^DataError: corrupt JSON in .*report\.json/);
  });

  it('tells a TF.js model.json from any other JSON file (the palette command is offered on every open .json)', () => {
    assert.strictEqual(notALayersModel(path.join(t.runDir, 'model.json')), undefined);
    assert.match(notALayersModel(path.join(t.runDir, 'report.json')) ?? '', /^report\.json is not a TF\.js layers model \(a model\.json has "modelTopology" and "weightsManifest"\)$/);
    const broken = path.join(t.dir, 'broken.json');
    fs.writeFileSync(broken, '{"modelTopology": ');
    assert.match(notALayersModel(broken) ?? '', /^broken\.json is not readable JSON \(/);
  });

  it("lists a model's runs newest first and resolves a source file to the latest", () => {
    const runs = listRuns(t.file, 'shapes');
    assert.strictEqual(runs.length, 1);
    const report = JSON.parse(fs.readFileSync(path.join(t.runDir, 'report.json'), 'utf8')) as { status: string; history: { val_acc: number }[] };
    assert.deepStrictEqual(runs[0], {
      runId: path.basename(t.runDir), folder: t.runDir, startedAt: runs[0].startedAt, status: report.status, valAccuracy: report.history[report.history.length - 1].val_acc, hasModel: true,
    });
    assert.ok(Math.abs(Date.parse(runs[0].startedAt) - fs.statSync(path.join(t.runDir, 'spec.json')).mtimeMs) < 60000);
    // An older, unfinished run of the same model sorts after it; the latest with a model wins.
    const older = path.join(t.dir, '.convlens', 'runs', '2000-01-01T00-00-00.000Z-shapes');
    const newer = path.join(t.dir, '.convlens', 'runs', '2999-01-01T00-00-00.000Z-shapes');
    fs.mkdirSync(older, { recursive: true });
    fs.mkdirSync(newer, { recursive: true });
    try {
      assert.deepStrictEqual(listRuns(t.file, 'shapes').map((r) => [r.runId, r.status]), [[path.basename(newer), 'unfinished'], [path.basename(t.runDir), report.status], [path.basename(older), 'unfinished']]);
      assert.strictEqual(resolveModelSource(t.file, { model: 'shapes' }), t.runDir);
      // The CodeLens' cheap check agrees with the list: a run with a model.json, none for a model never trained.
      assert.strictEqual(hasInspectableRun(t.file, 'shapes'), true);
      assert.strictEqual(hasInspectableRun(t.file, 'shape'), false, 'another label: not a run of this model');
      assert.strictEqual(hasInspectableRun(t.file, 'never_trained'), false);
    } finally {
      fs.rmSync(older, { recursive: true });
      fs.rmSync(newer, { recursive: true });
    }
    assert.strictEqual(resolveModelSource(t.runDir), t.runDir);
    // Only unfinished runs (no model.json): nothing to inspect.
    const modelJson = path.join(t.runDir, 'model.json');
    fs.renameSync(modelJson, `${modelJson}.away`);
    try {
      assert.strictEqual(hasInspectableRun(t.file, 'shapes'), false);
    } finally {
      fs.renameSync(`${modelJson}.away`, modelJson);
    }
    assert.throws(() => resolveModelSource(t.file), /defines 2 models \(shapes, dense_only\): choose one with --model NAME/);
  });
});
