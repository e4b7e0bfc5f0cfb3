/**
 * ConvLens as a user gets it: the VSIX built by `npm run package`, installed into a clean
 * code-server (`--install-extension`), with a workspace outside this repository. Run by
 * `node scripts/test-integration.js --installed` (part of npm test). Nothing here comes from
 * the source folder: the extension's test API does not exist for an installed copy, so pages
 * are read through the runner (queryWebview), as a user would see them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import type { StartedRun } from '../../src/training/trainingController';
import type { TrainChoices } from '../../src/training/projectSettings';
import { queryWebview } from './helpers/screenshots';
import { EXTENSION_ID, waitFor, workspaceRoot } from './helpers/vscode';

describe('installed VSIX', function () {
  this.timeout(180000);
  let extension: vscode.Extension<ConvLensApi>;

  before(() => {
    const found = vscode.extensions.getExtension<ConvLensApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
  });

  it('is the installed copy, activated from a workspace outside the repository', async () => {
    // code-server unpacks an installed VSIX as <extensions dir>/convlens.convlens-<version>[-<target>].
    assert.match(extension.extensionPath, /[\\/]ext[\\/]convlens\.convlens-\d+\.\d+\.\d+/);
    assert.ok(!fs.existsSync(path.join(extension.extensionPath, 'src')), 'no sources in the package');
    assert.ok(fs.existsSync(path.join(extension.extensionPath, 'dist', 'extension.js')));
    assert.ok(!workspaceRoot().fsPath.startsWith(path.dirname(extension.extensionPath)), 'the workspace is elsewhere');
    await extension.activate();
    assert.ok(extension.isActive);
  });

  it('shows the CodeLens and the summary panel for a Keras file of the workspace', async () => {
    const file = vscode.Uri.joinPath(workspaceRoot(), 'lenet5.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const lens = await waitFor(async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return all.find((l) => (l.command?.title ?? '').endsWith("params"));
    }, 30000, 'the model CodeLens');
    assert.strictEqual(lens.command?.title, '8 layers · 61,706 params');
    await vscode.commands.executeCommand('convlens.showSummary', file);
    const r = await waitFor(async () => {
      const q = await queryWebview('', ['#model-name', '#total-params']);
      return q?.['#total-params'] ? q : undefined;
    }, 30000, 'the summary panel');
    assert.deepStrictEqual(r, { '#model-name': 'model', '#total-params': '61,706' });
  });

  it('trains a small model from the installed package (worker, wasm binaries, MNIST digits)', async () => {
    const file = vscode.Uri.joinPath(workspaceRoot(), 'chollet_mnist_convnet.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const choices: TrainChoices = { data: 'mnist', epochs: 1, batchSize: 64, validationSplit: 0.2, earlyStopping: 0, seed: 1 };
    const run = await vscode.commands.executeCommand<StartedRun>('convlens.trainModel', file, 'model', choices);
    const report = await run.finished;
    assert.ok(report, 'the run finished');
    assert.strictEqual(report.epochsCompleted, 1);
    assert.ok(report.runDir.startsWith(workspaceRoot().fsPath), 'runs go to the workspace');
    // One epoch of Chollet's MNIST convnet on the packaged digits learns well past chance.
    assert.ok(report.history[0].val_acc > 0.8, `validation accuracy ${report.history[0].val_acc}`);
  });
});
