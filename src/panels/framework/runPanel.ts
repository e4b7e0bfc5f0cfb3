/**
 * A panel pointed at one trained run at a time (the inspection panel, the latent-space panel):
 * the run loads once in the visualization worker, the page's requests go to the run on screen
 * until another has loaded, a failure keeps the run on screen and says why in one line, the
 * run picker can only switch to runs it offered, and closing the panel frees the worker's copy.
 * A subclass says how to load its run, what to show, and how to free it.
 */
import * as vscode from 'vscode';
import type { RunChoice } from '../../protocol/inspect';
import type { PanelProtocol, ToWebviewOf } from '../../protocol/panel';
import { PanelHost } from './webviewHost';

/** What a run panel shows: a run folder (or model file), and where its model is written, when known. */
export interface RunTarget {
  source: string;
  uri?: vscode.Uri;
  modelName?: string;
  /** The runs to choose from (newest first); the source is one of them. */
  runs: RunChoice[];
}

/** The messages every run panel's page accepts besides its own. */
type RunPageMessage = { type: 'loading'; what: string } | { type: 'error'; message: string };

export abstract class RunPanelHost<P extends PanelProtocol, T extends RunTarget = RunTarget> extends PanelHost<P> {
  protected target?: T;
  /** The run being loaded, so the page's `ready` does not start a second load of it. */
  private loading?: T;
  /** The message on screen, sent again when the page reloads. */
  protected shown?: ToWebviewOf<P>;

  /** Loads the run in the worker and returns the message that shows it (`reload`: read it again). */
  protected abstract load(target: T, reload: boolean): Promise<ToWebviewOf<P>>;
  /** Frees the worker's copy of the run (the panel closed). */
  protected abstract free(source: string): Promise<unknown>;
  /** The words for the page while a run loads. */
  protected abstract readonly loadingText: string;

  private postRun(message: RunPageMessage): void {
    this.post(message as unknown as ToWebviewOf<P>);
  }

  /** Shows a run; a failure is shown in the panel, in one line. Resolves true when `target` is on screen. */
  protected async openRun(target: T, reload = false): Promise<boolean> {
    if (this.target?.source === target.source && this.shown && !reload) {
      this.target = target;
      this.post(this.shown);
      return true;
    }
    this.target ??= target;
    this.loading = target;
    if (!reload) this.postRun({ type: 'loading', what: this.loadingText });
    try {
      const message = await this.load(target, reload);
      if (this.loading !== target) return false; // another run was chosen meanwhile
      this.target = target;
      this.shown = message;
      this.post(message);
      return true;
    } catch (e) {
      if (this.loading !== target) return false;
      // The run on screen stays: its page gets it back (picker and meta line), then the error.
      if (this.shown) this.post(this.shown);
      this.postRun({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      return false;
    } finally {
      if (this.loading === target) this.loading = undefined;
    }
  }

  /** The run the page's requests go to. */
  protected source(): string {
    if (!this.target) throw new Error('no run is open in this panel');
    return this.target.source;
  }

  get shownTarget(): T | undefined {
    return this.target;
  }

  override dispose(): void {
    const source = this.target?.source;
    super.dispose();
    if (source) void this.free(source).catch(() => undefined);
  }

  protected override onReady(): void {
    if (this.shown) this.post(this.shown);
  }

  /** The messages every run page sends: ready, a run chosen in the picker, reveal the model's source. */
  protected async onRunMessage(message: { type: 'ready' } | { type: 'selectRun'; source: string } | { type: 'reveal' }, open: (target: T) => Promise<void>): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (!this.shown && !this.loading && this.target) await open(this.target);
        return;
      case 'selectRun':
        // Only a run the picker offered: the page cannot point the worker at any folder on disk.
        if (this.target && message.source !== this.target.source && this.target.runs.some((r) => r.source === message.source)) {
          await open({ ...this.target, source: message.source });
        }
        return;
      case 'reveal':
        if (this.target?.uri) await vscode.window.showTextDocument(this.target.uri, { viewColumn: vscode.ViewColumn.One });
        return;
    }
  }
}

/** What a run panel saved for the serializer: its run, and the model code it came from. */
export interface SavedRunState {
  source: string;
  uri?: string;
  modelName?: string;
}

/**
 * The target a run panel comes back on after a window reload: the run it showed, with the
 * runs of its model offered again when the panel knew where the model is written.
 */
export function restoredRunTarget(saved: SavedRunState, runsFor: (uri: vscode.Uri, modelName: string) => RunChoice[]): RunTarget {
  const uri = saved.uri ? vscode.Uri.parse(saved.uri) : undefined;
  const runs = uri && saved.modelName ? runsFor(uri, saved.modelName) : [];
  return { source: saved.source, uri, modelName: saved.modelName, runs };
}
