/**
 * The Keras-style layer table (full and compact), totals and diagnostics. A real <table>
 * with scoped headers: screen readers announce column names, and it themes with plain CSS.
 */
import { formatBytes, formatCount, formatOutputKeras } from '../../src/core/shapes/format';
import type { LayerSummary, ModelSummary } from '../../src/core/shapes/types';
import type { ModelPayload, SourceRange } from '../../src/protocol/summary';
import { activatable, h } from './dom';

export interface TableOptions {
  compact: boolean;
  onReveal(range: SourceRange): void;
  /** Present when the arithmetic view exists: offered on conv/pool rows. */
  onArithmetic?(layerIndex: number): void;
  arithmeticLayers: Set<number>;
  /** The original model's params per layer, shown next to what-if counts. */
  originalParams?: Map<number, number | null>;
  /** A saved model file about to be fine-tuned: a checkbox per layer with weights, and "train from here". */
  fineTune?: FineTuneOptions;
}

export interface FineTuneOptions {
  /** Whether each layer trains (by name), as the file says or as the user chose. */
  trains(layer: LayerSummary): boolean;
  onToggle(layer: LayerSummary, trains: boolean): void;
  /** Chollet's fine-tuning: every layer before this one frozen, this one and those after it trained. */
  onTrainFrom(layer: LayerSummary): void;
}

/** '?' with the reason in a tooltip, or the formatted value. */
function unknownOr(text: string | null, reason: string | undefined): HTMLElement {
  if (text !== null) return h('span', {}, text);
  return h('span', { class: 'unknown', title: reason ?? 'Not known statically', 'aria-label': `unknown: ${reason ?? 'not known statically'}` }, '?');
}

const count = (n: number | null): string | null => (n === null ? null : formatCount(n));

/** Keeps a control's clicks and keys from also activating its row (which reveals the layer). */
function ownEvents<T extends HTMLElement>(el: T): T {
  for (const type of ['click', 'keydown']) el.addEventListener(type, (e) => e.stopPropagation());
  return el;
}

/** The fine-tuning controls of a layer with weights: its trainable checkbox and "from here". */
function fineTuneCell(l: LayerSummary, o: FineTuneOptions): HTMLElement {
  const trains = o.trains(l);
  const box = ownEvents(h('vscode-checkbox', { class: 'trains', 'data-layer': l.name, checked: trains, label: 'trains', 'aria-label': `${l.name} trains when fine-tuned` }) as HTMLElement & { checked: boolean });
  box.addEventListener('change', () => o.onToggle(l, box.checked));
  const from = ownEvents(h('button', { class: 'link train-from', type: 'button', 'data-layer': l.name, title: `Freeze every layer before ${l.name}; train ${l.name} and every layer after it` }, 'train from here'));
  from.addEventListener('click', () => o.onTrainFrom(l));
  // Partly frozen while it trains (BatchNormalization's statistics): say how much.
  const detail = trains && l.nonTrainableParams ? h('span', { class: 'muted' }, ` ${formatCount(l.trainableParams ?? 0)} / ${formatCount(l.nonTrainableParams)} frozen`) : null;
  return h('span', { class: 'fine-tune' }, box, detail, ' ', from);
}

function trainableCell(l: LayerSummary, fineTune?: FineTuneOptions): HTMLElement {
  if (fineTune && l.params) return fineTuneCell(l, fineTune);
  if (l.params === null) return unknownOr(null, l.unknownReason);
  if (l.params === 0) return h('span', { class: 'muted', 'aria-label': 'no weights' }, '—');
  if (!l.nonTrainableParams) return h('span', { class: 'check', 'aria-label': 'all trainable' }, '✓');
  return h('span', {}, `${formatCount(l.trainableParams ?? 0)} / ${formatCount(l.nonTrainableParams)} frozen`);
}

/** A bar whose width is set through CSSOM (allowed by the CSP, unlike a style attribute). */
export function shareBar(params: number | null, total: number): HTMLElement {
  const share = params && total > 0 ? params / total : 0;
  const pct = `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${Math.max(share * 100, 0)}%`;
  return h('span', { class: 'bar', role: 'img', 'aria-label': `${pct} of all parameters` }, h('span', { class: 'bar-track' }, fill), h('span', { class: 'bar-text' }, pct));
}

/**
 * The row that holds a shared layer's (or model's) weights, when `l` applies it again (a siamese
 * network's tower called on each input): its weights are counted there, once, as Keras' totals
 * count them, so the Params column adds up to the total.
 */
function weightsRow(model: ModelSummary, l: LayerSummary): LayerSummary | undefined {
  return l.sharedWith === undefined ? undefined : model.layers[l.sharedWith];
}

/** A later application's Params cell: no number, a pointer to the row that counts the weights. */
function sharedCell(first: LayerSummary): HTMLElement {
  return h('span', { class: 'shared muted', title: `Weights shared with ${first.name}, counted once in its row`, 'aria-label': `weights shared with ${first.name}, counted in its row` }, `shared with ${first.name}`);
}

export function renderTable(model: ModelSummary, o: TableOptions): HTMLTableElement {
  const heads = o.compact
    ? ['Layer', 'Output shape', 'Params']
    : ['Layer', 'Type', 'Output shape', 'Params', ...(o.originalParams ? ['Originally'] : []), 'Trainable', 'Share of params'];
  const table = h('table', { class: o.compact ? 'layers compact' : 'layers' },
    h('caption', { class: 'sr-only' }, `Layers of ${model.name}: activate a row to show it in the editor`),
    h('thead', {}, h('tr', {}, ...heads.map((t) => h('th', { scope: 'col' }, t)))));
  const body = h('tbody');
  for (const l of model.layers) {
    const row = h('tr', { 'data-layer-index': l.index, 'aria-label': `${l.name}, ${l.className}, line ${l.range.start.line}` });
    activatable(row, () => o.onReveal(l.range));
    const name = h('td', { class: 'name' }, h('span', {}, l.name));
    if (o.compact) name.append(h('span', { class: 'type muted' }, ` ${l.className}`));
    const shape = h('td', { class: 'shape' }, unknownOr(l.outputShape ? formatOutputKeras(l) : null, l.unknownReason));
    const first = weightsRow(model, l);
    const params = h('td', { class: 'params num' }, first ? sharedCell(first) : unknownOr(count(l.params), l.unknownReason));
    if (o.compact) {
      if (!first) params.append(shareBar(l.params, model.totalParams));
      row.append(name, shape, params);
    } else {
      const typeCell = h('td', { class: 'type' }, l.className);
      if (o.onArithmetic && o.arithmeticLayers.has(l.index)) {
        const b = h('button', { class: 'link', type: 'button', 'aria-label': `Show the convolution arithmetic of ${l.name}` }, 'arithmetic');
        b.addEventListener('click', (e) => { e.stopPropagation(); o.onArithmetic?.(l.index); });
        typeCell.append(' ', b);
      }
      const cells: HTMLElement[] = [name, typeCell, shape, params];
      if (o.originalParams) {
        const before = o.originalParams.get(l.index) ?? null;
        const changed = before !== l.params;
        cells.push(h('td', { class: changed ? 'orig num changed' : 'orig num muted' }, before === null ? '?' : formatCount(before)));
      }
      const shared = () => h('span', { class: 'muted', 'aria-label': `as ${first?.name}` }, '—');
      cells.push(h('td', { class: 'trainable' }, first ? shared() : trainableCell(l, o.fineTune)), h('td', { class: 'share' }, first ? shared() : shareBar(l.params, model.totalParams)));
      row.append(...cells);
    }
    body.append(row);
    if (!o.compact) {
      // The arithmetic under its layer, across the full width: a column of formulas would be
      // cut off in a narrow panel. One line per formula; the newline keeps them apart in textContent.
      const paramsLine = first ? `params: the weights of ${first.name}, applied again (counted once)` : l.formulas.params ? `params: ${l.formulas.params}` : '';
      const formula = [paramsLine, ...l.formulas.shape].filter(Boolean);
      const why = l.unknownReason && l.params === null ? h('span', { class: 'muted' }, l.unknownReason) : null;
      if (formula.length > 0 || why) {
        body.append(h('tr', { class: 'formula-row', 'data-formula-for': l.index },
          h('td', { class: 'formula', colspan: heads.length }, ...formula.flatMap((f, i) => [i ? '\n' : '', h('div', {}, f)]), why)));
      }
    }
  }
  table.append(body);
  return table;
}

export function renderTotals(model: ModelSummary, idPrefix = ''): HTMLElement {
  // An undecided branch: the first branch's figures, neither exact nor a lower bound.
  const lower = model.complete ? '' : model.undecidedBranches ? ' (first branch of an undecided condition)' : ' (at least)';
  const item = (label: string, id: string, value: string) => h('div', { class: 'total' }, h('dt', {}, label), h('dd', { id: idPrefix + id }, value + lower));
  return h('dl', { class: 'totals' },
    item('Total params', 'total-params', formatCount(model.totalParams)),
    item('Trainable', 'trainable-params', formatCount(model.trainableParams)),
    item('Non-trainable', 'non-trainable-params', formatCount(model.nonTrainableParams)),
    item('Size (float32)', 'size', formatBytes(model.sizeBytes)));
}

export function renderDiagnostics(p: ModelPayload, onReveal: (line: number) => void): HTMLElement | null {
  if (p.diagnostics.length === 0) return null;
  const list = h('ul', { class: 'diagnostics', 'aria-label': 'Problems' });
  for (const d of p.diagnostics) {
    const li = h('li', { class: `diag ${d.severity}` }, h('span', { class: 'severity' }, d.severity), ` line ${d.line}: ${d.message}`);
    activatable(li, () => onReveal(d.line));
    list.append(li);
  }
  return h('section', {}, h('h2', {}, 'Problems'), list);
}
