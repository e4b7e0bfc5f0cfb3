/**
 * Train on a VAE or GAN: the recipe (both its models) trains in the training worker with a
 * progress notification that has Cancel (losses by Keras' names, batch by batch), and the
 * latent-space panel opens on the run when it completes.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { parseDatasetSpec } from '../core/engine/data/types';
import type { ModelSpec } from '../core/model/spec';
import { describeRecipe, type GenerativeRecipe } from '../core/generative/recipe';
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

  constructor(private readonly context: vscode.ExtensionContext) {
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
    const progress = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (bar, token) => {
      token.onCancellationRequested(() => session.cancel());
      session.on('batch', (e) => bar.report({ message: `epoch ${e.epoch}/${settings.epochs} · batch ${e.batch}/${e.batches} · ${lossLine(e.logs)}` }));
      session.on('epoch', () => bar.report({ increment: 100 / settings.epochs }));
      return session.result;
    });
    const finished = Promise.resolve(progress).then(
      async (report) => {
        const last = report.history.at(-1);
        const explore = 'Explore Latent Space';
        const summary = `ConvLens: ${recipe.kind.toUpperCase()} ${report.status === 'cancelled' ? 'stopped' : 'trained'} after ${report.epochsCompleted} epoch${report.epochsCompleted === 1 ? '' : 's'}${last ? ` (${lossLine(last.logs)})` : ''}.`;
        if (report.status === 'completed') await vscode.commands.executeCommand('convlens.exploreLatentSpace', uri, recipe.kind === 'vae' ? recipe.decoder : recipe.generator, report.runDir);
        else void vscode.window.showInformationMessage(summary, explore).then((choice) => {
          if (choice === explore) void vscode.commands.executeCommand('convlens.exploreLatentSpace', uri, recipe.kind === 'vae' ? recipe.decoder : recipe.generator, report.runDir);
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
