/**
 * The ConvLens side view: a compact summary of the model under the cursor in the active
 * editor, following selection, editor and analysis changes. Same page and protocol as the
 * summary panel, in its compact mode.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from '../host/analysisService';
import { Disposables } from '../host/disposables';
import { summaryProtocol, type SummaryHostMessage, type SummaryWebviewMessage } from '../protocol/summary';
import { viewSurface, WebviewHost, type PageContext } from './framework/webviewHost';
import { buildPayload } from './payload';
import { latestModelOnly, revealRange } from './summaryPanel';

export const MODEL_VIEW_ID = 'convlens.modelView';

/** Delay before following the cursor: arrow-key repeats should not re-render the view each time. */
const SELECTION_DEBOUNCE_MS = 100;

/** What the view shows for the active editor: its model under the cursor, or why nothing; undefined without an editor. */
function modelUnderCursor(analysis: AnalysisService): { message: SummaryHostMessage; shown?: { uri: vscode.Uri; modelName: string } } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const doc = editor.document;
  const a = analysis.get(doc)?.analysis;
  const found = analysis.modelAt(doc, editor.selection.active.line);
  if (!a || !found) {
    return { message: { type: 'empty', reason: a ? 'No model in this file.' : 'Open a Keras (Python) or TF.js file to see its model.' } };
  }
  const payload = buildPayload(doc.uri.toString(), vscode.workspace.asRelativePath(doc.uri), a, a.models.indexOf(found.model));
  return { message: { type: 'model', payload }, shown: { uri: doc.uri, modelName: found.model.name } };
}

class ModelViewPage extends WebviewHost<typeof summaryProtocol> {
  /** The document and model last shown, for reveal and "Open Summary". */
  private shown?: { uri: vscode.Uri; modelName: string };

  constructor(view: vscode.WebviewView, context: PageContext, private readonly analysis: AnalysisService) {
    const current = modelUnderCursor(analysis);
    super(viewSurface(view), context, {
      id: MODEL_VIEW_ID, key: '', protocol: summaryProtocol, script: 'summary', title: 'ConvLens model', mode: 'compact', hold: latestModelOnly,
      initial: current?.message,
    });
    this.shown = current?.shown;
  }

  protected onMessage(message: SummaryWebviewMessage): Promise<void> | void {
    switch (message.type) {
      case 'ready':
        return this.update();
      case 'reveal':
        return this.shown && revealRange(this.shown.uri, message.range);
      case 'fineTune':
      case 'export':
        return;
      case 'openSummary':
        if (this.shown) void vscode.commands.executeCommand('convlens.showSummary', this.shown.uri, this.shown.modelName);
        return;
      case 'selectModel':
        return;
    }
  }

  update(): void {
    const current = modelUnderCursor(this.analysis);
    if (!current) {
      // Focus moved to a panel or the view itself: keep showing the last model.
      if (!this.shown) this.post({ type: 'empty', reason: 'Open a Keras (Python) or TF.js file to see its model.' });
      return;
    }
    this.shown = current.shown;
    this.post(current.message);
  }
}

export class ModelViewProvider extends Disposables implements vscode.WebviewViewProvider {
  private page?: ModelViewPage;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly context: PageContext, private readonly analysis: AnalysisService) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(MODEL_VIEW_ID, this));
    this.register(vscode.window.onDidChangeTextEditorSelection((e) => { if (e.textEditor === vscode.window.activeTextEditor) this.schedule(); }));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.schedule()));
    this.register(analysis.onDidChange((uri) => {
      if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) this.schedule();
    }));
    this.register({ dispose: () => { this.clearTimer(); this.page?.dispose(); } });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.page?.dispose();
    const page = new ModelViewPage(view, this.context, this.analysis);
    this.page = page;
    page.onDidDispose(() => { if (this.page === page) this.page = undefined; });
  }

  private schedule(): void {
    if (!this.page) return;
    this.clearTimer();
    this.timer = setTimeout(() => { this.timer = undefined; this.page?.update(); }, SELECTION_DEBOUNCE_MS);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
