/**
 * Source positions for the TypeScript reader: ConvLens ranges are 1-based lines and
 * columns with an exclusive end, computed from token starts (never from `pos`, which
 * includes leading trivia such as comments and newlines).
 */
import * as ts from 'typescript';
import type { Diagnostic, SourcePosition, SourceRange } from '../../model/spec';

export function positionAt(sf: ts.SourceFile, offset: number): SourcePosition {
  const clamped = Math.max(0, Math.min(offset, sf.text.length));
  const lc = sf.getLineAndCharacterOfPosition(clamped);
  return { line: lc.line + 1, column: lc.character + 1 };
}

export function rangeBetween(sf: ts.SourceFile, start: number, end: number): SourceRange {
  return { start: positionAt(sf, start), end: positionAt(sf, Math.max(start, end)) };
}

/** The range of a node's own text: first token to just after its last character. */
export function rangeOf(sf: ts.SourceFile, node: ts.Node): SourceRange {
  return rangeBetween(sf, node.getStart(sf), node.getEnd());
}

/** The start of a file, for problems that belong to no particular node. */
export const FILE_START: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** ScriptKind from the file extension, so JSX and JS-only syntax parse as the user meant. */
export function scriptKindFor(fileName: string): ts.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Syntax errors found by the parser. `parseDiagnostics` is internal to TypeScript but has
 * been present for years; it is read defensively so a future change only loses the errors.
 */
export function syntaxDiagnostics(sf: ts.SourceFile): Diagnostic[] {
  const raw = (sf as unknown as { parseDiagnostics?: unknown }).parseDiagnostics;
  if (!Array.isArray(raw)) return [];
  return (raw as readonly ts.Diagnostic[]).map((d): Diagnostic => {
    const start = d.start ?? 0;
    return {
      severity: 'error',
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      range: rangeBetween(sf, start, start + (d.length ?? 0)),
      code: 'syntax-error',
    };
  });
}
