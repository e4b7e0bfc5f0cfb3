/**
 * Where a document's trained runs live and which of them can be inspected. Training writes
 * runs under the workspace folder of the model's document (or the document's own folder):
 * `<root>/.convlens/runs/<time>-<model>/`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { runsRoot } from '../core/engine/train/runDir';
import type { RunChoice } from '../protocol/inspect';
import { readPastRuns } from '../training/runAdapter';

/** The folder runs of this document's models are written under. */
export function workspaceRootFor(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
}

/** The model's runs that saved a model (model.json), newest first, labelled for the run picker. */
export function inspectableRuns(uri: vscode.Uri, modelName: string): RunChoice[] {
  const root = runsRoot(workspaceRootFor(uri));
  return readPastRuns(root, modelName, 50)
    .filter((r) => fs.existsSync(path.join(root, r.runId, 'model.json')))
    .reverse()
    .map((r) => {
      const when = new Date(r.startedAt).toISOString().slice(0, 16).replace('T', ' ');
      const acc = r.finalValAcc !== undefined && r.finalValAcc !== null && Number.isFinite(r.finalValAcc) ? ` · val acc ${(r.finalValAcc * 100).toFixed(1)}%` : '';
      return { source: path.join(root, r.runId), label: `${when} · ${r.settings.dataset} · ${r.history.length} epochs${acc}` };
    });
}
