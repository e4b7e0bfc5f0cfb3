/**
 * Explore Latent Space: the latent-space panel on the latest run of the VAE or GAN that the
 * model under the cursor (or the CodeLens' model) belongs to; a run folder may be given too
 * (the trainer passes the run it just finished).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { findGenerativeRecipes, imageModel, recipeWith } from '../../core/generative/recipe';
import { generativeRuns } from '../runs';
import { commandTarget } from './target';
import type { CommandServices, CommandTable } from './types';

export function latentCommands({ analysis, latent }: CommandServices): CommandTable {
  return {
    'convlens.exploreLatentSpace': async (...args) => {
      const target = commandTarget(analysis, args);
      if (!target) return;
      const result = analysis.get(target.document)?.analysis;
      const recipes = result ? findGenerativeRecipes(result.specs, result.models) : [];
      const recipe = (target.modelName !== undefined ? recipeWith(recipes, target.modelName) : undefined) ?? recipes[0];
      if (!recipe) {
        void vscode.window.showWarningMessage(`ConvLens found no VAE (an encoder with z_mean/z_log_var outputs and a decoder) or GAN (a generator and a discriminator) in ${vscode.workspace.asRelativePath(target.document.uri)}.`);
        return;
      }
      const modelName = imageModel(recipe);
      const runs = generativeRuns(target.document.uri, recipe);
      const given = typeof args[2] === 'string' ? args[2] : undefined;
      const source = given ?? runs[0]?.source;
      if (!source) {
        const train = 'Train';
        const choice = await vscode.window.showInformationMessage(`ConvLens: this ${recipe.kind.toUpperCase()} has no trained run yet. Train it first.`, train);
        if (choice === train) await vscode.commands.executeCommand('convlens.trainModel', target.document.uri, modelName);
        return;
      }
      // A run folder given from elsewhere (the trainer's, or another workspace's) joins the picker.
      const choices = runs.some((r) => r.source === source) ? runs : [{ source, label: path.basename(source) }, ...runs];
      await latent.show({ source, uri: target.document.uri, modelName, runs: choices });
    },
  };
}
