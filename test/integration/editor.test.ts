/**
 * ConvLens in a real VS Code: what a user sees in the editor on the example workspace —
 * CodeLens titles, inline hints, hovers, Problems, the quick fix, live updates, and the
 * command palette matching package.json.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import { activateExtension, closeAllEditors, openExample, waitFor } from './helpers/vscode';

const ROOT = path.resolve(__dirname, '../../..');

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).map((l) => l.command?.title ?? '');
}

async function hintLabels(editor: vscode.TextEditor): Promise<string[]> {
  const doc = editor.document;
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range);
  return (hints ?? []).map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
}

function convlensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ConvLens');
}

describe('editor features', () => {
  let api: ConvLensApi;
  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
  });
  afterEach(closeAllEditors);

  it('registers exactly the commands package.json declares, all under the ConvLens category', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; category: string }[] } };
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'ConvLens'));
    assert.deepStrictEqual([...api.editor.registeredCommands].sort(), declared);
    const all = await vscode.commands.getCommands(true);
    // VS Code itself adds focus/open/... commands for each contributed view ('convlens.modelView.focus').
    const viewIds = ((manifest as unknown as { contributes: { views: Record<string, { id: string }[]> } }).contributes.views.convlens ?? []).map((v) => `${v.id}.`);
    const registered = all.filter((c) => c.startsWith('convlens.') && !viewIds.some((v) => c.startsWith(v))).sort();
    assert.deepStrictEqual(registered, declared, 'every registered command is declared and every declared one registered');
  });

  it('shows a CodeLens with layers and params above each model', async () => {
    const chollet = await openExample('keras/chollet_mnist_convnet.py');
    assert.deepStrictEqual(await lensTitles(chollet.document.uri), ['8 layers · 93,322 params', 'Summary', 'Train']);
    const vgg = await openExample('tfjs/vgg16.js');
    assert.deepStrictEqual(await lensTitles(vgg.document.uri), ['22 layers · 138,357,544 params', 'Summary', 'Train']);
    const residual = await openExample('keras/residual_functional.py');
    const titles = await lensTitles(residual.document.uri);
    assert.deepStrictEqual(titles.filter((t) => !['Summary', 'Train', 'Augmentation'].includes(t)), ['3 layers · 0 params', '33 layers · 309,601 params']);
    // Both the data_augmentation Sequential and the model that starts with it can be previewed.
    assert.strictEqual(titles.filter((t) => t === 'Augmentation').length, 2);
  });

  it('turns CodeLens off with its setting', async () => {
    const editor = await openExample('keras/lenet5.py');
    const config = vscode.workspace.getConfiguration('convlens');
    await config.update('codeLens.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor(async () => (await lensTitles(editor.document.uri)).length === 0, 5000, 'CodeLens to disappear');
    } finally {
      await config.update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(async () => (await lensTitles(editor.document.uri)).length === 3, 5000, 'CodeLens to come back');
  });

  it('shows inline shape hints at the end of layer lines, and the toggle command hides them', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    const labels = await hintLabels(editor);
    assert.ok(labels.includes('→ (None, 26, 26, 32) · 320 params'), labels.join('\n'));
    assert.ok(labels.includes('→ (None, 10) · 650 params'), labels.join('\n'));
    await vscode.commands.executeCommand('convlens.toggleInlineHints');
    try {
      await waitFor(async () => (await hintLabels(editor)).length === 0, 5000, 'hints to disappear');
    } finally {
      await vscode.commands.executeCommand('convlens.toggleInlineHints');
    }
    await waitFor(async () => (await hintLabels(editor)).length > 0, 5000, 'hints to come back');
  });

  it('explains a layer on hover with the formulas', async () => {
    const editor = await openExample('keras/chollet_mnist_convnet.py');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('Conv2D(32'));
    const column = editor.document.lineAt(line).text.indexOf('Conv2D') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, column));
    const text = (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*conv2d\*\* \(Conv2D\)/);
    assert.match(text, /params: \(3·3·1 \+ 1\)·32 = 320/);
    assert.match(text, /height, width: ⌊\(28 − 3 \+ 2·0\)\/1⌋ \+ 1 = 26/);
  });

  it('reports a broken model in the Problems panel at the right line', async () => {
    const editor = await openExample('broken/kernel_too_big.py');
    const diagnostics = await waitFor(() => {
      const d = convlensDiagnostics(editor.document.uri);
      return d.length > 0 ? d : undefined;
    }, 5000, 'ConvLens diagnostics');
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(error, 'an error diagnostic');
    assert.match(error.message, /kernel \(7\) is larger than the input height \(5\)/);
    assert.match(editor.document.lineAt(error.range.start.line).text, /Conv2D\(.*7/);
  });

  it('fixes Dense on a rank-4 tensor with the Insert Flatten() quick fix', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'broken', 'missing_flatten.py'), 'utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    await vscode.window.showTextDocument(doc);
    const hint = await waitFor(() => convlensDiagnostics(doc.uri).find((d) => d.code === 'dense-on-rank4'), 5000, 'the missing-Flatten hint');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, hint.range, vscode.CodeActionKind.QuickFix.value);
    const fix = (actions ?? []).find((a) => a.title === 'Insert Flatten() before Dense');
    assert.ok(fix?.edit, `quick fix offered: ${(actions ?? []).map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    await waitFor(() => !convlensDiagnostics(doc.uri).some((d) => d.code === 'dense-on-rank4'), 5000, 'the hint to go away');
    assert.match(doc.getText(), /Flatten\(\)/);
    const analysis = api.analysis.get(doc)!.analysis;
    assert.deepStrictEqual(analysis.models[0].layers.at(-1)?.outputShape, [null, 10]);
  });

  it('follows edits live: changing a layer updates the CodeLens', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples', 'keras', 'chollet_mnist_convnet.py'), 'utf8');
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    const editor = await vscode.window.showTextDocument(doc);
    assert.deepStrictEqual((await lensTitles(doc.uri))[0], '8 layers · 93,322 params');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('Dense(64'));
    const col = doc.lineAt(line).text.indexOf('64');
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 2), '32'));
    // Dense(32): (576+1)*32 = 18,464 instead of 36,928; last Dense (32+1)*10 = 330 instead of 650.
    await waitFor(async () => (await lensTitles(doc.uri))[0] === '8 layers · 74,538 params', 5000, 'the CodeLens to update');
  });
});
