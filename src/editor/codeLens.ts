/**
 * CodeLens above each model definition: `N layers · P params`, `Summary`, `Train`, and
 * `Augmentation` when the model starts with augmentation layers, `Inspect` when it has a
 * trained run, and `Latent Space` on a trained VAE's decoder or GAN's generator; and
 * `Augmentation` above each ImageDataGenerator(...).
 */
import * as vscode from 'vscode';
import { layerCount } from '../core/shapes/counts';
import { formatCount } from '../core/shapes/format';
import type { ModelSummary } from '../core/shapes/types';
import { inputPipeline } from '../core/engine/augment/plan';
import { drawsTransforms, idgSettings } from '../core/engine/augment/idg/random';
import type { DataGeneratorSpec } from '../core/model/spec';
import type { AnalysisService } from '../host/analysisService';
import { toVsRange } from './convert';
import { Disposables } from '../host/disposables';
import { onConfigurationChanged, readConfiguration } from '../host/configuration';
import { hasGenerativeRuns, hasInspectableRuns } from '../host/runs';
import { findGenerativeRecipes, imageModel } from '../core/generative/recipe';

/** Whether a generator's options draw random transforms; options ConvLens cannot read still get the lens, whose panel says why. */
function drawsSomething(g: DataGeneratorSpec): boolean {
  try {
    return drawsTransforms(idgSettings(g.config));
  } catch {
    return true;
  }
}

function lensTitle(model: ModelSummary): string {
  const n = layerCount(model);
  // An undecided branch: the count is the first branch's, neither exact nor a bound.
  const params = model.undecidedBranches
    ? `${formatCount(model.totalParams)} params? (depends on a condition ConvLens cannot decide)`
    : `${model.complete ? '' : '≥ '}${formatCount(model.totalParams)} params`;
  return `${n} layer${n === 1 ? '' : 's'} · ${params}`;
}

export class ModelCodeLensProvider extends Disposables implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly analysis: AnalysisService) {
    super();
    this.register(analysis.onDidChange(() => this.changed.fire()));
    this.register(onConfigurationChanged(['codeLens.enabled'], () => this.changed.fire()));
    // A training run that saves its model makes the model inspectable: show `Inspect` then.
    // A VAE's or GAN's first checkpoint makes it explorable: show `Latent Space` then.
    for (const pattern of ['**/.convlens/runs/*/model.json', '**/.convlens/runs/*/checkpoint/latest.json']) {
      const runs = this.register(vscode.workspace.createFileSystemWatcher(pattern));
      this.register(runs.onDidCreate(() => this.changed.fire()));
      this.register(runs.onDidDelete(() => this.changed.fire()));
    }
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!readConfiguration()['codeLens.enabled']) return [];
    const result = this.analysis.get(document);
    if (!result) return [];
    const recipes = findGenerativeRecipes(result.analysis.specs, result.analysis.models);
    // An ImageDataGenerator: its draws, with their Keras parameters, in the augmentation panel.
    // Not on one that only rescales (a validation generator): it draws nothing to see.
    const generators = (result.analysis.generators ?? []).filter((g) => g.name && drawsSomething(g)).map((g) => {
      const start = toVsRange(g.range).start;
      return new vscode.CodeLens(new vscode.Range(start, start), {
        title: 'Augmentation', command: 'convlens.previewAugmentation', arguments: [document.uri, g.name],
        tooltip: `See what ${g.name}'s random transforms do to an image, with each draw's parameters, as training applies them`,
      });
    });
    return [...generators, ...result.analysis.models.flatMap((model, i) => {
      const range = toVsRange(model.range);
      const line = new vscode.Range(range.start, range.start);
      const args = [document.uri, model.name];
      const spec = result.analysis.specs[i];
      return [
        new vscode.CodeLens(line, { title: lensTitle(model), command: 'convlens.showSummary', arguments: args, tooltip: `Open the summary of ${model.name}` }),
        new vscode.CodeLens(line, { title: 'Summary', command: 'convlens.showSummary', arguments: args, tooltip: 'Layer table, formulas and what-if input size' }),
        new vscode.CodeLens(line, { title: 'Train', command: 'convlens.trainModel', arguments: args, tooltip: `Train ${model.name} with TensorFlow.js (MNIST, synthetic shapes or an image folder)` }),
        // Only where there is something to see: augmentation layers the input meets first.
        ...(spec && inputPipeline(spec).augmentations.length > 0
          ? [new vscode.CodeLens(line, { title: 'Augmentation', command: 'convlens.previewAugmentation', arguments: args, tooltip: 'See what the augmentation layers do to an image, as training applies them' })]
          : []),
        // On a VAE's decoder or a GAN's generator (the part that makes images), once the recipe has a run.
        ...recipes.filter((r) => imageModel(r) === model.name && hasGenerativeRuns(document.uri, r)).map((r) =>
          new vscode.CodeLens(line, { title: 'Latent Space', command: 'convlens.exploreLatentSpace', arguments: args, tooltip: `Explore the trained ${r.kind.toUpperCase()}'s latent space: decode points, interpolate, sample` })),
        // Only for a model that has a trained run to look into.
        ...(hasInspectableRuns(document.uri, model.name)
          ? [new vscode.CodeLens(line, { title: 'Inspect', command: 'convlens.inspectModel', arguments: args, tooltip: 'What the trained convnet sees: feature maps, filter patterns, Grad-CAM heatmaps' })]
          : []),
      ];
    })];
  }
}
