/**
 * "ConvLens: Train Model": builds the model under the cursor (or the CodeLens' model) from
 * its spec, trains it in the engine's worker thread, and shows progress in a notification
 * with Cancel, in the training panel (live curves, reconnectable) and, for the backend, in
 * the status bar. The extension host never runs training code itself.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { NATIVE_MODULES_ENV, backendLabel } from '../core/engine/backend/select';
import { parseDatasetSpec } from '../core/engine/data/types';
import { runsRoot } from '../core/engine/train/runDir';
import { TrainingSession } from '../core/engine/train/session';
import type { TrainEvent, TrainReport, TrainSettings } from '../core/engine/train/types';
import { fitGenerator } from '../core/engine/train/trainingInput';
import type { ModelSpec } from '../core/model/spec';
import type { TrainingPanelHandle, TrainingPanelsApi } from '../panels/trainingPanel';
import { readConfiguration } from '../host/configuration';
import { Disposables } from '../host/disposables';
import { workspaceRootFor } from '../host/runs';
import { followRun } from './panelRun';
import { RunAdapter, readPastRuns } from './runAdapter';
import type { TrainChoices } from './projectSettings';

export interface StartedRun {
  runId: string;
  session: TrainingSession;
  /** Resolves when the run ends (done, cancelled or failed); never rejects. */
  finished: Promise<TrainReport | undefined>;
}

/** One model in one file: runs and training panels are per model key. */
function modelKeyOf(uri: vscode.Uri, modelName: string): string {
  return `${uri.toString()}#${modelName}`;
}

/** The document and model of a key (a model name never contains '#'; a uri's fragment may). */
function parseModelKey(key: string): { uri: vscode.Uri; modelName: string } | undefined {
  const i = key.lastIndexOf('#');
  return i > 0 ? { uri: vscode.Uri.parse(key.slice(0, i)), modelName: key.slice(i + 1) } : undefined;
}

/** A model's training panel that came back after a window reload, with its document and model. */
export interface RestoredPanel {
  handle: TrainingPanelHandle;
  uri: vscode.Uri;
  modelName: string;
}

export class TrainingController extends Disposables {
  private readonly running = new Map<string, StartedRun>();
  private readonly restoredEmitter = this.register(new vscode.EventEmitter<RestoredPanel>());
  /** After the panel's buttons are wired again: a VAE's or GAN's trainer shows its run in it. */
  readonly onDidRestorePanel = this.restoredEmitter.event;
  private readonly wired = new WeakSet<TrainingPanelHandle>();
  private readonly status = this.register(vscode.window.createStatusBarItem('convlens.backend', vscode.StatusBarAlignment.Right, 100));

  constructor(private readonly context: vscode.ExtensionContext, private readonly panels: TrainingPanelsApi) {
    super();
    this.status.name = 'ConvLens backend';
    this.status.command = { title: 'Choose backend', command: 'workbench.action.openSettings', arguments: ['convlens.backend'] };
    // Where Install Native Backend puts tfjs-node; the training worker inherits the variable.
    process.env[NATIVE_MODULES_ENV] = path.join(context.globalStorageUri.fsPath, 'native');
    this.register({ dispose: () => { for (const run of this.running.values()) void run.session.terminate(); } });
    // A panel restored after a window reload gets its buttons and the model's earlier runs back.
    this.register(panels.onDidRestorePanel((handle) => {
      const owner = parseModelKey(handle.modelKey);
      if (!owner) return;
      this.wire(handle, owner.uri, owner.modelName);
      if (!handle.isRunning) handle.setHistory(readPastRuns(runsRoot(workspaceRootFor(owner.uri)), owner.modelName));
      this.restoredEmitter.fire({ handle, ...owner });
    }));
  }

  /** Shows the last run's backend in the status bar; hidden until then, as people who never train need no status item. */
  private showBackend(active: string): void {
    this.status.text = `$(chip) ${active}`;
    this.status.tooltip = `ConvLens trains on ${active} (setting convlens.backend: ${readConfiguration().backend}); click to change`;
    this.status.show();
  }

  isRunning(modelKey: string): boolean {
    return this.running.has(modelKey);
  }

  /** Starts a run, or returns the model's run in progress; its `finished` settles when the run ends. */
  /** `randomPretrained`: the user chose to train an application whose weight file is missing from random weights. */
  /** `initialWeights`: a saved model file whose weights the run starts from (fine-tuning). */
  start(uri: vscode.Uri, spec: ModelSpec, choices: TrainChoices, resume?: string, randomPretrained?: boolean, initialWeights?: string): StartedRun {
    const modelKey = modelKeyOf(uri, spec.name);
    const existing = this.running.get(modelKey);
    if (existing) {
      // Training twice at once would fight over the run folder: show the run in progress instead.
      this.showPanel(uri, spec.name);
      void vscode.window.showInformationMessage(`ConvLens: ${spec.name} is already training; showing its progress.`);
      return existing;
    }
    const root = workspaceRootFor(uri);
    const { backend, nativeKernels, weightsFolder } = readConfiguration();
    const settings: TrainSettings = {
      data: parseDatasetSpec(choices.data), epochs: choices.epochs, batchSize: choices.batchSize,
      validationSplit: choices.validationSplit, seed: choices.seed, backend, nativeKernels, outDir: root, resume,
      weightsFolder: weightsFolder || undefined, randomPretrained, initialWeights,
      // A model file fine-tunes from itself (a tenth of its rate); other weights are the code's load_weights (its rate as compiled).
      weightsFromCode: initialWeights !== undefined && initialWeights !== uri.fsPath ? true : undefined,
      // The code's EarlyStopping(monitor=...) decides what is watched; Keras' default is val_loss.
      earlyStopping: choices.earlyStopping > 0 ? { patience: choices.earlyStopping, monitor: spec.fit?.earlyStoppingMonitor ?? 'val_loss' } : undefined,
      // The code's fit() trains on an ImageDataGenerator: every training batch goes through it, as in Keras.
      generator: fitGenerator(spec.fit),
      // Keras' steps_per_epoch / validation_steps (0 or absent: whole passes); validation batches are the validation iterator's size.
      ...(choices.stepsPerEpoch ? { stepsPerEpoch: choices.stepsPerEpoch } : {}),
      ...(choices.validationSteps ? { validationSteps: choices.validationSteps, validationBatchSize: spec.fit?.validationData?.generator?.flow?.batchSize } : {}),
    };
    const panel = this.openPanel(uri, spec.name);
    panel.setHistory(readPastRuns(runsRoot(root), spec.name));
    const runId = `${Date.now().toString(36)}-${spec.name}`;
    let onBatch: ((e: Extract<TrainEvent, { type: 'batch' }>) => void) | undefined;
    const adapter = new RunAdapter(runId, spec.name, vscode.workspace.asRelativePath(uri), settings, (e) => panel.post(e));
    const session = new TrainingSession(spec, settings, { workerPath: path.join(this.context.extensionPath, 'dist', 'trainWorker.js') });
    const shown = followRun(panel, session, adapter, (e) => {
      if (e.type === 'backend') this.showBackend(backendLabel(e.backend));
      if (e.type === 'batch') onBatch?.(e);
    });
    const finished = Promise.resolve(this.progress(spec.name, settings, session, (listener) => { onBatch = listener; })).then(
      (report) => {
        void this.announce(spec.name, report, () => this.start(uri, spec, choices, report.runDir));
        return report;
      },
      (e: unknown) => {
        void vscode.window.showErrorMessage(`ConvLens: training ${spec.name} failed: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      },
    ).finally(() => shown.then(() => this.running.delete(modelKey)));
    const run: StartedRun = { runId, session, finished };
    this.running.set(modelKey, run);
    return run;
  }

  /**
   * Opens (or reopens) a model's training panel: a run in progress is replayed into it and
   * continues live; otherwise it shows the model's earlier runs.
   */
  showPanel(uri: vscode.Uri, modelName: string): void {
    const handle = this.openPanel(uri, modelName);
    if (!this.running.has(modelKeyOf(uri, modelName))) handle.setHistory(readPastRuns(runsRoot(workspaceRootFor(uri)), modelName));
  }

  /**
   * A model's training panel, opened (or brought forward) with its buttons wired: every run
   * shown in a training panel, a classifier's or a VAE's or GAN's, gets its panel here.
   * `title`: the tab's and header's name until a run names it (default the model's name).
   */
  openPanel(uri: vscode.Uri, modelName: string, title = modelName): TrainingPanelHandle {
    const handle = this.panels.show(modelKeyOf(uri, modelName), title);
    this.wire(handle, uri, modelName);
    return handle;
  }

  /**
   * The panel's "Show model source", "Inspect" and "Export…" buttons act on the model's
   * document (once per panel handle); a VAE's or GAN's run is looked into in the latent-space panel.
   */
  private wire(handle: TrainingPanelHandle, uri: vscode.Uri, modelName: string): void {
    if (this.wired.has(handle)) return;
    this.wired.add(handle);
    this.register(handle.onReveal(() => void vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One })));
    this.register(handle.onInspect(() => void vscode.commands.executeCommand(handle.run?.generative ? 'convlens.exploreLatentSpace' : 'convlens.inspectModel', uri, modelName)));
    this.register(handle.onExport(() => void vscode.commands.executeCommand('convlens.exportModel', uri, modelName)));
  }

  /** A notification with Cancel; cancelling stops the worker within one batch. */
  private progress(model: string, settings: TrainSettings, session: TrainingSession,
    subscribe: (onBatch: (b: Extract<TrainEvent, { type: 'batch' }>) => void) => void): Thenable<TrainReport> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Training ${model}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => session.cancel());
        let lastFraction = 0;
        subscribe((b) => {
          const fraction = ((b.epoch - 1) + b.batch / b.batches) / settings.epochs;
          progress.report({
            message: `epoch ${b.epoch}/${settings.epochs} · batch ${b.batch}/${b.batches} · loss ${b.loss.toFixed(3)} · ${Math.round(b.imagesPerSec)} img/s`,
            increment: Math.max(0, (fraction - lastFraction) * 100),
          });
          lastFraction = Math.max(lastFraction, fraction);
        });
        return session.result;
      },
    );
  }

  /** Tells the user how the run ended; a stopped run can be resumed from its checkpoint. */
  private async announce(model: string, report: TrainReport, resume: () => void): Promise<void> {
    const last = report.history.at(-1);
    const acc = last ? ` · val_acc ${(last.val_acc * 100).toFixed(2)}%` : '';
    const what = report.status === 'cancelled' ? 'stopped' : report.status === 'early-stopped' ? 'stopped early' : 'trained';
    const open = 'Open Run Folder';
    const canResume = report.status === 'cancelled' && report.files.checkpoint !== undefined;
    const actions = canResume ? ['Resume', open] : [open];
    const choice = await vscode.window.showInformationMessage(`ConvLens: ${model} ${what} after ${report.epochsCompleted} epoch(s) on ${backendLabel(report.backend)}${acc}.`, ...actions);
    if (choice === open) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(report.runDir));
    if (choice === 'Resume') {
      try {
        resume();
      } catch (e) {
        void vscode.window.showErrorMessage(`ConvLens: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
