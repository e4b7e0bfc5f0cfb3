/**
 * Registers the editor providers (CodeLens, inline hints, hovers, diagnostics and the
 * Flatten quick fix) over one AnalysisService, for every language ConvLens reads.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from '../host/analysisService';
import { ModelCodeLensProvider } from './codeLens';
import { DiagnosticsPublisher, FlattenQuickFix } from './diagnostics';
import { LayerHoverProvider } from './hover';
import { ShapeInlayHintsProvider } from './inlineHints';

/** The languages ConvLens reads, as VS Code document selectors. */
const SELECTOR: vscode.DocumentSelector = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact']
  .flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }, { language, scheme: 'vscode-remote' }]);

export function registerEditorFeatures(context: vscode.ExtensionContext, analysis: AnalysisService): void {
  const codeLens = new ModelCodeLensProvider(analysis);
  const hints = new ShapeInlayHintsProvider(analysis);
  context.subscriptions.push(
    codeLens, hints, new DiagnosticsPublisher(analysis),
    vscode.languages.registerCodeLensProvider(SELECTOR, codeLens),
    vscode.languages.registerInlayHintsProvider(SELECTOR, hints),
    vscode.languages.registerHoverProvider(SELECTOR, new LayerHoverProvider(analysis)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new FlattenQuickFix(), { providedCodeActionKinds: FlattenQuickFix.kinds }),
  );
}
