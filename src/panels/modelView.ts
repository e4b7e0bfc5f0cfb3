/**
 * The ConvLens side view: a compact summary of the model under the cursor in the active
 * editor, following selection, editor and analysis changes.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from '../host/analysisService';
import { Disposables } from '../host/disposables';
import type { WebviewMessage } from '../protocol/messages';
import { summaryChannel, type SummaryChannel } from './channel';
import { buildPayload } from './payload';
import { revealRange } from './summaryPanel';
import { buildWebviewHtml, extensionResource, webviewOptions } from './webviewHtml';

export const MODEL_VIEW_ID = 'convlens.modelView';

/** Delay before following the cursor: arrow-key repeats should not re-render the view each time. */
const SELECTION_DEBOUNCE_MS = 100;

export class ModelViewProvider extends Disposables implements vscode.WebviewViewProvider {
  private view?: vscode.WebviewView;
  private channel?: SummaryChannel;
  private viewDisposables: vscode.Disposable[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  /** The document and model last shown, for reveal and "Open Summary". */
  private shown?: { uri: vscode.Uri; modelName: string };

  constructor(private readonly extensionUri: vscode.Uri, private readonly analysis: AnalysisService) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(MODEL_VIEW_ID, this));
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => { if (e.textEditor === vscode.window.activeTextEditor) this.schedule(); }));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.schedule()));
    this.register(analysis.onDidChange((uri) => {
      if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) this.schedule();
    }));
    this.register({ dispose: () => { this.clearTimer(); this.disposeView(); } });
  }

  get webviewChannel(): SummaryChannel | undefined {
    return this.channel;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri, vscode.Uri.joinPath);
    view.webview.html = buildWebviewHtml(view.webview, extensionResource(this.extensionUri, vscode.Uri.joinPath),
      { script: 'summary', title: 'ConvLens model', mode: 'compact' });
    const channel = summaryChannel(view.webview, (m) => this.onMessage(m));
    this.channel = channel;
    this.viewDisposables = [
      channel,
      // Hidden views lose their DOM (no retainContextWhenHidden): queue until the next `ready`.
      view.onDidChangeVisibility(() => { if (!view.visible) channel.reset(); }),
      view.onDidDispose(() => { if (this.view === view) this.disposeView(); }),
    ];
  }

  private onMessage(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.update();
        break;
      case 'reveal':
        if (this.shown) revealRange(this.shown.uri, message.range).catch((e) => void vscode.window.showErrorMessage(`ConvLens: ${e}`));
        break;
      case 'openSummary':
        if (this.shown) void vscode.commands.executeCommand('convlens.showSummary', this.shown.uri, this.shown.modelName);
        break;
      case 'selectModel':
        break;
    }
  }

  private schedule(): void {
    if (!this.view) return;
    this.clearTimer();
    this.timer = setTimeout(() => { this.timer = undefined; this.update(); }, SELECTION_DEBOUNCE_MS);
  }

  private update(): void {
    if (!this.channel) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      // Focus moved to a panel or the view itself: keep showing the last model.
      if (!this.shown) this.channel.post({ type: 'empty', reason: 'Open a Keras (Python) or TF.js file to see its model.' });
      return;
    }
    const doc = editor.document;
    const a = this.analysis.get(doc)?.analysis;
    const found = this.analysis.modelAt(doc, editor.selection.active.line);
    if (!a || !found) {
      this.shown = undefined;
      this.channel.post({ type: 'empty', reason: a ? 'No model in this file.' : 'Open a Keras (Python) or TF.js file to see its model.' });
      return;
    }
    const index = a.models.indexOf(found.model);
    this.shown = { uri: doc.uri, modelName: found.model.name };
    this.channel.post({ type: 'model', payload: buildPayload(doc.uri.toString(), vscode.workspace.asRelativePath(doc.uri), a, index) });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private disposeView(): void {
    for (const d of this.viewDisposables) d.dispose();
    this.viewDisposables = [];
    this.channel = undefined;
    this.view = undefined;
  }
}
