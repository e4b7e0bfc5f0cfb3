/**
 * The latent-space panel's host side: one panel, pointed at one VAE or GAN run at a time.
 * The run's models load once, in the visualization worker (never in the extension host),
 * which answers the page's decoding requests; a newer request from the page aborts the one
 * in flight (a drag over the plane asks many times a second).
 */
import type * as vscode from 'vscode';
import type { VizClient } from '../core/viz/vizClient';
import type { RunChoice } from '../protocol/inspect';
import { latentProtocol, type LatentHostMessage, type LatentWebviewMessage } from '../protocol/latent';
import { PanelManager } from './framework/panelManager';
import { RunPanelHost, restoredRunTarget, type RunTarget } from './framework/runPanel';
import type { PageContext } from './framework/webviewHost';

export const LATENT_VIEW_TYPE = 'convlens.latent';
/** One latent-space panel at a time: exploring another run retargets it. */
const KEY = 'latent';

/** The run folder, and a model of the recipe (the CodeLens' model) for reveal and the reload. */
export type LatentTarget = RunTarget;

export interface LatentPanelApi extends vscode.Disposable {
  show(target: LatentTarget): Promise<void>;
  /** A run in progress wrote another epoch: the panel, when it shows that run, reads it again. */
  refresh(source: string): Promise<void>;
}

class LatentPanel extends RunPanelHost<typeof latentProtocol> {
  protected readonly loadingText = 'Loading the run and encoding its validation images…';

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly viz: VizClient) {
    super(panel, context, { id: LATENT_VIEW_TYPE, key: KEY, protocol: latentProtocol, script: 'latent', title: 'ConvLens: latent space', styles: ['webview.css', 'latent.css'] });
    this.answer('decode', async ({ points }, { signal }) => ({ images: await this.viz.latentDecode(this.source(), points, { signal }) }));
    this.answer('encode', ({ image }, { signal }) => this.viz.latentEncode(this.source(), image, { signal }));
    this.answer('samples', ({ count, seed }, { signal }) => this.viz.latentSamples(this.source(), count, seed, { signal }));
  }

  /** Shows a run; `reload` reads it again (a run in progress finished another epoch). */
  async open(target: LatentTarget, reload = false): Promise<void> {
    await this.openRun(target, reload);
  }

  protected async load(target: LatentTarget, reload: boolean): Promise<LatentHostMessage> {
    const view = await this.viz.latentOpen(target.source, { reload });
    this.title = `Latent space: ${view.title.split(':')[0]}`;
    const document = target.uri && target.modelName ? { uri: target.uri.toString(), modelName: target.modelName } : undefined;
    return { type: 'overview', view, runs: target.runs, document };
  }

  /** Closing the panel frees the models the worker kept for it. */
  protected free(source: string): Promise<boolean> {
    return this.viz.latentClose(source);
  }

  protected async onMessage(message: LatentWebviewMessage): Promise<void> {
    await this.onRunMessage(message, (target) => this.open(target));
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
      if (restored) void panel.open(restoredRunTarget(restored, runsFor));
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
