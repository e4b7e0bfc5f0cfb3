/** The document and model a command acts on: its arguments (from a CodeLens) or the cursor. */
import * as vscode from 'vscode';
import type { AnalysisService } from '../analysisService';

export interface CommandTarget {
  document: vscode.TextDocument;
  modelName?: string;
  /** The cursor's line (0-based) when the document is the active editor, else 0. */
  line: number;
}

/** Undefined (after telling the user why) when neither the arguments nor the active editor name a model file. */
export function commandTarget(analysis: AnalysisService, args: unknown[]): CommandTarget | undefined {
  const [uri, modelName] = args;
  const editor = vscode.window.activeTextEditor;
  if (uri instanceof vscode.Uri) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document) return { document, modelName: typeof modelName === 'string' ? modelName : undefined, line: editor?.document === document ? editor.selection.active.line : 0 };
  }
  if (!editor || !analysis.get(editor.document)) {
    void vscode.window.showErrorMessage('ConvLens: open a Python, TypeScript or JavaScript file with a Keras or TF.js model first.');
    return undefined;
  }
  return { document: editor.document, line: editor.selection.active.line, modelName: analysis.modelAt(editor.document, editor.selection.active.line)?.model.name };
}

export function warnNoModel(document: vscode.TextDocument, purpose = ''): void {
  void vscode.window.showWarningMessage(`ConvLens found no Keras or TF.js model${purpose} in ${vscode.workspace.asRelativePath(document.uri)}.`);
}
