/** Helpers for integration tests that drive the VS Code API from the extension host. */
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'convlens.convlens';

/** The workspace folder the runners open: the repository's `examples/`. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'No workspace folder is open: the runner should open examples/.');
  return folder.uri;
}

/** URI of `relPath` (slash-separated), relative to the workspace folder. */
export function exampleUri(relPath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relPath.split(/[\\/]/));
}

/**
 * Opens a file of the workspace folder in an editor. Accepts paths relative to the
 * folder (`keras/lenet5.py`) and, for convenience, with a leading `examples/`.
 */
export async function openExample(relPath: string): Promise<vscode.TextEditor> {
  let uri = exampleUri(relPath);
  if (/^examples[\\/]/.test(relPath) && path.basename(workspaceRoot().path) === 'examples') {
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      uri = exampleUri(relPath.replace(/^examples[\\/]/, ''));
    }
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `fn` until it returns a truthy value (which is returned), or fails after
 * `timeoutMs` with `message` and the last error `fn` threw, if any.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10000,
  message = 'condition',
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${detail}`);
}

/** The ConvLens extension, activated; returns it with its `activate()` export. */
export async function activateExtension<T = unknown>(): Promise<vscode.Extension<T>> {
  const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
  assert.ok(ext, `Extension ${EXTENSION_ID} is not loaded in this window.`);
  await ext.activate();
  return ext;
}

/** Closes every editor, so each test starts from the same layout. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
