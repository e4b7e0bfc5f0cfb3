/**
 * Inspect Model: the inspection panel on the latest trained run of the model under the cursor
 * (or the CodeLens' model), on a TF.js layers model.json, or on a Keras .keras/.h5 file.
 */
import * as vscode from 'vscode';
import { isKerasFile, notALayersModel } from '../../core/viz/inspect/load';
import { inspectableRuns } from '../runs';
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

export function inspectCommands({ analysis, inspect }: CommandServices): CommandTable {
  return {
    'convlens.inspectModel': async (...args) => {
      // A TF.js model.json (from the explorer's context menu, or the file open in the editor).
      const file = args[0] instanceof vscode.Uri ? args[0] : vscode.window.activeTextEditor?.document.uri;
      // A Keras model file (from the explorer's context menu): its own weights, read by ConvLens.
      if (file?.scheme === 'file' && isKerasFile(file.fsPath)) {
        await inspect.show({ source: file.fsPath, runs: [] });
        return;
      }
      if (file?.scheme === 'file' && file.path.endsWith('.json')) {
        const why = notALayersModel(file.fsPath);
        if (why) void vscode.window.showWarningMessage(`ConvLens: ${why}. Inspect works on a TF.js model.json or a model trained by ConvLens.`);
        else await inspect.show({ source: file.fsPath, runs: [] });
        return;
      }
      const target = commandTarget(analysis, args);
      if (!target) return;
      const models = analysis.get(target.document)?.analysis.models ?? [];
      const model = models.find((m) => m.name === target.modelName) ?? models[0];
      if (!model) {
        warnNoModel(target.document);
        return;
      }
      const runs = inspectableRuns(target.document.uri, model.name);
      if (runs.length === 0) {
        const train = 'Train';
        const choice = await vscode.window.showInformationMessage(`ConvLens: ${model.name} has no trained run to inspect yet. Train it first.`, train);
        if (choice === train) await vscode.commands.executeCommand('convlens.trainModel', target.document.uri, model.name);
        return;
      }
      await inspect.show({ source: runs[0].source, uri: target.document.uri, modelName: model.name, runs });
    },
  };
}
