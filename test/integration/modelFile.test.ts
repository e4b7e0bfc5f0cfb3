/**
 * Saved model files in a real VS Code: a Keras 3 `.keras` file and a legacy `.h5` open in
 * ConvLens' read-only editor (as a double-click in the explorer would), which shows the same
 * summary page as code: the layer table and totals from the file's config, what the file
 * says about itself, and a what-if input size. A TF.js model.json opens with Open With; a
 * file that is not a model shows one line saying so.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import type { ExportResult } from '../../src/core/export/exportModel';
import type { StartedRun } from '../../src/training/trainingController';
import type { TrainChoices } from '../../src/training/projectSettings';
import { pages } from './helpers/pages';
import { shootThemes } from './helpers/screenshots';
import { activateExtension, closeAllEditors, waitFor, workspaceRoot } from './helpers/vscode';

const fixture = (...p: string[]) => vscode.Uri.file(path.join(workspaceRoot().fsPath, '..', 'test', 'fixtures', 'model-files', ...p));

describe('saved model files', function () {
  this.timeout(120000);
  let api: ConvLensApi;
  const temp: string[] = [];

  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
  });
  after(async () => {
    await closeAllEditors();
    for (const f of temp) fs.rmSync(f, { force: true, recursive: true });
  });

  async function openFile(uri: vscode.Uri, viewType?: string): Promise<Record<string, string | null>> {
    // vscode.open uses the default editor for the file, as a double-click does; Open With names one.
    if (viewType) await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
    else await vscode.commands.executeCommand('vscode.open', uri);
    const page = pages(api).modelFile(viewType);
    return waitFor(async () => {
      const q = await page.query(['#model-name', '#file-info', '#total-params', '#trainable-params', '#non-trainable-params', '#empty']).catch(() => undefined);
      return q && (q['#total-params'] || q['#empty']) ? q : undefined;
    }, 30000, `${path.basename(uri.fsPath)} in the model-file editor`);
  }

  it('opens a Keras 3 .keras file as its summary: the table, totals, and what the file says about itself', async () => {
    const q = await openFile(fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras'));
    assert.strictEqual(q['#model-name'], 'mnist_cnn');
    assert.strictEqual(q['#total-params'], '225,034');
    assert.strictEqual(q['#file-info'], 'Keras 3 (.keras) · Keras 3.12.0 · saved 2026-01-16@16:59:14 · optimizer state saved · float32 weights');
    const page = pages(api).modelFile();
    assert.strictEqual((await page.query(['#export']))['#export'], null);
    const rows = await page.query(['tr[data-layer-index="5"]']);
    assert.match(rows['tr[data-layer-index="5"]'] ?? '', /dense.*Dense.*\(None, 128\).*204,928/s);
    assert.deepStrictEqual(await page.cspViolations(), []);
    await shootThemes('model-file', (s) => page.query(s));
  });

  it("opens a tf.keras 2.4 ResNet-8 .h5 with its BatchNormalization's non-trainable statistics", async () => {
    const q = await openFile(fixture('keras2-h5-resnet8-cifar10', 'pretrainedResnet.h5'));
    assert.strictEqual(q['#total-params'], '78,666');
    assert.strictEqual(q['#non-trainable-params'], '480');
    assert.match(q['#file-info'] ?? '', /^Keras HDF5 \(\.h5, legacy format\) · Keras 2\.4\.0 · tensorflow backend/);
  });

  it('inspects a .keras file with its own weights: the first MNIST digit, predicted as the digit it is', async () => {
    await vscode.commands.executeCommand('convlens.inspectModel', fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras'));
    const q = await waitFor(async () => {
      const r = await pages(api).inspect.query(['#model-name', '#image-label', '#prediction li']).catch(() => undefined);
      return r?.['#model-name'] === 'mnist_cnn' && r['#prediction li'] ? r : undefined;
    }, 60000, 'the inspection panel on the .keras file');
    const digit = /MNIST digit (\d)/.exec(q['#image-label'] ?? '')?.[1];
    assert.ok(digit !== undefined, q['#image-label'] ?? '');
    // The top class, first in the list: the digit shown, with a confident probability.
    assert.match(q['#prediction li'] ?? '', new RegExp(`^${digit}\\s*(9\\d|100)\\.\\d%`));
  });

  it('fine-tunes a .keras file from its own weights (the Fine-tune… button, or the command)', async () => {
    const uri = fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras');
    const q = await openFile(uri);
    assert.strictEqual(q['#total-params'], '225,034');
    assert.strictEqual((await pages(api).modelFile().query(['#fine-tune']))['#fine-tune'], 'Fine-tune…');
    const choices: TrainChoices = { data: 'mnist', epochs: 1, batchSize: 64, validationSplit: 0.2, earlyStopping: 0, seed: 1 };
    const run = await vscode.commands.executeCommand<StartedRun>('convlens.fineTuneModelFile', uri, choices);
    const report = await run.finished;
    assert.ok(report, 'the fine-tuning run finished');
    temp.push(path.join(path.dirname(uri.fsPath), '.convlens'));
    // Trained weights from the first batch: a model starting from random ones is far from this after one epoch.
    assert.ok(report.history[0].acc > 0.99, `first-epoch accuracy ${report.history[0].acc}`);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('exports a TF.js model.json as a Keras 3 .keras file (Export Model…) that opens as the same model', async () => {
    const out = path.join(workspaceRoot().fsPath, 'doodlenet-export.keras');
    temp.push(out);
    const result = await vscode.commands.executeCommand<ExportResult | undefined>('convlens.exportModel', fixture('tfjs-layers-doodlenet', 'model.json'), undefined, { format: 'keras', out });
    assert.deepStrictEqual(result?.files, [out]);
    const q = await openFile(vscode.Uri.file(out));
    assert.strictEqual(q['#model-name'], 'doodlenet-export');
    assert.strictEqual(q['#total-params'], '544,201');
    assert.match(q['#file-info'] ?? '', /^Keras 3 \(\.keras\) · Keras 3\.12\.0 · saved \d{4}-\d\d-\d\d@\d\d:\d\d:\d\d · no optimizer state · float32 weights$/);
  });

  it('chooses the layers fine-tuning trains: "train from here", a checkbox per layer, totals that follow, and a run that freezes them', async () => {
    const uri = fixture('keras3-keras-mnist-cnn', 'mnist_cnn.keras');
    await openFile(uri);
    const page = pages(api).modelFile();
    const totalsAre = (trainable: string, frozen: string) => waitFor(async () => {
      const q = await page.query(['#trainable-params', '#non-trainable-params']);
      return q['#trainable-params'] === trainable && q['#non-trainable-params'] === frozen ? q : undefined;
    }, 15000, `trainable ${trainable}, non-trainable ${frozen}`);
    const ticked = async (): Promise<Record<string, boolean>> => {
      const names = await page.attributes('vscode-checkbox.trains', 'data-layer');
      const checked = await page.attributes('vscode-checkbox.trains', 'checked');
      return Object.fromEntries(names.map((n, i) => [n ?? `#${i}`, checked[i] !== null]));
    };
    // Every layer with weights trains, as the file says; layers without weights have no checkbox.
    assert.deepStrictEqual(await ticked(), { conv2d: true, conv2d_1: true, dense: true, dense_1: true });
    // Chollet's fine-tuning: the conv base frozen, the dense head trained (204,928 + 1,290).
    await page.click('button.train-from[data-layer="dense"]');
    await totalsAre('206,218', '18,816');
    assert.deepStrictEqual(await ticked(), { conv2d: false, conv2d_1: false, dense: true, dense_1: true });
    // The formula under a frozen layer says why its weights count as non-trainable.
    const formula = await page.query(['tr[data-formula-for="2"]']);
    assert.match(formula['tr[data-formula-for="2"]'] ?? '', /18,496 — frozen \(trainable=False\), so non-trainable/);
    // One checkbox: only the classifier trains.
    await page.click('vscode-checkbox.trains[data-layer="dense"]');
    await totalsAre('1,290', '223,744');
    await shootThemes('model-file-fine-tune', (s) => page.query(s));
    // The run trains what was chosen: its saved model keeps the frozen layers frozen.
    const choices: TrainChoices = { data: 'mnist', epochs: 1, batchSize: 64, validationSplit: 0.2, earlyStopping: 0, seed: 1 };
    const run = await vscode.commands.executeCommand<StartedRun>('convlens.fineTuneModelFile', uri, choices, { conv2d: false, conv2d_1: false, dense: false, dense_1: true });
    const report = await run.finished;
    assert.ok(report, 'the fine-tuning run finished');
    temp.push(path.join(path.dirname(uri.fsPath), '.convlens'));
    const saved = JSON.parse(fs.readFileSync(report.files.model, 'utf8')) as { modelTopology: { model_config?: { config: { layers: { config: { name: string; trainable?: boolean } }[] } }; config?: { layers: { config: { name: string; trainable?: boolean } }[] } } };
    const layers = (saved.modelTopology.model_config ?? saved.modelTopology).config!.layers;
    const trains = Object.fromEntries(layers.filter((l) => /^(conv2d|dense)/.test(l.config.name)).map((l) => [l.config.name, l.config.trainable]));
    assert.deepStrictEqual(trains, { conv2d: false, conv2d_1: false, dense: false, dense_1: true });
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('opens a TF.js model.json with Open With, and says in one line when a file is not a model', async () => {
    const q = await openFile(fixture('tfjs-layers-doodlenet', 'model.json'), 'convlens.modelJson');
    assert.strictEqual(q['#total-params'], '544,201');
    // A TF.js model (as runs save them) can be exported from its editor; a Keras file has no Export… button.
    assert.strictEqual((await pages(api).modelFile('convlens.modelJson').query(['#export']))['#export'], 'Export…');
    const bad = path.join(workspaceRoot().fsPath, 'not_a_model.h5');
    fs.writeFileSync(bad, 'this is text, not HDF5');
    temp.push(bad);
    const e = await openFile(vscode.Uri.file(bad));
    assert.strictEqual(e['#empty'], 'ConvLens cannot read not_a_model.h5: ' + bad + ' is not an HDF5 file (a Keras .h5 starts with the HDF5 signature)');
  });
});
