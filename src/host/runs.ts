/**
 * Where a document's trained runs live and which of them can be inspected. Training writes
 * runs under the workspace folder of the model's document (or the document's own folder):
 * `<root>/.convlens/runs/<time>-<model>/`; the command line finds them the same way (listRuns).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { hasInspectableRun, listRuns } from '../core/viz/inspect/load';
import type { RunChoice } from '../protocol/inspect';
import { recipeWith, type GenerativeRecipe } from '../core/generative/recipe';
import { hasRecipeRun, recipeRuns, recipesIn } from '../core/generative/runs';

/** The folder runs of this document's models are written under. */
export function workspaceRootFor(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
}

/** The model's runs that saved a model (model.json), newest first, labelled for the run picker. */
export function inspectableRuns(uri: vscode.Uri, modelName: string): RunChoice[] {
  const root = workspaceRootFor(uri);
  return listRuns(root, modelName, { stopAt: root })
    .filter((r) => r.hasModel)
    .map((r) => {
      const when = r.startedAt.slice(0, 16).replace('T', ' ');
      const status = r.status === 'completed' ? '' : ` · ${r.status}`;
      const acc = r.valAccuracy === null ? '' : ` · val acc ${(r.valAccuracy * 100).toFixed(1)}%`;
      return { source: r.folder, label: `${when}${status}${acc}` };
    });
}

/** Whether the model has a run to inspect: cheap enough for every CodeLens refresh (no report is read). */
export function hasInspectableRuns(uri: vscode.Uri, modelName: string): boolean {
  const root = workspaceRootFor(uri);
  return hasInspectableRun(root, modelName, { stopAt: root });
}

/** The runs of the VAE or GAN a model belongs to, newest first, labelled for the run picker. */
export function generativeRuns(uri: vscode.Uri, recipe: GenerativeRecipe): RunChoice[] {
  const root = workspaceRootFor(uri);
  return recipeRuns(root, recipe, { stopAt: root }).map((r) => ({ source: r.folder, label: `${r.startedAt.slice(0, 16).replace('T', ' ')}${r.status === 'completed' ? '' : ` · ${r.status}`}` }));
}

/** Whether the recipe has a run to explore: cheap enough for every CodeLens refresh (no report is read). */
export function hasGenerativeRuns(uri: vscode.Uri, recipe: GenerativeRecipe): boolean {
  const root = workspaceRootFor(uri);
  return hasRecipeRun(root, recipe, { stopAt: root });
}

/** The runs of the VAE or GAN that `modelName` belongs to in the file at `uri`, read from disk (after a window reload nothing is open yet). */
export function generativeRunsOf(uri: vscode.Uri, modelName: string): RunChoice[] {
  try {
    const recipe = recipeWith(recipesIn(uri.fsPath), modelName);
    return recipe ? generativeRuns(uri, recipe) : [];
  } catch {
    return []; // a file that is gone or unreadable: the panel still shows the run it had
  }
}
