/** Show Model Summary and Show Convolution Arithmetic: the summary panel, on its table or on a layer's arithmetic. */
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

export function summaryCommands({ analysis, panels }: CommandServices): CommandTable {
  const showSummary = (view: 'table' | 'arithmetic', args: unknown[]): void => {
    const target = commandTarget(analysis, args);
    if (!target) return;
    const found = analysis.get(target.document)?.analysis.models ?? [];
    if (found.length === 0) {
      warnNoModel(target.document);
      return;
    }
    const model = found.find((m) => m.name === target.modelName) ?? found[0];
    // The arithmetic view opens on the convolution or pooling layer under the cursor, if any.
    const layerIndex = view === 'arithmetic'
      ? model.layers.findIndex((l) => l.range.start.line - 1 <= target.line && target.line <= l.range.end.line - 1 && /Conv2D|Pooling2D/.test(l.className))
      : -1;
    panels.showSummary(target.document.uri, model.name, view, layerIndex >= 0 ? layerIndex : undefined);
  };
  return {
    'convlens.showSummary': (...args) => showSummary('table', args),
    'convlens.showConvolutionArithmetic': (...args) => showSummary('arithmetic', args),
  };
}
