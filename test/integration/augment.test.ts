/**
 * The augmentation preview in a real VS Code: the "Augmentation" CodeLens appears above a
 * model whose input goes through augmentation layers (and only there), the panel shows the
 * image as the model gets it plus eight random draws computed in the worker, lists the
 * layers in order, and Shuffle / another image change what it shows. An ImageDataGenerator
 * gets its own CodeLens, and its draws are shown with their Keras parameters.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import { idgSettings, randomTransform } from '../../src/core/engine/augment/idg/random';
import { mulberry32 } from '../../src/core/engine/data/rng';
import { readPython } from '../../src/core/source/python/reader';
import { drawParameters } from '../../src/core/viz/generatorPreview';
import { canInspectWorkbench, screenshot } from './helpers/screenshots';
import { pages } from './helpers/pages';
import { activateExtension, closeAllEditors, openExample, waitFor } from './helpers/vscode';

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '');
}

describe('augmentation preview', function () {
  this.timeout(120000);
  let api: ConvLensApi;
  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
  });
  after(closeAllEditors);

  const images = () => pages(api).augment.attributes('#grid img', 'src');

  it("offers the CodeLens only above models with augmentation at their input", async () => {
    const augmented = await openExample('keras/cats_vs_dogs_augmented.py');
    assert.ok((await waitFor(() => lensTitles(augmented.document.uri).then((t) => t.length > 0 && t), 15000, 'CodeLens')).includes('Augmentation'));
    const plain = await openExample('keras/chollet_mnist_convnet.py');
    const titles = await waitFor(() => lensTitles(plain.document.uri).then((t) => t.length > 0 && t), 15000, 'CodeLens');
    assert.ok(titles.includes('Train') && !titles.includes('Augmentation'), titles.join(', '));
  });

  it('shows the image and eight random draws, the layers in order, and new draws on Shuffle', async () => {
    const editor = await openExample('keras/cats_vs_dogs_augmented.py');
    await vscode.commands.executeCommand('convlens.previewAugmentation', editor.document.uri, 'model');
    await api.editor.augment.settled();
    const first = await waitFor(async () => { const s = await images(); return s.length === 9 && s; }, 30000, 'nine pictures');
    assert.ok(first.every((s) => s?.startsWith('data:image/png;base64,')), 'PNG data URLs');
    assert.strictEqual(new Set(first).size, 9, 'the original and eight different draws');
    const dom = await pages(api).augment.query(['#model-name', '#meta', '#steps li:nth-child(1)', '#steps li:nth-child(2)', '#steps li:nth-child(3)', '#status']);
    assert.strictEqual(dom['#model-name'], 'model');
    assert.match(dom['#meta'] ?? '', /input 180×180×3 · 0–255 pixels · synthetic circle #0/);
    // Chollet's data_augmentation: RandomFlip("horizontal"), RandomRotation(0.1) = ±36°, RandomZoom(0.2).
    assert.match(dom['#steps li:nth-child(1)'] ?? '', /^random_flip: mirrors left-right/);
    assert.match(dom['#steps li:nth-child(2)'] ?? '', /^random_rotation: rotates by up to ±36°/);
    assert.match(dom['#steps li:nth-child(3)'] ?? '', /^random_zoom: /);
    assert.match(dom['#status'] ?? '', /8 random draws/);

    await pages(api).augment.click('#shuffle');
    const shuffled = await waitFor(async () => { const s = await images(); return s.length === 9 && s[1] !== first[1] && s; }, 30000, 'new draws');
    assert.strictEqual(shuffled[0], first[0], 'the same image');
    assert.ok(shuffled.slice(1).every((s, i) => s !== first[i + 1]), 'every draw is new');

    // A reloaded page ("Developer: Reload Webviews") gets the same pictures back, not new draws.
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    await waitFor(async () => { const s = await images().catch(() => []); return s.length === 9 && s.every((src, i) => src === shuffled[i]); }, 30000, 'the same pictures after a webview reload');

    await pages(api).augment.click('#next-synthetic');
    await waitFor(async () => (await images())[0] !== first[0], 30000, 'another image');
    assert.match((await pages(api).augment.query(['#meta']))['#meta'] ?? '', /synthetic square #1/);
    if (canInspectWorkbench()) assert.ok(await screenshot('augment'));
  });

  it("previews an ImageDataGenerator from its CodeLens: Keras' draws, each with its parameters", async () => {
    const editor = await openExample('keras/datagen_augmentation.py');
    const lenses = await waitFor(async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
      return (all ?? []).some((l) => l.command?.arguments?.[1] === 'datagen') && all;
    }, 15000, 'CodeLens');
    const lens = lenses.find((l) => l.command?.arguments?.[1] === 'datagen');
    assert.strictEqual(lens?.command?.title, 'Augmentation');
    // On the `datagen = ImageDataGenerator(` line (0-based 9), and not on test_datagen, which only rescales.
    assert.strictEqual(lens.range.start.line, 9);
    assert.ok(!lenses.some((l) => l.command?.arguments?.[1] === 'test_datagen'), 'no lens on a generator that draws nothing');
    await vscode.commands.executeCommand(lens.command.command, ...((lens.command.arguments ?? []) as unknown[]));
    await api.editor.augment.settled();
    const pictures = await waitFor(async () => { const s = await images(); return s.length === 9 && s; }, 30000, 'nine pictures');
    assert.strictEqual(new Set(pictures).size, 9, 'the original and eight different draws');
    const dom = await pages(api).augment.query(['#model-name', '#meta', '#steps-title', '#steps li', '#notes', '#status', '#reveal']);
    assert.strictEqual(dom['#model-name'], 'datagen');
    assert.strictEqual(dom['#reveal'], 'Show generator source');
    // The model that trains on datagen takes 150×150×3.
    // The panel keeps the image and seed it had (earlier tests shuffled and moved on).
    const meta = /datagen_augmentation\.py · ImageDataGenerator · 150×150×3 · synthetic \w+ #\d+ · seed (\d+)$/.exec(dom['#meta'] ?? '');
    assert.ok(meta, dom['#meta'] ?? '');
    assert.strictEqual(dom['#steps-title'], 'ImageDataGenerator options');
    assert.match(dom['#steps li'] ?? '', /^datagen \(ImageDataGenerator\): rescale=1\/255, rotation_range=60, zoom_range=0\.2, width_shift_range=0\.4, height_shift_range=0\.2, horizontal_flip=true, fill_mode="nearest"$/);
    assert.match(dom['#notes'] ?? '', /input size of model, which trains on datagen/);
    assert.match(dom['#status'] ?? '', /8 random draws.*get_random_transform/);
    // Each picture's parameters are Keras' draws for the panel's seed, recomputed here from the generator as read.
    const settings = idgSettings(readPython(editor.document.getText()).generators![0].config);
    const rng = mulberry32(Number(meta[1]));
    const draws = Array.from({ length: 8 }, () => drawParameters(randomTransform(settings, 150, 150, rng), settings));
    const alts = (await pages(api).augment.attributes('#grid img', 'alt')).slice(1);
    assert.deepStrictEqual(alts, draws.map((d, i) => `draw ${i + 1}: ${d.map((p) => `${p.key} ${p.value}`).join(', ')}`));
    // Shown beside each picture: the example's keys, in Keras' order, with the values drawn.
    for (const i of [0, 7]) {
      const figure = `#grid figure:nth-child(${i + 2})`;
      const keys = ['theta', 'tx', 'ty', 'zx', 'zy', 'flip_horizontal'];
      const shown = await pages(api).augment.query([...keys.map((k) => `${figure} dd[data-key="${k}"]`), `${figure} dt:nth-of-type(1)`]);
      assert.deepStrictEqual(keys.map((k) => shown[`${figure} dd[data-key="${k}"]`]), draws[i].map((p) => p.value));
      assert.strictEqual(shown[`${figure} dt:nth-of-type(1)`], 'theta');
    }
    assert.match(draws[0][0].value, /^-?\d+\.\d°$/);
    if (canInspectWorkbench()) assert.ok(await screenshot('augment-datagen'));

    await pages(api).augment.click('#shuffle');
    await waitFor(async () => { const a = await pages(api).augment.attributes('#grid img', 'alt'); return a.length === 9 && a[1] !== alts[0]; }, 30000, 'new draws with new parameters');
    // "Show generator source" puts the cursor on the ImageDataGenerator( call.
    await pages(api).augment.click('#reveal');
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === editor.document.uri.toString() && vscode.window.activeTextEditor.selection.active.line === 9, 15000, 'the generator in the editor');
    assert.deepStrictEqual(await pages(api).augment.cspViolations(), [], 'the preview broke no CSP rule');
  });

  it('says so for a model without augmentation layers', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    await vscode.commands.executeCommand('convlens.previewAugmentation', editor.document.uri, 'model');
    await api.editor.augment.settled();
    const dom = await waitFor(async () => {
      const q = await pages(api).augment.query(['#model-name', '#notes li']);
      return q['#model-name'] === 'model' && q['#notes li'] ? q : undefined;
    }, 30000, 'the note');
    assert.match(dom['#notes li'] ?? '', /no augmentation/i);
    assert.strictEqual((await images()).length, 1, 'only the image itself');
    assert.deepStrictEqual(await pages(api).augment.cspViolations(), [], 'the preview broke no CSP rule');
  });
});
