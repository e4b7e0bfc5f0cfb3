/**
 * Train on a VAE or GAN: the recipe (both its models) trains in the training worker with a
 * progress notification that has Cancel (losses by Keras' names, batch by batch). The
 * training panel shows it live as it shows a classifier's run (through the same followRun:
 * the recipe's loss curves and each epoch's samples). The latent-space panel, when the user
 * opens it on the run (it is explorable from its first checkpoint), follows it epoch by epoch
 * (the decoder as it is now), and opens on the run when it has trained to the end.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { parseDatasetSpec } from '../core/engine/data/types';
import type { ModelSpec } from '../core/model/spec';
import { describeRecipe, imageModel, recipeWith, type GenerativeRecipe } from '../core/generative/recipe';
import { recipesIn } from '../core/generative/runs';
import { recipeRunName } from '../core/generative/train/run';
import { GenerativeSession, type GenerativeSessionEvent } from '../core/generative/train/session';
import type { GenerativeReport, GenerativeSettings } from '../core/generative/train/types';
import { readConfiguration } from '../host/configuration';
import { Disposables } from '../host/disposables';
import { generativeRuns, workspaceRootFor } from '../host/runs';
import type { TrainingPanelHandle } from '../panels/trainingPanel';
import { GenerativeRunAdapter, replayGenerativeRun } from './generativeAdapter';
import { followRun } from './panelRun';
import type { TrainChoices } from './projectSettings';
import type { RestoredPanel } from './trainingController';

/** Where a recipe's runs are shown: the training controller's panels (one per model, wired to the document). */
export interface RecipePanels {
  openPanel(uri: vscode.Uri, modelName: string, title?: string): TrainingPanelHandle;
  readonly onDidRestorePanel: vscode.Event<RestoredPanel>;
}

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
  constructor(private readonly context: vscode.ExtensionContext, private readonly refreshPanel: (runDir: string) => Promise<void>, private readonly panels: RecipePanels) {
    super();
    this.register({ dispose: () => this.running.forEach((run) => void run.session.terminate()) });
    // A recipe's panel that came back after a window reload shows its latest run again.
    this.register(panels.onDidRestorePanel(({ handle, uri, modelName }) => {
      let recipe: GenerativeRecipe | undefined;
      try {
        recipe = recipeWith(recipesIn(uri.fsPath), modelName);
      } catch {
        return; // the file is gone or unreadable: the panel stays as it came back
      }
      if (recipe && imageModel(recipe) === modelName && !handle.isRunning) this.replayLatest(handle, uri, recipe);
    }));
  }

  /** The recipe's training panel, keyed by its image model (the decoder or generator). */
  private panel(uri: vscode.Uri, recipe: GenerativeRecipe): TrainingPanelHandle {
    return this.panels.openPanel(uri, imageModel(recipe), describeRecipe(recipe));
  }

  /**
   * Shows the recipe's training panel: the run in progress, or else the latest run read
   * back from its folder (its curves and every epoch's samples), as it was drawn live.
   */
  showPanel(uri: vscode.Uri, recipe: GenerativeRecipe): void {
    const handle = this.panel(uri, recipe);
    if (!this.running.has(this.keyOf(uri, recipe))) this.replayLatest(handle, uri, recipe);
  }

  private replayLatest(handle: TrainingPanelHandle, uri: vscode.Uri, recipe: GenerativeRecipe): void {
    const latest = generativeRuns(uri, recipe)[0];
    const events = latest && replayGenerativeRun(latest.source, vscode.workspace.asRelativePath(uri));
    for (const e of events ?? []) handle.post(e);
  }

  private keyOf(uri: vscode.Uri, recipe: GenerativeRecipe): string {
    return `${uri.toString()}#${describeRecipe(recipe)}`;
  }

  start(uri: vscode.Uri, specs: readonly ModelSpec[], recipe: GenerativeRecipe, choices: TrainChoices): StartedGenerativeRun {
    const key = this.keyOf(uri, recipe);
    const existing = this.running.get(key);
    if (existing) {
      this.panel(uri, recipe);
      void vscode.window.showInformationMessage(`ConvLens: this ${recipe.kind.toUpperCase()} is already training; showing its progress.`);
      return existing;
    }
    const { backend, nativeKernels } = readConfiguration();
    const settings: GenerativeSettings = {
      data: parseDatasetSpec(choices.data), epochs: choices.epochs, batchSize: choices.batchSize,
      validationSplit: choices.validationSplit, seed: choices.seed, backend, nativeKernels, outDir: workspaceRootFor(uri),
    };
    const session = new GenerativeSession(specs, recipe, settings, { workerPath: path.join(this.context.extensionPath, 'dist', 'trainWorker.js') });
    const panel = this.panel(uri, recipe);
    panel.setHistory([]);
    const adapter = new GenerativeRunAdapter(`${Date.now().toString(36)}-${recipeRunName(recipe)}`, recipe, vscode.workspace.asRelativePath(uri), settings, (e) => panel.post(e));
    // The notification gets the batches the panel gets: at most ten a second.
    let onBatch: ((e: Extract<GenerativeSessionEvent, { type: 'batch' }>) => void) | undefined;
    const shown = followRun(panel, session, adapter, (e) => { if (e.type === 'batch') onBatch?.(e); });
    const title = `Training ${describeRecipe(recipe)}`;
    const imageModelName = imageModel(recipe);
    const progress = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (bar, token) => {
      token.onCancellationRequested(() => session.cancel());
      onBatch = (e) => bar.report({ message: `epoch ${e.epoch}/${settings.epochs} · batch ${e.batch}/${e.batches} · ${lossLine(e.logs)}` });
      session.on('epoch', () => bar.report({ increment: 100 / settings.epochs }));
      // Each checkpoint is explorable: a latent-space panel showing the run reads it again. It
      // does not open by itself mid-run, where it would cover the training panel the user watches.
      session.on('checkpoint', () => {
        if (session.runDir) void this.refreshPanel(session.runDir);
      });
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
    ).finally(() => shown.then(() => this.running.delete(key)));
    const run = { session, finished };
    this.running.set(key, run);
    return run;
  }
}
