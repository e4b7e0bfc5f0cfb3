/**
 * The training panel's host side: one panel per model (keyed by a string the caller
 * chooses, e.g. `<document uri>#<model name>`), driven entirely by TrainingEvents that
 * the training controller posts through a TrainingPanelHandle.
 *
 * A handle outlives its tab: events posted while the tab is closed (or hidden, which
 * unloads its page) are kept in a TrainingReplayBuffer, and whenever a page says `ready` it
 * is sent the buffer's replay, so a panel reopened mid-run reconnects to the run and
 * continues live. After a window reload the serializer brings tabs back with the past runs
 * their page persisted; a run still buffered for that model re-attaches.
 */
import * as vscode from 'vscode';
import { Disposables } from '../host/disposables';
import { trainingProtocol, type PastRun, type RunInfo, type TrainingEvent, type TrainingWebviewMessage } from '../protocol/training';
import { holdNone } from './framework/channel';
import { PanelManager } from './framework/panelManager';
import { PanelHost, type PageContext } from './framework/webviewHost';
import { TrainingReplayBuffer } from './trainingReplay';

export const TRAINING_VIEW_TYPE = 'convlens.training';

/** One model's training panel, as the training controller sees it. */
export interface TrainingPanelHandle {
  readonly modelKey: string;
  /** Between a runStarted event and the done/stopped/error event of that run. */
  readonly isRunning: boolean;
  /** Whether a tab for this model is open now. */
  readonly isOpen: boolean;
  /** The run being (or last) shown, if any. */
  readonly run: RunInfo | undefined;
  /** Records an event and forwards it to the tab if one is open. Events of another run than the current one are ignored. */
  post(event: TrainingEvent): void;
  /** The model's earlier runs, listed under the charts (same as posting a `history` event). */
  setHistory(runs: PastRun[]): void;
  /** The user pressed Stop on run `runId` (the current run). */
  onStop(listener: (runId: string) => void): vscode.Disposable;
  /** The user asked to see the model's source. */
  onReveal(listener: () => void): vscode.Disposable;
  /** The user asked to inspect the model's last run. */
  onInspect(listener: () => void): vscode.Disposable;
  /** The user asked to export the model's last run (Keras or TF.js). */
  onExport(listener: () => void): vscode.Disposable;
  /** Opens the tab again if it was closed, and brings it forward. */
  reveal(): void;
  /** Closes the tab (the handle and its buffer stay). */
  close(): void;
}

export interface TrainingPanelsApi extends vscode.Disposable {
  /** The model's panel, opened (or revealed, when already open); its handle is the same on every call for one key. */
  show(modelKey: string, title: string): TrainingPanelHandle;
  /** The handle of a model shown before, without opening anything. */
  get(modelKey: string): TrainingPanelHandle | undefined;
  /** A tab came back after a window reload: a chance to give it its past runs (setHistory). */
  readonly onDidRestorePanel: vscode.Event<TrainingPanelHandle>;
}

/** One open tab of a model's training panel. */
class TrainingPage extends PanelHost<typeof trainingProtocol> {
  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly model: ModelTrainingPanel) {
    // Events are not held while the page loads: the replay on each `ready` has them.
    super(panel, context, {
      id: TRAINING_VIEW_TYPE, key: model.modelKey, protocol: trainingProtocol, script: 'training', title: 'ConvLens training',
      styles: ['webview.css', 'training.css'], hold: holdNone,
    });
    this.title = `Training: ${model.title}`;
  }

  protected onMessage(message: TrainingWebviewMessage): void {
    this.model.onMessage(message);
  }

  protected override onReady(): void {
    // The identity first, so the page can persist it for the serializer.
    this.post({ type: 'identity', modelKey: this.model.modelKey, title: this.model.title });
    for (const e of this.model.buffer.replay()) this.post(e);
  }
}

/** A model's replay buffer, listeners and (when open) tab. */
class ModelTrainingPanel implements TrainingPanelHandle {
  readonly buffer = new TrainingReplayBuffer();
  private page?: TrainingPage;
  private readonly stopEmitter = new vscode.EventEmitter<string>();
  private readonly revealEmitter = new vscode.EventEmitter<void>();
  private readonly inspectEmitter = new vscode.EventEmitter<void>();
  private readonly exportEmitter = new vscode.EventEmitter<void>();

  constructor(readonly modelKey: string, public title: string, private readonly open: (model: ModelTrainingPanel) => void) {}

  get isRunning(): boolean {
    return this.buffer.isRunning;
  }

  get isOpen(): boolean {
    return this.page !== undefined;
  }

  get run(): RunInfo | undefined {
    return this.buffer.run?.run;
  }

  post(event: TrainingEvent): void {
    if (this.buffer.apply(event)) this.page?.post(event);
  }

  setHistory(runs: PastRun[]): void {
    this.post({ type: 'history', runs });
  }

  onStop(listener: (runId: string) => void): vscode.Disposable {
    return this.stopEmitter.event(listener);
  }

  onReveal(listener: () => void): vscode.Disposable {
    return this.revealEmitter.event(listener);
  }

  onInspect(listener: () => void): vscode.Disposable {
    return this.inspectEmitter.event(listener);
  }

  onExport(listener: () => void): vscode.Disposable {
    return this.exportEmitter.event(listener);
  }

  reveal(): void {
    this.open(this);
    if (this.page) this.page.title = `Training: ${this.title}`;
  }

  close(): void {
    this.page?.dispose();
  }

  attach(page: TrainingPage): void {
    this.page = page;
    page.onDidDispose(() => { if (this.page === page) this.page = undefined; });
  }

  onMessage(message: TrainingWebviewMessage): void {
    switch (message.type) {
      case 'stop':
        // Only the run this buffer is training: a stale page cannot stop a newer run.
        if (this.buffer.isRunning && message.runId === this.buffer.runId) this.stopEmitter.fire(message.runId);
        break;
      case 'reveal':
        this.revealEmitter.fire();
        break;
      case 'inspect':
        this.inspectEmitter.fire();
        break;
      case 'export':
        this.exportEmitter.fire();
        break;
      case 'ready':
        break;
    }
  }

  dispose(): void {
    this.page?.dispose();
    this.stopEmitter.dispose();
    this.revealEmitter.dispose();
    this.inspectEmitter.dispose();
    this.exportEmitter.dispose();
  }
}

/** Every model's training panel, and the serializer that brings tabs back after a reload. */
class TrainingPanels extends Disposables implements TrainingPanelsApi {
  private readonly models = new Map<string, ModelTrainingPanel>();
  private readonly restoredEmitter = this.register(new vscode.EventEmitter<TrainingPanelHandle>());
  readonly onDidRestorePanel = this.restoredEmitter.event;
  private readonly tabs: PanelManager<typeof trainingProtocol, TrainingPage>;

  constructor(context: PageContext) {
    super();
    this.register({ dispose: () => { for (const m of this.models.values()) m.dispose(); this.models.clear(); } });
    this.tabs = this.register(new PanelManager(context, {
      viewType: TRAINING_VIEW_TYPE,
      protocol: trainingProtocol,
      title: (key) => `Training: ${this.models.get(key)?.title ?? 'model'}`,
      keyOf: (state) => state.modelKey,
      create: (webviewPanel, key, restored) => {
        const model = this.model(key, restored?.title ?? key);
        const page = new TrainingPage(webviewPanel, context, model);
        model.attach(page);
        if (restored) {
          if (model.buffer.pastRuns.length === 0 && restored.runs?.length) model.buffer.setHistory(restored.runs);
          this.restoredEmitter.fire(model);
        }
        return page;
      },
    }));
  }

  show(modelKey: string, title: string): TrainingPanelHandle {
    const model = this.model(modelKey, title);
    model.title = title;
    model.reveal();
    return model;
  }

  get(modelKey: string): TrainingPanelHandle | undefined {
    return this.models.get(modelKey);
  }

  private model(modelKey: string, title: string): ModelTrainingPanel {
    let m = this.models.get(modelKey);
    if (!m) {
      m = new ModelTrainingPanel(modelKey, title, (model) => void this.tabs.show(model.modelKey));
      this.models.set(modelKey, m);
    }
    return m;
  }
}

/** Registers the training panels (and their serializer); disposed with the extension. */
export function registerTrainingPanels(context: vscode.ExtensionContext, pages: PageContext): TrainingPanelsApi {
  const panels = new TrainingPanels(pages);
  context.subscriptions.push(panels);
  return panels;
}
