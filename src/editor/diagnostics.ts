/**
 * Publishes the core's diagnostics to the Problems panel and offers the obvious quick fix:
 * insert Flatten() before a Dense that receives a rank-4 tensor.
 */
import * as vscode from 'vscode';
import { allDiagnostics } from '../core/analysis';
import type { AnalysisService } from '../host/analysisService';
import { toVsDiagnostic } from './convert';
import { flattenLineFor } from './flattenFix';
import { Disposables } from '../host/disposables';
import { onConfigurationChanged, readConfiguration } from '../host/configuration';

export class DiagnosticsPublisher extends Disposables {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('convlens'));

  constructor(private readonly analysis: AnalysisService) {
    super();
    this.register(analysis.onDidChange((uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) this.update(doc);
    }));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.update(d)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)));
    this.register(onConfigurationChanged(['diagnostics.enabled'], () => this.refreshAll()));
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.update(d);
  }

  update(document: vscode.TextDocument): void {
    const result = this.analysis.get(document);
    if (!result || !readConfiguration()['diagnostics.enabled']) {
      this.collection.delete(document.uri);
      return;
    }
    // A model nested in another is analysed twice; report each problem once.
    const seen = new Set<string>();
    const diagnostics = allDiagnostics(result.analysis).filter((d) => {
      const key = `${d.range.start.line}:${d.range.start.column}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    this.collection.set(document.uri, diagnostics.map(toVsDiagnostic));
  }
}

export class FlattenQuickFix implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'ConvLens' || diagnostic.code !== 'dense-on-rank4') continue;
      const line = document.lineAt(diagnostic.range.start.line);
      const newLine = flattenLineFor(line.text, /\bFlatten\b/.test(document.getText()));
      if (newLine === undefined) continue;
      const action = new vscode.CodeAction('Insert Flatten() before Dense', vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.insert(document.uri, line.range.start, `${newLine}\n`);
      actions.push(action);
    }
    return actions;
  }
}
