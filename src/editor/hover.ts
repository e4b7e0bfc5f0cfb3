/** Hover on a layer call: its output shape and the formulas with the user's numbers. */
import * as vscode from 'vscode';
import { formatCount, formatOutputKeras } from '../core/shapes/format';
import type { LayerSummary, ModelSummary } from '../core/shapes/types';
import type { AnalysisService } from '../host/analysisService';
import { toVsRange } from './convert';

/** How many layers one hover lists when a line builds many (a block called in a loop). */
const MAX_LAYERS = 4;

function layerMarkdown(model: ModelSummary, layer: LayerSummary): string {
  const shape = formatOutputKeras(layer);
  const params = layer.params === null ? '?' : formatCount(layer.params);
  const lines = [`**${layer.name}** (${layer.className}) in \`${model.name}\` → \`${shape}\` · ${params} params`];
  if (layer.nonTrainableParams) lines.push(`${formatCount(layer.trainableParams ?? 0)} trainable, ${formatCount(layer.nonTrainableParams)} non-trainable`);
  const formulas = [...(layer.formulas.params ? [`params: ${layer.formulas.params}`] : []), ...layer.formulas.shape];
  if (formulas.length) lines.push(['```text', ...formulas, '```'].join('\n'));
  if (layer.unknownReason) lines.push(`Unknown: ${layer.unknownReason}`);
  return lines.join('\n\n');
}

export class LayerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: AnalysisService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const result = this.analysis.get(document);
    if (!result) return undefined;
    const hits: { model: ModelSummary; layer: LayerSummary; range: vscode.Range }[] = [];
    for (const model of result.analysis.models) {
      for (const layer of model.layers) {
        const range = toVsRange(layer.range);
        if (range.contains(position)) hits.push({ model, layer, range });
      }
    }
    if (hits.length === 0) return undefined;
    // The innermost call is what the pointer is on (a Conv2D inside model.add(...)).
    const smallest = hits.reduce((a, b) => (document.offsetAt(b.range.end) - document.offsetAt(b.range.start) < document.offsetAt(a.range.end) - document.offsetAt(a.range.start) ? b : a));
    const same = hits.filter((h) => h.range.isEqual(smallest.range));
    const parts = same.slice(0, MAX_LAYERS).map((h) => layerMarkdown(h.model, h.layer));
    if (same.length > MAX_LAYERS) parts.push(`…and ${same.length - MAX_LAYERS} more layers from this line`);
    const md = new vscode.MarkdownString(parts.join('\n\n---\n\n'));
    return new vscode.Hover(md, smallest.range);
  }
}
