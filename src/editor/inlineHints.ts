/**
 * Inline hints at the end of each layer line: `→ (None, 26, 26, 32) · 320 params`.
 * A line that creates several layers (a helper called in a loop) gets one combined hint.
 */
import * as vscode from 'vscode';
import { formatCount, formatOutputKeras, formatShapeKeras } from '../core/shapes/format';
import type { LayerSummary } from '../core/shapes/types';
import type { AnalysisService } from '../host/analysisService';
import { Disposables } from '../host/disposables';
import { onConfigurationChanged, readConfiguration } from '../host/configuration';

function paramsText(n: number | null): string {
  return n === null ? '? params' : `${formatCount(n)} param${n === 1 ? '' : 's'}`;
}

/** The hint text for the layers whose source ends on one line. */
function hintText(layers: LayerSummary[]): string {
  if (layers.length === 1) {
    const [l] = layers;
    return `→ ${formatOutputKeras(l)} · ${paramsText(l.params)}`;
  }
  const last = layers[layers.length - 1];
  const total = layers.some((l) => l.params === null) ? null : layers.reduce((s, l) => s + (l.params ?? 0), 0);
  return `→ ×${layers.length}, last ${last.outputShape ? formatShapeKeras(last.outputShape) : '?'} · ${paramsText(total)} in all`;
}

export class ShapeInlayHintsProvider extends Disposables implements vscode.InlayHintsProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly analysis: AnalysisService) {
    super();
    this.register(analysis.onDidChange(() => this.changed.fire()));
    this.register(onConfigurationChanged(['inlineHints.enabled'], () => this.changed.fire()));
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    if (!readConfiguration()['inlineHints.enabled']) return [];
    const result = this.analysis.get(document);
    if (!result) return [];
    const byLine = new Map<number, LayerSummary[]>();
    for (const model of result.analysis.models) {
      for (const layer of model.layers) {
        const line = layer.range.end.line - 1;
        if (line < range.start.line || line > range.end.line || line >= document.lineCount) continue;
        const list = byLine.get(line) ?? [];
        // The same layer object listed twice (shared or nested) is one hint.
        if (!list.includes(layer)) list.push(layer);
        byLine.set(line, list);
      }
    }
    return [...byLine.entries()].map(([line, layers]) => {
      const hint = new vscode.InlayHint(document.lineAt(line).range.end, hintText(layers));
      hint.paddingLeft = true;
      hint.tooltip = new vscode.MarkdownString(layers.slice(0, 5).map((l) => `**${l.name}** (${l.className}): ${l.formula || l.unknownReason || ''}`).join('\n\n'));
      return hint;
    });
  }
}
