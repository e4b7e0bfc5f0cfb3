/** Conversions between the core's 1-based ranges and VS Code's 0-based ones. */
import * as vscode from 'vscode';
import type { Diagnostic, Severity, SourceRange } from '../core/model/spec';

export function toVsRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.start.line - 1, r.start.column - 1, r.end.line - 1, r.end.column - 1);
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function toVsDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toVsRange(d.range), d.message, SEVERITY[d.severity]);
  out.source = 'ConvLens';
  if (d.code) out.code = d.code;
  return out;
}
