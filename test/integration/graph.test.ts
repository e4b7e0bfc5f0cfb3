/**
 * The summary panel's Graph tab in a real VS Code: a residual network (examples/keras/
 * residual_functional.py) drawn as boxes and arrows, with its three Add merges; each box is a
 * layer whose click shows its line in the editor. Screenshots for the README.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import { pages } from './helpers/pages';
import { shootThemes } from './helpers/screenshots';
import { activateExtension, closeAllEditors, openExample, waitFor } from './helpers/vscode';

describe('graph view', function () {
  this.timeout(60000);
  let api: ConvLensApi;

  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
  });
  after(() => closeAllEditors());

  it('draws a residual network as a graph whose boxes reveal their layers', async () => {
    const editor = await openExample('examples/keras/residual_functional.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'model');
    const summary = pages(api).summary;
    await waitFor(async () => (await summary.query(['#total-params']).catch((): Record<string, string | null> => ({})))['#total-params'] === '309,601', 20000, 'the summary');
    await summary.click('vscode-tab-header[data-view="graph"]');
    const r = await waitFor(async () => {
      const q = await summary.query(['#graph-summary', '#graph g.node:nth-of-type(34)', '#graph g.node:nth-of-type(35)']);
      return q['#graph-summary'] ? q : undefined;
    }, 20000, 'the graph');
    // 34 boxes (33 layers, as the header counts them, and the input); 36 arrows: one into each of the 33 layers, and a second into each Add.
    assert.strictEqual(r['#graph-summary'], '33 layers and 1 input, 36 connections, 3 merges. Click a layer (or press Enter on it) to show its line. A nested model (▸) opens with a click or +.');
    assert.notStrictEqual(r['#graph g.node:nth-of-type(34)'], null);
    assert.strictEqual(r['#graph g.node:nth-of-type(35)'], null);
    const [label] = await summary.attributes('#graph g.node[data-layer-index="11"]', 'aria-label');
    assert.match(label ?? '', /^add \(Add\), output \(None, 90, 90, 32\)$/);
    await summary.click('#graph g.node[data-layer-index="11"]');
    await waitFor(() => Promise.resolve(vscode.window.activeTextEditor?.selection.active.line === 49), 10000, 'the Add layer\'s line (50) selected');
    // Its row in the Layers tab is marked too, for when the table is shown.
    assert.deepStrictEqual(await summary.attributes('tr[aria-current="true"]', 'data-layer-index'), ['11']);
    await shootThemes('summary-graph', (s) => summary.query(s));
  });

  it('opens a nested model in place: its own layers in a frame, wired to the layers around it; the frame closes it', async () => {
    const editor = await openExample('examples/keras/transfer_learning_vgg16.py');
    await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri, 'model');
    const summary = pages(api).summary;
    await waitFor(async () => (await summary.query(['#total-params']).catch((): Record<string, string | null> => ({})))['#total-params'] === '17,992,001', 20000, 'the summary');
    await summary.click('vscode-tab-header[data-view="graph"]');
    const boxes = async () => (await summary.attributes('#graph g.node', 'data-path')).length;
    await waitFor(async () => (await boxes()) > 0 ? true : undefined, 20000, 'the graph');
    const closed = await boxes();
    const [vgg] = await summary.attributes('#graph g.node[data-path="3"]', 'aria-label');
    assert.match(vgg ?? '', /^vgg16 \(Functional\), output \(None, 5, 5, 512\), 14,714,688 params; a nested model of 19 layers, \+ to expand$/);
    // Opened: the one box becomes VGG16's 19 (its input and 18 layers) inside a frame.
    await summary.click('#graph g.node[data-path="3"]');
    await waitFor(async () => (await boxes()) === closed - 1 + 19 ? true : undefined, 10000, `${closed - 1 + 19} boxes`);
    const q = await summary.query(['#graph g.frame[data-nested="3"]', '#graph g.node[data-path="3/18"]', '#graph-summary']);
    assert.match(q['#graph g.frame[data-nested="3"]'] ?? '', /▾ vgg16 \(Functional\) · 14,714,688 params/);
    assert.match(q['#graph g.node[data-path="3/18"]'] ?? '', /block5_pool \(MaxPooling2D\)\(None, 5, 5, 512\)/);
    assert.match(q['#graph-summary'] ?? '', /Showing \d+ boxes with 1 nested model open\.$/);
    await shootThemes('summary-graph-nested', (s) => summary.query(s));
    await summary.click('#graph g.frame[data-nested="3"]');
    await waitFor(async () => (await boxes()) === closed ? true : undefined, 10000, 'the nested model closed again');
  });
});
