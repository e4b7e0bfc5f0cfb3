/**
 * The latent-space panel's host side: one panel, pointed at one VAE or GAN run at a time.
 * The run's models load once, in the visualization worker (never in the extension host),
 * which answers the page's decoding requests; a newer request from the page aborts the one
 * in flight (a drag over the plane asks many times a second).
 */
import * as vscode from 'vscode';
import type { VizClient } from '../core/viz/vizClient';
import type { RunChoice } from '../protocol/inspect';
import { latentProtocol, type LatentHostMessage, type LatentWebviewMessage } from '../protocol/latent';
import { PanelManager } from './framework/panelManager';
import { PanelHost, type PageContext } from './framework/webviewHost';

export const LATENT_VIEW_TYPE = 'convlens.latent';
/** One latent-space panel at a time: exploring another run retargets it. */
const KEY = 'latent';

export interface LatentTarget {
  /** The run folder. */
  source: string;
  uri?: vscode.Uri;
  /** A model of the recipe (the CodeLens' model), for reveal and the reload. */
  modelName?: string;
  runs: RunChoice[];
}

export interface LatentPanelApi extends vscode.Disposable {
  show(target: LatentTarget): Promise<void>;
  /** A run in progress wrote another epoch: the panel, when it shows that run, reads it again. */
  refresh(source: string): Promise<void>;
}

class LatentPanel extends PanelHost<typeof latentProtocol> {
  private target?: LatentTarget;
  private loading?: LatentTarget;
  private shown?: LatentHostMessage;

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly viz: VizClient) {
    super(panel, context, { id: LATENT_VIEW_TYPE, key: KEY, protocol: latentProtocol, script: 'latent', title: 'ConvLens: latent space', styles: ['webview.css', 'latent.css'] });
    this.answer('decode', async ({ points }, { signal }) => ({ images: await this.viz.latentDecode(this.source(), points, { signal }) }));
    this.answer('encode', ({ image }, { signal }) => this.viz.latentEncode(this.source(), image, { signal }));
    this.answer('samples', ({ count, seed }, { signal }) => this.viz.latentSamples(this.source(), count, seed, { signal }));
  }

  /** Shows a run; `reload` reads it again (a run in progress finished another epoch). */
  async open(target: LatentTarget, reload = false): Promise<void> {
    if (this.target?.source === target.source && this.shown && !reload) {
      this.target = target;
      this.post(this.shown);
      return;
    }
    this.target ??= target;
    this.loading = target;
    if (!reload) this.post({ type: 'loading', what: 'Loading the run and encoding its validation images…' });
    try {
      const view = await this.viz.latentOpen(target.source, { reload });
      if (this.loading !== target) return;
      this.target = target;
      this.title = `Latent space: ${view.title.split(':')[0]}`;
      const document = target.uri && target.modelName ? { uri: target.uri.toString(), modelName: target.modelName } : undefined;
      this.shown = { type: 'overview', view, runs: target.runs, document };
      this.post(this.shown);
    } catch (e) {
      if (this.loading !== target) return;
      if (this.shown) this.post(this.shown);
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      if (this.loading === target) this.loading = undefined;
    }
  }

  /** Closing the panel frees the models the worker kept for it. */
  override dispose(): void {
    const source = this.target?.source;
    super.dispose();
    if (source) void this.viz.latentClose(source).catch(() => undefined);
  }

  protected override onReady(): void {
    if (this.shown) this.post(this.shown);
  }

  protected async onMessage(message: LatentWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (!this.shown && !this.loading && this.target) await this.open(this.target);
        return;
      case 'selectRun':
        // Only a run the picker offered: the page cannot point the worker at any folder on disk.
        if (this.target && message.source !== this.target.source && this.target.runs.some((r) => r.source === message.source)) {
          await this.open({ ...this.target, source: message.source });
        }
        return;
      case 'reveal':
        if (this.target?.uri) await vscode.window.showTextDocument(this.target.uri, { viewColumn: vscode.ViewColumn.One });
        return;
    }
  }

  get shownTarget(): LatentTarget | undefined {
    return this.target;
  }

  private source(): string {
    if (!this.target) throw new Error('no run is open in the latent-space panel');
    return this.target.source;
  }
}

export function registerLatentPanel(context: vscode.ExtensionContext, pages: PageContext, viz: VizClient, runsFor: (uri: vscode.Uri, modelName: string) => RunChoice[]): LatentPanelApi {
  const panels = new PanelManager(pages, {
    viewType: LATENT_VIEW_TYPE,
    protocol: latentProtocol,
    title: () => 'Latent space',
    keyOf: () => KEY,
    create: (webviewPanel, _key, restored) => {
      const panel = new LatentPanel(webviewPanel, pages, viz);
      // After a window reload the panel comes back on the run it showed.
      if (restored) {
        const uri = restored.uri ? vscode.Uri.parse(restored.uri) : undefined;
        const runs = uri && restored.modelName ? runsFor(uri, restored.modelName) : [];
        void panel.open({ source: restored.source, uri, modelName: restored.modelName, runs });
      }
      return panel;
    },
  });
  const api: LatentPanelApi = {
    async show(target) {
      await panels.show(KEY).open(target);
    },
    async refresh(source) {
      const panel = panels.get(KEY);
      const target = panel?.shownTarget;
      if (panel && target?.source === source) await panel.open(target, true);
    },
    dispose: () => panels.dispose(),
  };
  context.subscriptions.push(api);
  return api;
}
