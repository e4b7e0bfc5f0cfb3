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
import { RunPanelHost, restoredRunTarget, type RunTarget } from './framework/runPanel';
import type { PageContext } from './framework/webviewHost';

export const INSPECT_VIEW_TYPE = 'convlens.inspect';
/** One inspection panel at a time: inspecting another run retargets it. */
const KEY = 'inspect';

/** What the panel inspects: a run folder (or model.json, or a Keras file), and where the model is written, when known. */
export type InspectTarget = RunTarget;

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

class InspectPanel extends RunPanelHost<typeof inspectProtocol, InspectTarget> {
  private info?: InspectModelInfo;
  protected readonly loadingText = 'Loading the trained model in the worker…';

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

  /** Loads the run in the worker and shows it, on a tab. */
  async open(target: InspectTarget, tab?: InspectTab): Promise<void> {
    this.title = `Inspect: ${target.modelName ?? 'model'}`;
    if (tab) this.post({ type: 'focus', tab });
    const shown = await this.openRun(target);
    if (shown && this.info) this.title = `Inspect: ${this.info.modelName}`;
    if (shown && tab) this.post({ type: 'focus', tab });
  }

  protected async load(target: InspectTarget): Promise<InspectHostMessage> {
    const info = await this.viz.inspectOpen(target.source);
    this.info = info;
    const document = target.uri && target.modelName ? { uri: target.uri.toString(), modelName: target.modelName } : undefined;
    return { type: 'model', info, runs: target.runs, image: firstImage(info), document };
  }

  /** Closing the panel frees the model the worker kept for it (a VGG-sized model holds hundreds of MB). */
  protected free(source: string): Promise<boolean> {
    return this.viz.inspectClose(source);
  }

  protected async onMessage(message: InspectWebviewMessage): Promise<void> {
    await this.onRunMessage(message, (target) => this.open(target));
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
      if (restored) void panel.open(restoredRunTarget(restored, runsFor), restored.tab);
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
