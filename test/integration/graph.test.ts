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
    assert.strictEqual(r['#graph-summary'], '33 layers and 1 input, 36 connections, 3 merges. Click a layer (or press Enter on it) to show its line.');
    assert.notStrictEqual(r['#graph g.node:nth-of-type(34)'], null);
    assert.strictEqual(r['#graph g.node:nth-of-type(35)'], null);
    const [label] = await summary.attributes('#graph g.node[data-layer-index="11"]', 'aria-label');
    assert.match(label ?? '', /^add \(Add\), output \(None, 90, 90, 32\)$/);
    await summary.click('#graph g.node[data-layer-index="11"]');
    await waitFor(() => Promise.resolve(vscode.window.activeTextEditor?.selection.active.line === 49), 10000, 'the Add layer\'s line (50) selected');
    await shootThemes('summary-graph', (s) => summary.query(s));
  });
});
