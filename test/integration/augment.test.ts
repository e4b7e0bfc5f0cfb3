/**
 * The augmentation preview in a real VS Code: the "Augmentation" CodeLens appears above a
 * model whose input goes through augmentation layers (and only there), the panel shows the
 * image as the model gets it plus eight random draws computed in the worker, lists the
 * layers in order, and Shuffle / another image change what it shows.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
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
