/**
 * The training panel's host side: one panel per model (keyed by a string the caller
 * chooses, e.g. `<document uri>#<model name>`), driven entirely by TrainingEvents that
 * the training controller posts through a TrainingPanelHandle.
 *
 * A handle outlives its panel: events posted while the panel is closed (or hidden, which
 * unloads its webview) are kept in a TrainingReplayBuffer, and whenever a webview says
 * `ready` it is sent the buffer's replay, so a panel reopened mid-run reconnects to the
 * run and continues live. A serializer brings panels back after a window reload, with the
 * past runs the webview persisted; a run still buffered for that model re-attaches.
 */
import * as vscode from 'vscode';
import { Disposables } from '../host/disposables';
import { isTrainingState, isTrainingWebviewMessage, type PastRun, type TrainingEvent, type TrainingHostMessage, type TrainingWebviewMessage } from '../protocol/training';
import { WebviewChannel } from './channel';
import { TrainingReplayBuffer } from './trainingReplay';
import { loadPanelPage } from './panelPage';

export const TRAINING_VIEW_TYPE = 'convlens.training';

type TrainingChannel = WebviewChannel<TrainingHostMessage, TrainingWebviewMessage>;

/** One model's training panel, as the training controller sees it. */
export interface TrainingPanelHandle {
  readonly modelKey: string;
  /** Between a runStarted event and the done/stopped/error event of that run. */
  readonly isRunning: boolean;
  /** Whether a panel for this model is open now. */
  readonly isOpen: boolean;
  /** Records an event and forwards it to the panel if one is open. Events of another run than the current one are ignored. */
  post(event: TrainingEvent): void;
  /** The model's earlier runs, listed under the charts (same as posting a `history` event). */
  setHistory(runs: PastRun[]): void;
  /** The user pressed Stop on run `runId` (the current run). */
  onStop(listener: (runId: string) => void): vscode.Disposable;
  /** The user asked to see the model's source. */
  onReveal(listener: () => void): vscode.Disposable;
  /** Opens the panel again if it was closed, and brings it forward. */
  reveal(): void;
  /** Closes the panel (the handle and its buffer stay). */
  close(): void;
}

export interface TrainingPanelsApi extends vscode.Disposable {
  /** The model's panel, opened (or revealed, when already open); its handle is the same on every call for one key. */
  show(modelKey: string, title: string): TrainingPanelHandle;
  /** The handle of a model shown before, without opening anything. */
  get(modelKey: string): TrainingPanelHandle | undefined;
  /** A panel came back after a window reload: a chance to give it its past runs (setHistory). */
  readonly onDidRestorePanel: vscode.Event<TrainingPanelHandle>;
  /** Integration tests: text content (or null) of each selector in a training panel's DOM (the model's, or the last one shown or focused). */
  queryTrainingPanel(selectors: string[], modelKey?: string): Promise<Record<string, string | null>>;
  /** Integration tests: click the first element matching selector in a training panel. */
  clickInTrainingPanel(selector: string, modelKey?: string): Promise<void>;
}

/** One open webview panel of a session. */
class TrainingPanel extends Disposables {
  readonly channel: TrainingChannel;

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly session: TrainingSession) {
    super();
    const webview = loadPanelPage(panel, extensionUri, { script: 'training', title: 'ConvLens training', styles: ['webview.css', 'training.css'] });
    // Training events are not held while the webview loads: the replay on each `ready` has them.
    this.channel = this.register(new WebviewChannel<TrainingHostMessage, TrainingWebviewMessage>(webview, {
      isMessage: isTrainingWebviewMessage, onMessage: (m) => session.onMessage(m), onReady: () => this.replay(), hold: (queue) => queue,
    }));
    // retainContextWhenHidden is off: a hidden webview is torn down and reloads when shown,
    // then says `ready` again and is sent the replay.
    this.register(panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.channel.reset();
    }));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  post(event: TrainingEvent): void {
    this.channel.post(event);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
    this.session.detach(this);
  }

  private replay(): void {
    // The identity first, so the webview can persist it for the serializer.
    this.channel.post({ type: 'identity', modelKey: this.session.modelKey, title: this.session.title });
    for (const e of this.session.buffer.replay()) this.channel.post(e);
  }
}

/** A model's buffer, listeners and (when open) panel. */
class TrainingSession implements TrainingPanelHandle {
  readonly buffer = new TrainingReplayBuffer();
  panel?: TrainingPanel;
  private readonly stopEmitter = new vscode.EventEmitter<string>();
  private readonly revealEmitter = new vscode.EventEmitter<void>();

  constructor(readonly modelKey: string, public title: string, private readonly open: (session: TrainingSession) => TrainingPanel, private readonly activated: (s: TrainingSession) => void) {}

  get isRunning(): boolean {
    return this.buffer.isRunning;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  post(event: TrainingEvent): void {
    if (this.buffer.apply(event)) this.panel?.post(event);
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

  reveal(): void {
    if (!this.panel) this.panel = this.open(this);
    else this.panel.panel.reveal(this.panel.panel.viewColumn, true);
    this.panel.panel.title = `Training: ${this.title}`;
    this.activated(this);
  }

  close(): void {
    this.panel?.dispose();
  }

  attach(panel: TrainingPanel): void {
    this.panel = panel;
  }

  detach(panel: TrainingPanel): void {
    if (this.panel === panel) this.panel = undefined;
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
      case 'ready':
        break;
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.stopEmitter.dispose();
    this.revealEmitter.dispose();
  }
}

/** Every model's training session, plus the serializer that brings panels back after a reload. */
export class TrainingPanels extends Disposables implements vscode.WebviewPanelSerializer {
  private readonly sessions = new Map<string, TrainingSession>();
  private lastActive?: TrainingSession;
  private readonly restoredEmitter = this.register(new vscode.EventEmitter<TrainingPanelHandle>());
  readonly onDidRestorePanel = this.restoredEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW_TYPE, this));
    this.register({ dispose: () => { for (const s of this.sessions.values()) s.dispose(); this.sessions.clear(); } });
  }

  show(modelKey: string, title: string): TrainingPanelHandle {
    const session = this.session(modelKey, title);
    session.title = title;
    session.reveal();
    return session;
  }

  get(modelKey: string): TrainingPanelHandle | undefined {
    return this.sessions.get(modelKey);
  }

  /** The channel integration tests talk to: the model's panel, or the last one shown or focused. */
  channel(modelKey?: string): TrainingChannel | undefined {
    const s = modelKey !== undefined ? this.sessions.get(modelKey) : this.lastActive?.panel ? this.lastActive : [...this.sessions.values()].reverse().find((x) => x.panel);
    return s?.panel?.channel;
  }

  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isTrainingState(state)) {
      webviewPanel.dispose(); // closed before it knew its model: nothing to re-attach to
      return;
    }
    const session = this.session(state.modelKey, state.title);
    if (session.panel) {
      webviewPanel.dispose(); // the model's panel is already open
      return;
    }
    if (session.buffer.pastRuns.length === 0 && state.runs?.length) session.buffer.setHistory(state.runs);
    session.attach(this.createPanel(webviewPanel, session));
    webviewPanel.title = `Training: ${session.title}`;
    this.restoredEmitter.fire(session);
  }

  private session(modelKey: string, title: string): TrainingSession {
    let s = this.sessions.get(modelKey);
    if (!s) {
      s = new TrainingSession(modelKey, title, (session) => this.createPanel(vscode.window.createWebviewPanel(TRAINING_VIEW_TYPE, `Training: ${session.title}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { retainContextWhenHidden: false }), session), (x) => { this.lastActive = x; });
      this.sessions.set(modelKey, s);
    }
    return s;
  }

  private createPanel(webviewPanel: vscode.WebviewPanel, session: TrainingSession): TrainingPanel {
    const panel = new TrainingPanel(webviewPanel, this.extensionUri, session);
    const focus = webviewPanel.onDidChangeViewState((e) => { if (e.webviewPanel.active) this.lastActive = session; });
    webviewPanel.onDidDispose(() => focus.dispose());
    return panel;
  }
}

/** How long test helpers wait for a webview to load before giving up. */
const READY_TIMEOUT_MS = 10000;

async function ready(channel: TrainingChannel | undefined): Promise<TrainingChannel> {
  if (!channel) throw new Error('ConvLens: no training panel is open');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ConvLens: the training panel did not load within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([channel.whenReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return channel;
}

/**
 * Registers the training panels (and their serializer). Call once from activation, e.g.
 * in registerEditorFeatures; the returned API is disposed with the extension.
 */
export function registerTrainingPanels(context: vscode.ExtensionContext): TrainingPanelsApi {
  const panels = new TrainingPanels(context.extensionUri);
  const api: TrainingPanelsApi = {
    show: (modelKey, title) => panels.show(modelKey, title),
    get: (modelKey) => panels.get(modelKey),
    onDidRestorePanel: panels.onDidRestorePanel,
    async queryTrainingPanel(selectors, modelKey) {
      return (await ready(panels.channel(modelKey))).rpc.request('query', { selectors });
    },
    async clickInTrainingPanel(selector, modelKey) {
      if (!(await (await ready(panels.channel(modelKey))).rpc.request('click', { selector }))) throw new Error(`ConvLens: nothing matches ${selector} in the training panel`);
    },
    dispose: () => panels.dispose(),
  };
  context.subscriptions.push(api);
  return api;
}
