/**
 * The inspection panel's host side: one panel, pointed at one trained run at a time. The
 * model is loaded once, in the visualization worker (never in the extension host), which
 * answers every request of the page — prediction, feature maps, Grad-CAM, filter patterns,
 * kernels — for the image the page shows. The page's AbortSignal reaches the worker, so a
 * newer request, Stop, or closing the panel cancels the work in progress.
 */
import * as vscode from 'vscode';
import type { SampleRequest } from '../core/engine/data/catalog';
import { IMAGE_EXTENSIONS, listFolder } from '../core/engine/data/folder';
import type { InspectModelInfo } from '../core/viz/inspect/types';
import type { VizClient } from '../core/viz/vizClient';
import { inspectProtocol, type InspectHostMessage, type InspectTab, type InspectWebviewMessage, type RunChoice } from '../protocol/inspect';
import { PanelManager } from './framework/panelManager';
import { PanelHost, type PageContext } from './framework/webviewHost';

export const INSPECT_VIEW_TYPE = 'convlens.inspect';
/** One inspection panel at a time: inspecting another run retargets it. */
const KEY = 'inspect';

/** What the panel inspects: a run folder (or model.json), and where the model is written, when known. */
export interface InspectTarget {
  source: string;
  uri?: vscode.Uri;
  modelName?: string;
  /** The model's runs to choose from (newest first); the source is one of them. */
  runs: RunChoice[];
}

export interface InspectPanelApi extends vscode.Disposable {
  /** Opens (or retargets) the panel on a run, on a tab. */
  show(target: InspectTarget, tab?: InspectTab): Promise<void>;
}

/** The first image to look at: one of the kind the run trained on (its first image file, for a folder). */
function firstImage(info: InspectModelInfo): SampleRequest {
  if (info.trainedOn === 'mnist') return { kind: 'mnist', index: 0 };
  const file = info.dataFolder && firstImageFile(info.dataFolder);
  if (file) return { kind: 'file', path: file };
  const digits = info.trainedOn === undefined && info.input.height === 28 && info.input.width === 28 && info.input.channels === 1;
  return digits ? { kind: 'mnist', index: 0 } : { kind: 'synthetic', index: 0 };
}

/** The first training image of an image folder, listed as the training loader lists it; undefined when it is gone or empty. */
function firstImageFile(folder: string): string | undefined {
  try {
    return listFolder(folder).train[0]?.file;
  } catch {
    return undefined;
  }
}

/** Folder-trained runs remember their image folder; the file dialog starts there. */
function imageFolderOf(info: InspectModelInfo | undefined): vscode.Uri | undefined {
  const folder = info?.dataFolder;
  return folder ? vscode.Uri.file(folder) : undefined;
}

class InspectPanel extends PanelHost<typeof inspectProtocol> {
  private target?: InspectTarget;
  private info?: InspectModelInfo;
  /** The run being loaded, so the page's `ready` does not start a second load of it. */
  private loading?: InspectTarget;
  /** The model message on screen, sent again when the page reloads. */
  private shown?: InspectHostMessage;

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly viz: VizClient) {
    super(panel, context, {
      id: INSPECT_VIEW_TYPE, key: KEY, protocol: inspectProtocol, script: 'inspect', title: 'ConvLens: what the convnet sees', styles: ['webview.css', 'inspect.css'],
    });
    this.answer('predict', ({ image }, { signal }) => this.viz.predict(this.source(), image, { signal }));
    this.answer('activations', ({ image, layer }, { signal }) => this.viz.activations(this.source(), image, layer, { signal }));
    this.answer('gradcam', ({ image, classIndex, layer }, { signal }) => this.viz.gradCam(this.source(), image, { classIndex, layer }, { signal }));
    this.answer('filters', (request, { signal, progress }) => this.viz.filters(this.source(), request, { signal, onPattern: progress }));
    this.answer('kernels', (_params, { signal }) => this.viz.kernels(this.source(), { signal }));
    this.answer('chooseImageFile', () => this.chooseImageFile());
  }

  /** Loads the run in the worker and shows it; a failure is shown in the panel, in one line. */
  async open(target: InspectTarget, tab?: InspectTab): Promise<void> {
    this.title = `Inspect: ${target.modelName ?? 'model'}`;
    if (tab) this.post({ type: 'focus', tab });
    if (this.target?.source === target.source && this.shown) {
      this.target = target;
      this.post(this.shown);
      return;
    }
    // The page's requests keep going to the run on screen until the new one has loaded.
    this.target ??= target;
    this.loading = target;
    this.post({ type: 'loading', what: 'Loading the trained model in the worker…' });
    try {
      const info = await this.viz.inspectOpen(target.source);
      if (this.loading !== target) return; // another run was chosen meanwhile
      this.target = target;
      this.info = info;
      this.title = `Inspect: ${info.modelName}`;
      const document = target.uri && target.modelName ? { uri: target.uri.toString(), modelName: target.modelName } : undefined;
      this.shown = { type: 'model', info, runs: target.runs, image: firstImage(info), document };
      this.post(this.shown);
      if (tab) this.post({ type: 'focus', tab });
    } catch (e) {
      if (this.loading !== target) return;
      // The run on screen stays: its page gets its model back (picker and meta line), then the error.
      if (this.shown) this.post(this.shown);
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      if (this.loading === target) this.loading = undefined;
    }
  }

  /** Closing the panel frees the model the worker kept for it (a VGG-sized model holds hundreds of MB). */
  override dispose(): void {
    const source = this.target?.source;
    super.dispose();
    if (source) void this.viz.inspectClose(source).catch(() => undefined);
  }

  protected override onReady(): void {
    if (this.shown) this.post(this.shown);
  }

  protected async onMessage(message: InspectWebviewMessage): Promise<void> {
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

  private source(): string {
    if (!this.target) throw new Error('no model is open in the inspection panel');
    return this.target.source;
  }

  private async chooseImageFile(): Promise<SampleRequest | null> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, title: 'An image to show the model', filters: { Images: IMAGE_EXTENSIONS.map((e) => e.slice(1)) }, defaultUri: imageFolderOf(this.info),
    });
    return picked?.[0] ? { kind: 'file', path: picked[0].fsPath } : null;
  }
}

export function registerInspectPanel(context: vscode.ExtensionContext, pages: PageContext, viz: VizClient, runsFor: (uri: vscode.Uri, modelName: string) => RunChoice[]): InspectPanelApi {
  const panels = new PanelManager(pages, {
    viewType: INSPECT_VIEW_TYPE,
    protocol: inspectProtocol,
    title: () => 'Inspect',
    keyOf: () => KEY,
    create: (webviewPanel, _key, restored) => {
      const panel = new InspectPanel(webviewPanel, pages, viz);
      // After a window reload the panel comes back on the run (and tab) it showed.
      if (restored) {
        const uri = restored.uri ? vscode.Uri.parse(restored.uri) : undefined;
        const runs = uri && restored.modelName ? runsFor(uri, restored.modelName) : [];
        void panel.open({ source: restored.source, uri, modelName: restored.modelName, runs }, restored.tab);
      }
      return panel;
    },
  });
  const api: InspectPanelApi = {
    async show(target, tab) {
      await panels.show(KEY).open(target, tab);
    },
    dispose: () => panels.dispose(),
  };
  context.subscriptions.push(api);
  return api;
}
