/**
 * Benchmark (not a test): how long "Show Model Summary" takes until the panel shows the model,
 * and where that time goes. Run by bench/panel-open.js in code-server; writes
 * test-results/integration/panel-open.json. Phases, from the command:
 *   frame    until VS Code has created the page's document (its iframe and service worker: VS Code's part)
 *   dom      until that document's DOM is ready (VS Code loads a placeholder, then writes our HTML into it)
 *   scripts  until our stylesheet and bundles have loaded and run (the page then says `ready`)
 *   model    until the table's totals are in the DOM (the host's answer to `ready`, rendered)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import { pages } from './helpers/pages';
import { activateExtension, closeAllEditors, openExample, sleep } from './helpers/vscode';

const ROUNDS = Number(process.env.CONVLENS_BENCH_ROUNDS) || 12;
const EXAMPLES = ['keras/vgg16.py', 'keras/chollet_mnist_convnet.py', 'tfjs/vgg16.js'];

describe('panel opening', () => {
  it('times Show Model Summary until the totals are shown', async function () {
    this.timeout(ROUNDS * 30000);
    const api = (await activateExtension<ConvLensApi>()).exports;
    const summary = pages(api).summary;
    const rounds: Record<string, number | string>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await closeAllEditors();
      await sleep(300);
      const example = EXAMPLES[i % EXAMPLES.length];
      const editor = await openExample(example);
      await sleep(300);
      const t0 = Date.now();
      await vscode.commands.executeCommand('convlens.showSummary', editor.document.uri);
      let shown = -1;
      while (Date.now() - t0 < 20000) {
        const r = await summary.query(['#total-params']).catch((): Record<string, string | null> => ({}));
        if (r['#total-params']) {
          shown = Date.now() - t0;
          break;
        }
        await sleep(20);
      }
      const t = await summary.timing();
      const frame = Math.round(t.timeOrigin - t0);
      rounds.push({ example, frame, dom: Math.round(t.domInteractive), scripts: Math.round(t.scriptsRan - t.domInteractive), model: shown - frame - Math.round(t.scriptsRan), total: shown });
    }
    const out = path.join(process.env.CONVLENS_TEST_RESULTS ?? '.', 'panel-open.json');
    fs.writeFileSync(out, JSON.stringify(rounds, null, 1));
  });
});
