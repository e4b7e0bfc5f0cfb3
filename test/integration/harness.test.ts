// Checks the test harness itself: the extension host sees the runner's results folder,
// and the runner answers screenshot and webview DOM requests. Uses its own webview panel,
// so it does not depend on any ConvLens feature.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { canInspectWorkbench, queryWebview, screenshot } from './helpers/screenshots';
import { waitFor } from './helpers/vscode';

describe('integration harness', () => {
  let panel: vscode.WebviewPanel | undefined;
  afterEach(() => {
    panel?.dispose();
  });

  it('reads a webview panel\'s DOM and takes a screenshot of it', async function () {
    if (!canInspectWorkbench()) this.skip();
    panel = vscode.window.createWebviewPanel('convlensHarnessProbe', 'Harness probe', vscode.ViewColumn.One, {
      enableScripts: true,
    });
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Harness probe</title></head>
      <body><h1 id="probe">Hello from the probe</h1><p class="count">3 items</p>
      <script>document.querySelector('.count').textContent = 'scripted ' + (1 + 2);</script></body></html>`;

    const texts = await waitFor(
      async () => {
        const r = await queryWebview('Harness probe', ['#probe', '.count', '#absent']);
        return r && r['#probe'] !== null ? r : undefined;
      },
      20000,
      'the probe webview to render',
    );
    assert.deepStrictEqual(texts, { '#probe': 'Hello from the probe', '.count': 'scripted 3', '#absent': null });

    const none = await queryWebview('no-such-webview-anywhere', ['#probe']);
    assert.deepStrictEqual(none, { '#probe': null });

    const shot = await screenshot('harness-probe');
    assert.ok(shot && fs.existsSync(shot));
  });
});
