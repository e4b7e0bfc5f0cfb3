/**
 * Composition root: builds the shared services, registers every editor feature and
 * returns. Nothing here loads tfjs or does analysis work up front.
 */
import * as vscode from 'vscode';
import { AnalysisService } from './editor/analysisService';
import { registerEditorFeatures, type EditorApi } from './editor/features';

/** What `activate` returns: used by the integration tests, and by other extensions. */
export interface ConvLensApi {
  analysis: AnalysisService;
  editor: EditorApi;
  training: EditorApi['training'];
}

export function activate(context: vscode.ExtensionContext): ConvLensApi {
  const analysis = new AnalysisService();
  context.subscriptions.push(analysis);
  const editor = registerEditorFeatures(context, analysis);
  return { analysis, editor, training: editor.training };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
