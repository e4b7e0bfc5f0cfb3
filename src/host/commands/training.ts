/** Train Model and Show Training Panel. */
import * as vscode from 'vscode';
import type { TrainChoices } from '../../training/projectSettings';
import { askTrainChoices } from '../../training/trainFlow';
import type { StartedRun } from '../../training/trainingController';
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

export function trainingCommands({ context, analysis, trainer }: CommandServices): CommandTable {
  const train = async (args: unknown[]): Promise<StartedRun | undefined> => {
    const target = commandTarget(analysis, args);
    if (!target) return undefined;
    const result = analysis.get(target.document)?.analysis;
    const index = Math.max(0, result?.models.findIndex((m) => m.name === target.modelName) ?? -1);
    const model = result?.models[index];
    if (!result || !model) {
      warnNoModel(target.document, ' to train');
      return undefined;
    }
    const errors = model.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !model.complete) {
      void vscode.window.showErrorMessage(`ConvLens: ${model.name} cannot be built yet: ${errors[0]?.message ?? 'some shapes or parameters are unknown'}.`);
      return undefined;
    }
    // Tests (and other extensions) may pass the choices; users get the quick-pick flow.
    const given = args[2] as TrainChoices | undefined;
    const choices = given ?? await askTrainChoices(context.workspaceState, target.document.uri, model.name, result.specs[index].fit);
    if (!choices) return undefined;
    return trainer.start(target.document.uri, result.specs[index], choices);
  };
  return {
    'convlens.trainModel': (...args) => train(args),
    'convlens.showTrainingPanel': (...args) => {
      const target = commandTarget(analysis, args);
      const name = target && (target.modelName ?? analysis.get(target.document)?.analysis.models[0]?.name);
      if (target && name) trainer.showPanel(target.document.uri, name);
    },
  };
}
