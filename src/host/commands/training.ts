/** Train Model and Show Training Panel. */
import * as fs from 'fs';
import { codeWeightsFile } from '../../core/modelFile/codeWeights';
import { withTrainable, type TrainableFlags } from '../../core/model/trainable';
import * as vscode from 'vscode';
import type { TrainChoices } from '../../training/projectSettings';
import { askTrainChoices } from '../../training/trainFlow';
import type { StartedRun } from '../../training/trainingController';
import type { StartedGenerativeRun } from '../../training/generativeTrainer';
import { findGenerativeRecipes, recipeWith } from '../../core/generative/recipe';
import { missingMessage, missingPretrained } from '../../core/engine/train/pretrained';
import { readConfiguration } from '../configuration';
import { openModelFile } from '../../core/modelFile/open';
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

export function trainingCommands({ context, analysis, trainer, generative }: CommandServices): CommandTable {
  const train = async (args: unknown[]): Promise<StartedRun | StartedGenerativeRun | undefined> => {
    const target = commandTarget(analysis, args);
    if (!target) return undefined;
    const result = analysis.get(target.document)?.analysis;
    const index = Math.max(0, result?.models.findIndex((m) => m.name === target.modelName) ?? -1);
    const model = result?.models[index];
    if (!result || !model) {
      warnNoModel(target.document, ' to train');
      return undefined;
    }
    // A part of a VAE or GAN trains as the recipe it belongs to: alone it has no loss to learn from.
    // (An encoder's sampling layer may stay unknown: the recipe cuts the encoder at z_mean and z_log_var.)
    const recipe = recipeWith(findGenerativeRecipes(result.specs, result.models), model.name);
    const errors = model.diagnostics.filter((d) => d.severity === 'error');
    // A model that depends on an undecidable condition is built as read (its first branch), and the user is told.
    const undecidedOnly = model.undecidedBranches !== undefined && model.layers.every((l) => l.params !== null);
    if (errors.length > 0 || (!model.complete && !recipe && !undecidedOnly)) {
      void vscode.window.showErrorMessage(`ConvLens: ${model.name} cannot be built yet: ${errors[0]?.message ?? 'some shapes or parameters are unknown'}.`);
      return undefined;
    }
    if (undecidedOnly) void vscode.window.showWarningMessage(`ConvLens: ${model.name} trains as read: it ${model.undecidedBranches![0]}.`);
    // Tests (and other extensions) may pass the choices; users get the quick-pick flow.
    const given = args[2] as TrainChoices | undefined;
    const choices = given ?? await askTrainChoices(context.workspaceState, target.document.uri, model.name, result.specs[index].fit);
    if (!choices) return undefined;
    if (recipe) return generative.start(target.document.uri, result.specs, recipe, choices);
    // A keras.applications base without its weight file: say which file, and train from random weights only if asked.
    const missing = missingPretrained(result.specs[index], readConfiguration().weightsFolder || undefined);
    let randomPretrained = false;
    if (missing.length > 0) {
      const random = 'Train from Random Weights';
      const choice = await vscode.window.showWarningMessage(`ConvLens: ${missingMessage(missing[0])}.`, { modal: true }, random);
      if (choice !== random) return undefined;
      randomPretrained = true;
    }
    // The code's own model.load_weights(...): training starts from that file.
    const codeWeights = codeWeightsFile(result.specs[index], target.document.uri.fsPath);
    if (codeWeights !== undefined && !fs.existsSync(codeWeights)) {
      void vscode.window.showErrorMessage(`ConvLens: model.load_weights names '${result.specs[index].weightsFile}', which is not at ${codeWeights}.`);
      return undefined;
    }
    return trainer.start(target.document.uri, result.specs[index], choices, undefined, randomPretrained, codeWeights);
  };
  /**
   * Fine-tune a saved model file (.keras, .h5, model.json): its spec and compile settings, its
   * weights to start from; args: the file, the train choices (else asked), the layers' trainable flags.
   */
  const fineTune = async (args: unknown[]): Promise<StartedRun | undefined> => {
    const uri = args[0] instanceof vscode.Uri ? args[0] : undefined;
    if (!uri) {
      void vscode.window.showErrorMessage('ConvLens: Fine-tune works on a saved model file: choose a .keras, .h5 or model.json in the explorer.');
      return undefined;
    }
    let opened: ReturnType<typeof openModelFile>;
    try {
      opened = openModelFile(uri.fsPath);
    } catch (e) {
      void vscode.window.showErrorMessage(`ConvLens: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
      return undefined;
    }
    const choices = (args[1] as TrainChoices | undefined) ?? await askTrainChoices(context.workspaceState, uri, opened.spec.name);
    if (!choices) return undefined;
    const flags = (args[2] ?? {}) as TrainableFlags;
    return trainer.start(uri, withTrainable(opened.spec, flags), choices, undefined, false, uri.fsPath);
  };
  return {
    'convlens.fineTuneModelFile': (...args) => fineTune(args),
    'convlens.trainModel': (...args) => train(args),
    'convlens.showTrainingPanel': (...args) => {
      const target = commandTarget(analysis, args);
      const result = target && analysis.get(target.document)?.analysis;
      const name = target && (target.modelName ?? result?.models[0]?.name);
      if (!target || !name) return;
      // A part of a VAE or GAN shows the recipe's runs: its losses and samples.
      const recipe = result && recipeWith(findGenerativeRecipes(result.specs, result.models), name);
      if (recipe) generative.showPanel(target.document.uri, recipe);
      else trainer.showPanel(target.document.uri, name);
    },
  };
}
