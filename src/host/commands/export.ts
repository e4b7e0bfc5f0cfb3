/**
 * Export Model…: a trained model — the latest run of the model under the cursor (or the one
 * a CodeLens or the training panel names), or a run's model.json from the explorer — as a
 * Keras 3 `.keras` file or a TF.js layers model, at the path the save dialog returns.
 * Tests (and other extensions) may pass `{format, out}` as the third argument instead.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { exportModel, type ExportFormat, type ExportResult } from '../../core/export/exportModel';
import { readJsonFile } from '../../core/viz/inspect/load';
import { inspectableRuns, workspaceRootFor } from '../runs';
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

interface ExportSource {
  source: string;
  name: string;
  /** Where the save dialog starts. */
  folder: string;
}

export interface ExportChoices {
  format: ExportFormat;
  out: string;
}

const FORMATS: (vscode.QuickPickItem & { format: ExportFormat })[] = [
  { label: 'Keras 3 (.keras)', description: 'for keras.saving.load_model, fit and TensorFlow\'s distribution strategies', format: 'keras' },
  { label: 'TF.js layers model', description: 'model.json + weights, for tf.loadLayersModel', format: 'tfjs' },
];

/** The run to export: a model.json from the explorer, else the target model's latest run (offering to train when there is none). */
async function exportSource(services: CommandServices, args: unknown[]): Promise<ExportSource | undefined> {
  const [first] = args;
  if (first instanceof vscode.Uri && first.scheme === 'file' && first.fsPath.toLowerCase().endsWith('.json')) {
    // A run's model.json is named after its model (settings.json); another, after itself or its folder.
    const folder = path.dirname(first.fsPath);
    const stem = path.basename(first.fsPath).replace(/\.json$/i, '');
    const model = readJsonFile<{ model?: string }>(path.join(folder, 'settings.json'))?.model;
    return { source: first.fsPath, name: model ?? (stem === 'model' ? path.basename(folder) : stem), folder: model ? workspaceRootFor(first) : folder };
  }
  const target = commandTarget(services.analysis, args);
  if (!target) return undefined;
  const models = services.analysis.get(target.document)?.analysis.models ?? [];
  const model = models.find((m) => m.name === target.modelName) ?? models[0];
  if (!model) {
    warnNoModel(target.document, ' to export');
    return undefined;
  }
  const runs = inspectableRuns(target.document.uri, model.name);
  if (runs.length === 0) {
    const train = 'Train';
    const choice = await vscode.window.showInformationMessage(`ConvLens: ${model.name} has no trained run to export yet. Train it first.`, train);
    if (choice === train) await vscode.commands.executeCommand('convlens.trainModel', target.document.uri, model.name);
    return undefined;
  }
  return { source: runs[0].source, name: model.name, folder: workspaceRootFor(target.document.uri) };
}

async function askChoices(from: ExportSource): Promise<ExportChoices | undefined> {
  const picked = await vscode.window.showQuickPick(FORMATS, { title: `Export ${from.name}`, placeHolder: 'Format' });
  if (!picked) return undefined;
  const ext = picked.format === 'keras' ? 'keras' : 'json';
  const uri = await vscode.window.showSaveDialog({
    title: `Export ${from.name} as ${picked.label}`,
    saveLabel: 'Export',
    defaultUri: vscode.Uri.file(path.join(from.folder, `${from.name}.${ext}`)),
    filters: picked.format === 'keras' ? { 'Keras 3 model': ['keras'] } : { 'TF.js model.json': ['json'] },
  });
  return uri ? { format: picked.format, out: uri.fsPath } : undefined;
}

export function exportCommands(services: CommandServices): CommandTable {
  return {
    'convlens.exportModel': async (...args): Promise<ExportResult | undefined> => {
      const from = await exportSource(services, args);
      if (!from) return undefined;
      const choices = (args[2] as ExportChoices | undefined) ?? await askChoices(from);
      if (!choices) return undefined;
      let result: ExportResult;
      try {
        result = await exportModel(from.source, choices.format, choices.out);
      } catch (e) {
        void vscode.window.showErrorMessage(`ConvLens: cannot export ${from.name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        return undefined;
      }
      const files = result.files.map((f) => vscode.workspace.asRelativePath(f)).join(' + ');
      void vscode.window.showInformationMessage(`ConvLens: exported ${from.name} to ${files} (${result.arrays} weight arrays${result.format === 'keras' && result.compiled ? ', compiled as the run was' : ''}).`);
      return result;
    },
  };
}
