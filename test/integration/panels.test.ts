/**
 * The summary panel and the side view in a real VS Code: totals read from the panel's own
 * DOM, a row click revealing its line, the what-if input size, the convolution arithmetic,
 * the side view following the cursor, and screenshots in light, dark and high contrast.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import { canInspectWorkbench, screenshot, shootThemes } from './helpers/screenshots';
import { pages } from './helpers/pages';
import { activateExtension, closeAllEditors, openExample, waitFor } from './helpers/vscode';

const ROOT = path.resolve(__dirname, '../../..');
describe('summary panel and side view', () => {
  let api: ConvLensApi;
  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
  });
  after(closeAllEditors);

  it('renders the Keras table and totals of an example in the panel DOM', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'model');
    const summary = pages(api).summary;
    const dom = await waitFor(async () => {
      const r = await summary.query(['#model-name', '#total-params', '#trainable-params', '#non-trainable-params', '#size',
        'tr[data-layer-index="0"] .shape', 'tr[data-layer-index="0"] .params', 'tr[data-formula-for="0"] .formula']).catch(() => undefined);
      return r?.['#total-params'] ? r : undefined;
    }, 15000, 'the summary panel to render');
    assert.strictEqual(dom['#model-name']?.trim(), 'model');
    assert.strictEqual(dom['#total-params']?.trim(), '93,322');
    assert.strictEqual(dom['#trainable-params']?.trim(), '93,322');
    assert.strictEqual(dom['#non-trainable-params']?.trim(), '0');
    assert.match(dom['#size'] ?? '', /364\.54 KB/);
    assert.strictEqual(dom['tr[data-layer-index="0"] .shape']?.trim(), '(None, 26, 26, 32)');
    assert.strictEqual(dom['tr[data-layer-index="0"] .params']?.trim(), '320');
    assert.match(dom['tr[data-formula-for="0"] .formula'] ?? '', /\(3·3·1 \+ 1\)·32 = 320/);
    await shootThemes('summary', (s) => pages(api).summary.query(s));
  });

  it('counts a shared tower once: its second application points to the row that holds its weights', async () => {
    const editor = await openExample('keras/siamese_mnist.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'siamese');
    const summary = pages(api).summary;
    // Rows: left, right, tower (on left), tower (on right), lambda, dense_1.
    const dom = await waitFor(async () => {
      const r = await summary.query(['#model-name', '.meta', '#total-params', 'tr[data-layer-index="2"] .params', 'tr[data-layer-index="3"] .params',
        'tr[data-layer-index="3"] .share', 'tr[data-formula-for="3"] .formula', 'tr[data-layer-index="5"] .params']).catch(() => undefined);
      return r?.['#model-name']?.trim() === 'siamese' && r['#total-params'] ? r : undefined;
    }, 15000, 'the summary panel to show the siamese network');
    assert.strictEqual(dom['#total-params']?.trim(), '1,794'); // 80 + 1,168 + 544 in the tower, once, + 2
    assert.match(dom['.meta'] ?? '', /functional · 3 layers$/, 'tower, lambda and dense_1, as len(model.layers) counts them past the inputs');
    assert.strictEqual(dom['tr[data-layer-index="2"] .params']?.trim(), '1,792');
    assert.strictEqual(dom['tr[data-layer-index="3"] .params']?.trim(), 'shared with tower');
    assert.strictEqual(dom['tr[data-layer-index="3"] .share']?.trim(), '—', 'no share of the parameters for the second application');
    assert.match(dom['tr[data-formula-for="3"] .formula'] ?? '', /the weights of tower, applied again \(counted once\)/);
    // The Params column adds up to the total: 1,792 + 2.
    assert.strictEqual(dom['tr[data-layer-index="5"] .params']?.trim(), '2');
    if (canInspectWorkbench()) assert.ok(await screenshot('summary-shared'));
  });

  it('follows the file live as it is edited', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'keras', 'chollet_mnist_convnet.py'), 'utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    const editor = await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('convlens.showSummary', doc.uri, 'model');
    await waitFor(async () => (await pages(api).summary.query(['#total-params']).catch((): Record<string, string | null> => ({})))['#total-params']?.trim() === '93,322', 15000, 'the panel');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('Dense(64'));
    const col = doc.lineAt(line).text.indexOf('64');
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 2), '32'));
    // Dense(32): (576+1)*32 = 18,464 and (32+1)*10 = 330 replace 36,928 and 650: 74,538 in all.
    await waitFor(async () => (await pages(api).summary.query(['#total-params']))['#total-params']?.trim() === '74,538', 10000, 'the panel to follow the edit');
  });

  it('reveals a layer line when its row is clicked', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'model');
    const denseLine = editor.document.getText().split('\n').findIndex((l) => l.includes('Dense(10'));
    const summary = api.analysis.get(editor.document)!.analysis.models[0];
    const denseIndex = summary.layers.findIndex((l) => l.range.start.line - 1 === denseLine);
    assert.ok(denseIndex >= 0);
    await waitFor(() => pages(api).summary.query([`tr[data-layer-index="${denseIndex}"]`]).then((r) => r[`tr[data-layer-index="${denseIndex}"]`] !== null, () => false), 15000, 'rows');
    await pages(api).summary.click(`tr[data-layer-index="${denseIndex}"]`);
    await waitFor(() => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.toString() === editor.document.uri.toString() && active.selection.active.line === denseLine;
    }, 5000, `the editor to reveal line ${denseLine + 1}`);
  });

  it('recomputes every shape for a what-if input size', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'model');
    await waitFor(() => pages(api).summary.query(['#total-params']).then((r) => r['#total-params'] !== null, () => false), 15000, 'panel');
    // Typed into the fields as a user would.
    await pages(api).summary.type('#whatif-height', '56');
    await pages(api).summary.type('#whatif-width', '56');
    // 56 -> conv 54 -> pool 27 -> conv 25 -> pool 12 -> conv 10; flatten 10*10*64 = 6,400;
    // Dense (6400+1)*64 = 409,664; total 320 + 18,496 + 36,928 + 409,664 + 650 = 466,058.
    const r = await waitFor(async () => {
      const q = await pages(api).summary.query(['#whatif-total']);
      return q['#whatif-total']?.includes('466,058') ? q : undefined;
    }, 10000, 'the what-if total');
    assert.match(r['#whatif-total'] ?? '', /466,058/);
    if (canInspectWorkbench()) assert.ok(await screenshot('summary-whatif'));

  });

  it('draws the convolution arithmetic for the layer under the cursor', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('Conv2D(32'));
    editor.selection = new vscode.Selection(line, 4, line, 4);
    await vscode.commands.executeCommand('convlens.showConvolutionArithmetic');
    const r = await waitFor(async () => {
      const q = await pages(api).summary.query(['#arithmetic-title', '#arithmetic-sum']).catch(() => undefined);
      return q?.['#arithmetic-sum'] ? q : undefined;
    }, 15000, 'the arithmetic view');
    assert.match(r['#arithmetic-title'] ?? '', /conv2d/);
    assert.match(r['#arithmetic-sum'] ?? '', /=/);

    // The panel survives its page being thrown away ("Developer: Reload Webviews"): the
    // step position is page state and resets, while the view and the model come back from
    // the saved state through the ready handshake.
    const summary = pages(api).summary;
    await summary.click('#arith-next');
    await summary.click('#arith-next');
    await waitFor(async () => ((await summary.query(['#arithmetic-sum']))['#arithmetic-sum'] ?? '').startsWith('Step 3 of'), 5000, 'step 3');
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    await waitFor(async () => {
      const q = await summary.query(['#arithmetic-sum', '#total-params']).catch(() => undefined);
      return (q?.['#arithmetic-sum'] ?? '').startsWith('Step 1 of') && q?.['#total-params'] === '93,322';
    }, 15000, 'the reloaded panel to show the arithmetic view again from step 1');
    await shootThemes('arithmetic', (s) => pages(api).summary.query(s));
    assert.deepStrictEqual(await summary.cspViolations(), [], 'the summary panel broke no CSP rule');
  });

  it('side view follows the cursor between models', async () => {
    const editor = await openExample('keras/residual_functional.py');
    await vscode.commands.executeCommand('workbench.view.extension.convlens');
    const lines = editor.document.getText().split('\n');
    const augLine = lines.findIndex((l) => l.includes('data_augmentation = '));
    const modelLine = lines.findIndex((l) => l.startsWith('model = '));
    assert.ok(augLine >= 0 && modelLine >= 0);
    const nameAt = async (line: number, expected: string): Promise<void> => {
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      await waitFor(async () => (await pages(api).sideView.query(['#model-name']).catch((): Record<string, string | null> => ({})))['#model-name']?.trim() === expected,
        15000, `the side view to show ${expected}`);
    };
    await nameAt(augLine, 'data_augmentation');
    await nameAt(modelLine, 'model');
    const totals = await pages(api).sideView.query(['#total-params']);
    assert.strictEqual(totals['#total-params']?.trim(), '309,601');
    await shootThemes('sideview', (s) => pages(api).sideView.query(s));
    assert.deepStrictEqual(await pages(api).sideView.cspViolations(), [], 'the side view broke no CSP rule');
  });
});
