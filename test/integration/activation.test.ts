import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, EXTENSION_ID, openExample, waitFor } from './helpers/vscode';
import { canInspectWorkbench, screenshot } from './helpers/screenshots';

describe('activation', () => {
  after(closeAllEditors);

  it('activates on a Keras file and exposes its API', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    assert.strictEqual(editor.document.languageId, 'python');

    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} is not loaded`);
    // activate() waits for an activation already under way (onLanguage:python) or starts one.
    const active = await activateExtension<{ analysis?: unknown }>();
    await waitFor(() => active.isActive, 30000, `${EXTENSION_ID} to be active`);
    assert.ok(active.isActive);
    assert.ok(active.exports && typeof active.exports === 'object', 'activate() returned nothing');
    assert.ok('analysis' in active.exports, 'activate() export has no `analysis`');

    assert.match(vscode.version, /^1\.\d+\.\d+/);
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || minor >= 100, `VS Code ${vscode.version} is older than engines.vscode ^1.100.0`);

    const shot = await screenshot('activation');
    if (canInspectWorkbench()) {
      assert.ok(shot && fs.existsSync(shot), 'no screenshot was written');
      assert.ok(fs.statSync(shot).size > 1000, 'screenshot is suspiciously small');
    } else {
      assert.strictEqual(shot, undefined);
    }
  });
});
