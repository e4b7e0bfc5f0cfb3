/**
 * The summary panel: one model of one document as a Keras-style table, with what-if input
 * sizes and the convolution-arithmetic walkthrough. It follows the document live and
 * survives a window reload through its serializer (the webview persists uri + model name).
 */
import * as vscode from 'vscode';
import { analyzeWithInputSize } from '../core/shapes/whatIf';
import type { AnalysisService } from '../host/analysisService';
import { Disposables } from '../host/disposables';
import { isSummaryState, isWhatIfParams, type HostMessage, type SourceRange, type SummaryView, type WebviewMessage } from '../protocol/messages';
import { summaryChannel, type SummaryChannel } from './channel';
import { buildPayload, modelIndex } from './payload';
import { loadPanelPage } from './panelPage';

export const SUMMARY_VIEW_TYPE = 'convlens.summary';

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

export class SummaryPanel extends Disposables {
  readonly channel: SummaryChannel;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;
  /** The focus request to replay after each (re)load of the webview. */
  private focus?: HostMessage;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly analysis: AnalysisService,
    readonly uri: vscode.Uri,
    private modelName: string | undefined,
  ) {
    super();
    const webview = loadPanelPage(panel, extensionUri, { script: 'summary', title: 'ConvLens summary' });
    this.channel = this.register(summaryChannel(webview, (m) => this.onMessage(m)));
    this.channel.rpc.on('whatIf', (params) => this.whatIf(params));
    this.register(analysis.onDidChange((changed) => {
      if (changed.toString() === this.uri.toString()) void this.update();
    }));
    // retainContextWhenHidden is off: a hidden webview is torn down and reloads when shown,
    // so hold messages until its next `ready` (which re-posts the model).
    this.register(panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.channel.reset();
    }));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.title();
    void this.update();
  }

  get currentModelName(): string | undefined {
    return this.modelName;
  }

  /** Points the panel at a model (and optionally a view and layer), then brings it forward. */
  show(modelName: string | undefined, view?: SummaryView, layerIndex?: number): void {
    if (modelName !== undefined && modelName !== this.modelName) {
      this.modelName = modelName;
      this.title();
      void this.update();
    }
    if (view) {
      this.focus = { type: 'focus', view, layerIndex };
      this.channel.post(this.focus);
    }
    this.panel.reveal(this.panel.viewColumn, false);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposedEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  private title(): void {
    this.panel.title = `ConvLens: ${this.modelName ?? 'model'}`;
  }

  private onMessage(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        void this.update().then(() => { if (this.focus) this.channel.post(this.focus); });
        break;
      case 'reveal':
        revealRange(this.uri, message.range).catch((e) => void vscode.window.showErrorMessage(`ConvLens: cannot show the layer: ${e}`));
        break;
      case 'selectModel':
        this.show(message.name);
        break;
      case 'openSummary':
        break;
    }
  }

  private async update(): Promise<void> {
    let doc: vscode.TextDocument;
    try {
      doc = await openDocument(this.uri);
    } catch {
      this.channel.post({ type: 'empty', reason: `Cannot open ${this.uri.fsPath}.` });
      return;
    }
    if (this.isDisposed) return;
    const a = this.analysis.get(doc)?.analysis;
    if (!a || a.models.length === 0) {
      this.channel.post({ type: 'empty', reason: `No Keras or TF.js model found in ${vscode.workspace.asRelativePath(this.uri)}.` });
      return;
    }
    const index = modelIndex(a, this.modelName);
    if (this.modelName !== a.models[index].name) {
      this.modelName = a.models[index].name;
      this.title();
    }
    this.channel.post({ type: 'model', payload: buildPayload(this.uri.toString(), vscode.workspace.asRelativePath(this.uri), a, index) });
  }

  private async whatIf(params: unknown) {
    if (!isWhatIfParams(params)) throw new Error('What-if sizes must be whole numbers of pixels from 1 to 8192');
    const a = this.analysis.get(await openDocument(this.uri))?.analysis;
    if (!a || a.models.length === 0) throw new Error('The model is no longer in the document');
    return analyzeWithInputSize(a.specs[modelIndex(a, this.modelName)], params.height, params.width);
  }
}

/** Every open summary panel, plus the serializer that brings them back after a reload. */
export class SummaryPanels extends Disposables implements vscode.WebviewPanelSerializer {
  private readonly panels = new Set<SummaryPanel>();
  private lastActive?: SummaryPanel;

  constructor(private readonly extensionUri: vscode.Uri, private readonly analysis: AnalysisService) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(SUMMARY_VIEW_TYPE, this));
    this.register({ dispose: () => { for (const p of [...this.panels]) p.dispose(); } });
  }

  /** The panel integration tests talk to: the last one shown or focused. */
  get active(): SummaryPanel | undefined {
    return this.lastActive;
  }

  async show(uri: vscode.Uri, modelName?: string, view?: SummaryView, layerIndex?: number): Promise<SummaryPanel> {
    let panel = [...this.panels].find((p) => p.uri.toString() === uri.toString());
    if (!panel) {
      const webviewPanel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, `ConvLens: ${modelName ?? 'model'}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { retainContextWhenHidden: false, enableFindWidget: true });
      panel = this.adopt(webviewPanel, uri, modelName);
    }
    panel.show(modelName, view, layerIndex);
    this.lastActive = panel;
    return panel;
  }

  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isSummaryState(state)) {
      // Nothing to re-attach to (the panel closed before its first model): drop it.
      webviewPanel.dispose();
      return;
    }
    const panel = this.adopt(webviewPanel, vscode.Uri.parse(state.uri), state.modelName);
    if (state.view === 'arithmetic') panel.show(undefined, 'arithmetic');
  }

  private adopt(webviewPanel: vscode.WebviewPanel, uri: vscode.Uri, modelName: string | undefined): SummaryPanel {
    const panel = new SummaryPanel(webviewPanel, this.extensionUri, this.analysis, uri, modelName);
    this.panels.add(panel);
    this.lastActive ??= panel;
    const focus = webviewPanel.onDidChangeViewState((e) => { if (e.webviewPanel.active) this.lastActive = panel; });
    panel.onDidDispose(() => {
      focus.dispose();
      this.panels.delete(panel);
      if (this.lastActive === panel) this.lastActive = [...this.panels].pop();
    });
    return panel;
  }
}
