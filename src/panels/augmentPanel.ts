/**
 * The augmentation preview panel's host side: one panel, pointed at one model or one
 * ImageDataGenerator at a time, showing what the model's augmentation layers (RandomFlip,
 * RandomRotation, RandomZoom, ...) or the generator's random transforms (each draw with its
 * Keras parameters) do to an image — the same code and the same Keras semantics training
 * applies per batch.
 * The pictures are computed in a worker (core/viz/vizClient.ts): TF.js never loads
 * into the extension host. A newer request makes older answers stale, so fast clicking on
 * Shuffle never shows an out-of-date grid.
 */
import * as vscode from 'vscode';
import type { DataGeneratorSpec, ModelSpec, SourceRange } from '../core/model/spec';
import type { AugmentPreview, PreviewSample } from '../core/viz/augmentPreview';
import { generatorImageShape, type GeneratorPreview } from '../core/viz/generatorPreview';
import type { VizClient } from '../core/viz/vizClient';
import type { AnalysisService } from '../host/analysisService';
import { augmentProtocol, type AugmentHostMessage, type AugmentView, type AugmentWebviewMessage, type SampleSource } from '../protocol/augment';
import { holdLatest } from './framework/channel';
import { PanelManager } from './framework/panelManager';
import { PanelHost, type PageContext } from './framework/webviewHost';

export const AUGMENT_VIEW_TYPE = 'convlens.augment';
/** Augmented draws per grid (plus the original): a 3×3 grid. */
const DRAWS = 8;
/** One preview panel at a time: showing another model retargets it. */
const KEY = 'preview';

type Target =
  | { kind: 'model'; uri: vscode.Uri; spec: ModelSpec }
  /** `shape`: the size the generator's draws are made at (generatorImageShape), why, and how its flow_from_directory resizes. */
  | { kind: 'generator'; uri: vscode.Uri; generator: DataGeneratorSpec; shape: ReturnType<typeof generatorImageShape> };

const targetName = (t: Target): string => (t.kind === 'model' ? t.spec.name : t.generator.name);
const targetRange = (t: Target): SourceRange => (t.kind === 'model' ? t.spec.range : t.generator.range);

/** The generator target for `generator`, sized by the models of its file (one that trains on it gives its input size). */
function generatorTarget(uri: vscode.Uri, generator: DataGeneratorSpec, specs: readonly ModelSpec[]): Target {
  return { kind: 'generator', uri, generator, shape: generatorImageShape(generator, specs) };
}

export interface AugmentPanelApi extends vscode.Disposable {
  /** Opens (or retargets) the panel on a model and computes its first preview. */
  show(uri: vscode.Uri, spec: ModelSpec): Promise<void>;
  /** The same for an ImageDataGenerator of the file; `specs`: the file's models. */
  showGenerator(uri: vscode.Uri, generator: DataGeneratorSpec, specs: readonly ModelSpec[]): Promise<void>;
  /** Resolves once the current request has been answered (shown or failed). */
  settled(): Promise<void>;
}

class AugmentPanel extends PanelHost<typeof augmentProtocol> {
  private target: Target | undefined;
  private sample: PreviewSample = { kind: 'synthetic', index: 0 };
  private seed = 1;
  /** The preview on screen (sent again when the page reloads), and the request being computed. */
  private shown: AugmentHostMessage | undefined;
  private computing: Promise<void> | undefined;
  /** Settings changed while computing: one more request when it ends (clicks are coalesced). */
  private again = false;

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly client: VizClient) {
    // While the page loads only the newest message matters: it says everything.
    super(panel, context, {
      id: AUGMENT_VIEW_TYPE, key: KEY, protocol: augmentProtocol, script: 'augment', title: 'ConvLens augmentation preview',
      styles: ['webview.css', 'augment.css'], hold: holdLatest,
    });
  }

  retarget(target: Target, seed?: number): Promise<void> {
    this.target = target;
    if (seed !== undefined) this.seed = seed;
    this.title = `Augmentation: ${targetName(target)}`;
    return this.refresh();
  }

  /** Resolves when nothing is being computed (integration tests). */
  async settled(): Promise<void> {
    while (this.computing) await this.computing;
  }

  protected async onMessage(m: AugmentWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A reloaded page gets what was on screen; a first load gets the answer being computed.
        if (this.shown) this.post(this.shown);
        else if (!this.computing) await this.refresh();
        return;
      case 'shuffle':
        this.seed = 1 + Math.floor(Math.random() * 2 ** 31);
        return this.refresh();
      case 'sample': {
        const next = await this.nextSample(m.source);
        if (!next) return;
        this.sample = next;
        return this.refresh();
      }
      case 'reveal':
        if (this.target) await revealModel(this.target);
        return;
    }
  }

  private async nextSample(source: SampleSource): Promise<PreviewSample | undefined> {
    if (source === 'file') {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, title: 'An image to augment', filters: { Images: ['png', 'jpg', 'jpeg', 'webp'] },
        defaultUri: this.target && vscode.workspace.getWorkspaceFolder(this.target.uri)?.uri,
      });
      return picked?.[0] ? { kind: 'file', path: picked[0].fsPath } : undefined;
    }
    const index = this.sample.kind === source ? this.sample.index + 1 : 0;
    return { kind: source, index };
  }

  private refresh(): Promise<void> {
    if (!this.target) return Promise.resolve();
    if (this.computing) {
      this.again = true; // the worker answers one request at a time: compute only the newest
      return this.computing;
    }
    this.post({ type: 'busy', what: 'Augmenting…' });
    this.computing = this.compute(this.target).finally(() => {
      this.computing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.computing;
  }

  private async compute(target: Target): Promise<void> {
    const sample = this.sample;
    let message: AugmentHostMessage;
    try {
      const view = target.kind === 'model'
        ? toView(await this.client.augmentPreview(target.spec, { sample, count: DRAWS, seed: this.seed }), target, sample)
        : generatorView(await this.client.generatorPreview({
          generator: { name: target.generator.name, config: target.generator.config }, inputShape: target.shape.shape,
          ...(target.shape.resize ? { resize: target.shape.resize } : {}), sample, count: DRAWS, seed: this.seed,
        }), target, sample);
      message = { type: 'preview', view };
    } catch (e) {
      message = { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    // Settings that changed meanwhile are computed next; this answer is already out of date.
    if (this.again) return;
    if (message.type === 'preview') this.shown = message;
    this.post(message);
  }
}

function toView(p: AugmentPreview, target: Target, sample: PreviewSample): AugmentView {
  return {
    kind: 'model', model: p.model, uri: target.uri.toString(), fileName: vscode.workspace.asRelativePath(target.uri), steps: p.steps, notes: p.notes,
    inputShape: p.inputShape, pixelScale: p.pixelScale, sample: { source: sample.kind, label: p.sample.label },
    original: p.original, augmented: p.augmented, seed: p.seed,
  };
}

function generatorView(p: GeneratorPreview, target: Extract<Target, { kind: 'generator' }>, sample: PreviewSample): AugmentView {
  const unsupported = target.generator.unsupported.map((u) => `${u.option} is not applied: it ${u.reason}`);
  return {
    kind: 'generator', model: p.generator, uri: target.uri.toString(), fileName: vscode.workspace.asRelativePath(target.uri), steps: p.steps,
    notes: [target.shape.note, ...unsupported, ...p.notes], inputShape: p.inputShape, pixelScale: 1,
    sample: { source: sample.kind, label: p.sample.label }, original: p.original, augmented: p.augmented, draws: p.draws, seed: p.seed,
  };
}

async function revealModel(target: Target): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(target.uri);
  const range = targetRange(target);
  const start = new vscode.Position(range.start.line - 1, range.start.column - 1);
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(start, start) });
}

/** The model (or else the ImageDataGenerator) named `name` in the document at `uri`, read fresh (after a reload nothing is cached). */
async function findTarget(analysis: AnalysisService, uri: vscode.Uri, name: string): Promise<Target | undefined> {
  const document = await vscode.workspace.openTextDocument(uri);
  const read = analysis.get(document)?.analysis;
  if (!read) return undefined;
  const i = read.models.findIndex((m) => m.name === name);
  if (i >= 0) return { kind: 'model', uri, spec: read.specs[i] };
  const generator = read.generators?.find((g) => g.name === name);
  return generator && generatorTarget(uri, generator, read.specs);
}

export function registerAugmentPanel(context: vscode.ExtensionContext, pages: PageContext, analysis: AnalysisService, client: VizClient): AugmentPanelApi {
  const panels = new PanelManager(pages, {
    viewType: AUGMENT_VIEW_TYPE,
    protocol: augmentProtocol,
    title: () => 'Augmentation',
    // After a window reload the panel comes back on the model (and seed) it showed.
    keyOf: () => KEY,
    create: (webviewPanel, _key, restored) => {
      const panel = new AugmentPanel(webviewPanel, pages, client);
      if (restored) void restore(panel, restored.uri, restored.model, restored.seed);
      return panel;
    },
  });
  const restore = async (panel: AugmentPanel, uriString: string, model: string, seed: number): Promise<void> => {
    const uri = vscode.Uri.parse(uriString);
    const target = await findTarget(analysis, uri, model).catch(() => undefined);
    if (target) await panel.retarget(target, seed);
    else panel.post({ type: 'error', message: `ConvLens: the model ${model} is no longer in ${vscode.workspace.asRelativePath(uri)}` });
  };
  const api: AugmentPanelApi = {
    async show(uri, spec) {
      await panels.show(KEY).retarget({ kind: 'model', uri, spec });
    },
    async showGenerator(uri, generator, specs) {
      await panels.show(KEY).retarget(generatorTarget(uri, generator, specs));
    },
    settled: () => panels.get(KEY)?.settled() ?? Promise.resolve(),
    dispose: () => panels.dispose(),
  };
  context.subscriptions.push(api);
  return api;
}
