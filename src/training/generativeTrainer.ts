/**
 * Train on a VAE or GAN: the recipe (both its models) trains in the training worker with a
 * progress notification that has Cancel (losses by Keras' names, batch by batch); the
 * latent-space panel opens on the run after its first epoch and follows it epoch by epoch
 * (losses, per-epoch samples, the decoder as it is now).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { parseDatasetSpec } from '../core/engine/data/types';
import type { ModelSpec } from '../core/model/spec';
import { describeRecipe, imageModel, type GenerativeRecipe } from '../core/generative/recipe';
import { GenerativeSession } from '../core/generative/train/session';
import type { GenerativeReport, GenerativeSettings } from '../core/generative/train/types';
import { readConfiguration } from '../host/configuration';
import { Disposables } from '../host/disposables';
import { workspaceRootFor } from '../host/runs';
import type { TrainChoices } from './projectSettings';

export interface StartedGenerativeRun {
  session: GenerativeSession;
  /** The report; undefined when the run failed (the user was told why). */
  finished: Promise<GenerativeReport | undefined>;
}

/** "loss 197.56 · kl_loss 3.25": the training losses, without the validation ones. */
function lossLine(logs: Record<string, number>): string {
  return Object.entries(logs).filter(([k]) => !k.startsWith('val_')).map(([k, v]) => `${k} ${v.toFixed(k === 'kl_loss' ? 3 : 2)}`).join(' · ');
}

export class GenerativeTrainer extends Disposables {
  private readonly running = new Map<string, StartedGenerativeRun>();

  /** `refreshPanel`: a run wrote another epoch; the latent-space panel reads it again when it shows that run. */
  constructor(private readonly context: vscode.ExtensionContext, private readonly refreshPanel: (runDir: string) => Promise<void>) {
    super();
    this.register({ dispose: () => this.running.forEach((run) => void run.session.terminate()) });
  }

  start(uri: vscode.Uri, specs: readonly ModelSpec[], recipe: GenerativeRecipe, choices: TrainChoices): StartedGenerativeRun {
    const key = `${uri.toString()}#${describeRecipe(recipe)}`;
    const existing = this.running.get(key);
    if (existing) {
      void vscode.window.showInformationMessage(`ConvLens: this ${recipe.kind.toUpperCase()} is already training.`);
      return existing;
    }
    const { backend, nativeKernels } = readConfiguration();
    const settings: GenerativeSettings = {
      data: parseDatasetSpec(choices.data), epochs: choices.epochs, batchSize: choices.batchSize,
      validationSplit: choices.validationSplit, seed: choices.seed, backend, nativeKernels, outDir: workspaceRootFor(uri),
    };
    const session = new GenerativeSession(specs, recipe, settings, { workerPath: path.join(this.context.extensionPath, 'dist', 'trainWorker.js') });
    const title = `Training ${describeRecipe(recipe)}`;
    const imageModelName = imageModel(recipe);
    let first = 1;
    const progress = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (bar, token) => {
      token.onCancellationRequested(() => session.cancel());
      session.on('batch', (e) => bar.report({ message: `epoch ${e.epoch}/${settings.epochs} · batch ${e.batch}/${e.batches} · ${lossLine(e.logs)}` }));
      session.on('epoch', () => bar.report({ increment: 100 / settings.epochs }));
      // The first checkpoint makes the run explorable: the panel opens on it and follows it epoch by epoch.
      session.on('checkpoint', (e) => {
        if (!session.runDir) return;
        const runDir = session.runDir;
        if (e.epoch === first) void vscode.commands.executeCommand('convlens.exploreLatentSpace', uri, imageModelName, runDir);
        else void this.refreshPanel(runDir);
      });
      session.on('run', (e) => { first = e.startEpoch; });
      return session.result;
    });
    const finished = Promise.resolve(progress).then(
      async (report) => {
        const last = report.history.at(-1);
        const explore = 'Explore Latent Space';
        const summary = `ConvLens: ${recipe.kind.toUpperCase()} ${report.status === 'cancelled' ? 'stopped' : 'trained'} after ${report.epochsCompleted} epoch${report.epochsCompleted === 1 ? '' : 's'}${last ? ` (${lossLine(last.logs)})` : ''}.`;
        if (report.status === 'completed') {
          // The panel already follows the run: read it once more for the final models and report.
          await vscode.commands.executeCommand('convlens.exploreLatentSpace', uri, imageModelName, report.runDir);
          await this.refreshPanel(report.runDir);
        } else void vscode.window.showInformationMessage(summary, explore).then((choice) => {
          if (choice === explore) void vscode.commands.executeCommand('convlens.exploreLatentSpace', uri, imageModelName, report.runDir);
        });
        return report;
      },
      (e: unknown) => {
        void vscode.window.showErrorMessage(`ConvLens: training the ${recipe.kind.toUpperCase()} failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      },
    ).finally(() => this.running.delete(key));
    const run = { session, finished };
    this.running.set(key, run);
    return run;
  }
}
