/**
 * Saved model files in the editor: double-clicking a `.keras` or `.h5`/`.hdf5` file (or
 * *Open With… › ConvLens model file* on a TF.js model.json) shows the summary page built
 * from the file's model config by the same shape engine as code: the layer table, formulas,
 * totals, what-if input size, plus what the file says about itself (format, Keras version,
 * optimizer state, weight dtype) and a warning for stored weights that do not fit the config.
 * Read-only: ConvLens never writes the file.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../core/analysis';
import { openModelFile, type OpenedModelFile } from '../core/modelFile/open';
import { modelFileLine } from '../core/modelFile/describe';
import { analyzeWithInputSize } from '../core/shapes/whatIf';
import { analyzeModel } from '../core/shapes/analyze';
import { withTrainable, type TrainableFlags } from '../core/model/trainable';
import { summaryProtocol, type SummaryHostMessage, type SummaryWebviewMessage } from '../protocol/summary';
import { PanelHost, type PageContext } from './framework/webviewHost';
import { buildPayload } from './payload';
import { latestModelOnly } from './summaryPanel';

export const MODEL_FILE_VIEW_TYPE = 'convlens.modelFile';
/** The same editor for TF.js model.json, offered under Open With (a JSON file stays a text file by default). */
export const MODEL_JSON_VIEW_TYPE = 'convlens.modelJson';

function modelMessage(uri: vscode.Uri, opened: OpenedModelFile): SummaryHostMessage {
  const analysis: FileAnalysis = { language: 'python', specs: [opened.spec], models: [opened.summary], diagnostics: [] };
  const payload = buildPayload(uri.toString(), vscode.workspace.asRelativePath(uri), analysis, 0);
  return { type: 'model', payload: { ...payload, fileInfo: modelFileLine(opened.file.info), exportable: opened.file.info.format === 'tfjs' } };
}

class ModelFileEditor extends PanelHost<typeof summaryProtocol> {
  private opened?: OpenedModelFile;
  private failure?: string;
  /** The fine-tuning choices made in the table: what-if sizes are analysed with them too. */
  private trainable: TrainableFlags = {};

  constructor(panel: vscode.WebviewPanel, context: PageContext, private readonly uri: vscode.Uri, viewType: string) {
    let opened: OpenedModelFile | undefined;
    let failure: string | undefined;
    try {
      opened = openModelFile(uri.fsPath);
    } catch (e) {
      failure = `ConvLens cannot read ${path.basename(uri.fsPath)}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    }
    super(panel, context, {
      id: viewType, key: uri.toString(), protocol: summaryProtocol, script: 'summary', title: path.basename(uri.fsPath), hold: latestModelOnly,
      initial: opened ? modelMessage(uri, opened) : { type: 'empty', reason: failure ?? '' },
    });
    this.opened = opened;
    this.failure = failure;
    this.answer('whatIf', ({ height, width }) => analyzeWithInputSize(this.chosenSpec(), height, width));
    this.answer('trainable', ({ trainable }) => {
      this.trainable = trainable;
      return analyzeModel(this.chosenSpec());
    });
  }

  /** The file's model with the trainable flags chosen so far. */
  private chosenSpec() {
    if (!this.opened) throw new Error(this.failure ?? 'the model file could not be read');
    return withTrainable(this.opened.spec, this.trainable);
  }

  protected onMessage(message: SummaryWebviewMessage): void {
    // A model file has no source lines to reveal and one model: `ready` and Fine-tune need answers.
    if (message.type === 'ready') {
      // A (re)loaded page starts from the file's own trainable flags.
      this.trainable = {};
      this.post(this.opened ? modelMessage(this.uri, this.opened) : { type: 'empty', reason: this.failure ?? '' });
    }
    if (message.type === 'fineTune') void vscode.commands.executeCommand('convlens.fineTuneModelFile', this.uri, undefined, message.trainable);
    if (message.type === 'export') void vscode.commands.executeCommand('convlens.exportModel', this.uri);
  }
}

class ModelFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly pages: PageContext, private readonly viewType: string) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, webviewPanel: vscode.WebviewPanel): void {
    new ModelFileEditor(webviewPanel, this.pages, document.uri, this.viewType);
  }
}

export function registerModelFileEditors(context: vscode.ExtensionContext, pages: PageContext): void {
  for (const viewType of [MODEL_FILE_VIEW_TYPE, MODEL_JSON_VIEW_TYPE]) {
    context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, new ModelFileEditorProvider(pages, viewType), { webviewOptions: { enableFindWidget: true } }));
  }
}
