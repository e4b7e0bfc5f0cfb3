/**
 * The summary panel: one model of one document as a Keras-style table, with what-if input
 * sizes and the convolution-arithmetic walkthrough. It follows the document live and comes
 * back after a window reload on the model its page saved.
 */
import * as vscode from 'vscode';
import { analyzeWithInputSize } from '../core/shapes/whatIf';
import type { AnalysisService } from '../host/analysisService';
import { summaryProtocol, type SourceRange, type SummaryHostMessage, type SummaryView, type SummaryWebviewMessage } from '../protocol/summary';
import { PanelManager } from './framework/panelManager';
import { PanelHost, type PageContext } from './framework/webviewHost';
import { buildPayload, modelIndex } from './payload';

export const SUMMARY_VIEW_TYPE = 'convlens.summary';

/** While the page loads only the latest model (or "empty") is worth sending; focus requests are kept. */
export function latestModelOnly(queue: SummaryHostMessage[], message: SummaryHostMessage): SummaryHostMessage[] {
  const isModel = (m: SummaryHostMessage): boolean => m.type === 'model' || m.type === 'empty';
  return [...(isModel(message) ? queue.filter((m) => !isModel(m)) : queue), message];
}

/** Opens a document by uri, reusing an already open one. */
export async function openDocument(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}

/** Shows `range`'s start in the editor column that already shows the document (or the first). */
export async function revealRange(uri: vscode.Uri, range: SourceRange): Promise<void> {
  const doc = await openDocument(uri);
  const column = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.viewColumn ?? vscode.ViewColumn.One;
  const pos = new vscode.Position(Math.max(0, range.start.line - 1), Math.max(0, range.start.column - 1));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos), preserveFocus: false });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The model message for a document that is open, else undefined. */
function modelMessage(analysis: AnalysisService, uri: vscode.Uri, modelName: string | undefined): Extract<SummaryHostMessage, { type: 'model' }> | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const a = doc && analysis.get(doc)?.analysis;
  if (!a || a.models.length === 0) return undefined;
  return { type: 'model', payload: buildPayload(uri.toString(), vscode.workspace.asRelativePath(uri), a, modelIndex(a, modelName)) };
}

export class SummaryPanel extends PanelHost<typeof summaryProtocol> {
  /** The focus request to replay after each (re)load of the page. */
  private focus?: SummaryHostMessage;

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly analysis: AnalysisService, readonly uri: vscode.Uri, private modelName: string | undefined) {
    // The page draws the model as its script runs: no "Loading…" while the host answers `ready`.
    super(panel, context, {
      id: SUMMARY_VIEW_TYPE, key: uri.toString(), protocol: summaryProtocol, script: 'summary', title: 'ConvLens summary', hold: latestModelOnly,
      initial: modelMessage(analysis, uri, modelName),
    });
    this.answer('whatIf', (size) => this.whatIf(size.height, size.width));
    this.register(analysis.onDidChange((changed) => {
      if (changed.toString() === this.uri.toString()) void this.update();
    }));
    this.updateTitle();
  }

  /** Points the panel at a model (and optionally a view and layer), then brings it forward with the focus. */
  show(modelName: string | undefined, view?: SummaryView, layerIndex?: number): void {
    if (modelName !== undefined && modelName !== this.modelName) {
      this.modelName = modelName;
      this.updateTitle();
      if (this.channel.isReady) void this.update();
    }
    if (view) {
      this.focus = { type: 'focus', view, layerIndex };
      this.post(this.focus);
    }
    this.panel.reveal(this.panel.viewColumn, false);
  }

  protected onMessage(message: SummaryWebviewMessage): Promise<void> | void {
    switch (message.type) {
      case 'ready':
        // Every (re)load draws the current model, then the view it was asked to show.
        return this.update().then(() => { if (this.focus) this.post(this.focus); });
      case 'reveal':
        return revealRange(this.uri, message.range);
      case 'selectModel':
        return this.show(message.name);
      case 'openSummary':
      case 'fineTune':
      case 'export':
        return;
    }
  }

  private updateTitle(): void {
    this.title = `ConvLens: ${this.modelName ?? 'model'}`;
  }

  private async update(): Promise<void> {
    try {
      await openDocument(this.uri);
    } catch {
      this.post({ type: 'empty', reason: `Cannot open ${this.uri.fsPath}.` });
      return;
    }
    if (this.isDisposed) return;
    const message = modelMessage(this.analysis, this.uri, this.modelName);
    if (!message) {
      this.post({ type: 'empty', reason: `No Keras or TF.js model found in ${vscode.workspace.asRelativePath(this.uri)}.` });
      return;
    }
    if (this.modelName !== message.payload.model.name) {
      this.modelName = message.payload.model.name;
      this.updateTitle();
    }
    this.post(message);
  }

  private async whatIf(height: number, width: number) {
    const a = this.analysis.get(await openDocument(this.uri))?.analysis;
    if (!a || a.models.length === 0) throw new Error('The model is no longer in the document');
    return analyzeWithInputSize(a.specs[modelIndex(a, this.modelName)], height, width);
  }
}

/** Summary panels, one per document; `show(uri, modelName)` opens one on that model. */
export function summaryPanels(context: PageContext, analysis: AnalysisService): PanelManager<typeof summaryProtocol, SummaryPanel, string | undefined> {
  return new PanelManager<typeof summaryProtocol, SummaryPanel, string | undefined>(context, {
    viewType: SUMMARY_VIEW_TYPE,
    protocol: summaryProtocol,
    title: () => 'ConvLens: model',
    keyOf: (state) => state.uri,
    options: { enableFindWidget: true },
    create: (webviewPanel, key, restored, modelName) => {
      const panel = new SummaryPanel(webviewPanel, context, analysis, vscode.Uri.parse(key), restored?.modelName ?? modelName);
      if (restored?.view === 'arithmetic' || restored?.view === 'graph') panel.show(undefined, restored.view);
      return panel;
    },
  });
}
