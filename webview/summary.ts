/**
 * Browser side of the summary panel and (with body[data-mode=compact]) of the side view.
 * The shell is built once; model updates replace only the parts that show data, so focus
 * and typed what-if sizes survive live edits of the document.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { layerCount } from '../src/core/shapes/counts';
import type { ModelSummary } from '../src/core/shapes/types';
import { summaryProtocol, type ModelPayload, type SummaryHostMessage, type SummaryView } from '../src/protocol/summary';
import { ArithmeticView } from './lib/arithmeticView';
import { FineTuneChoices } from './lib/fineTune';
import { renderGraph } from './lib/graphView';
import { h } from './lib/dom';
import { Host } from './lib/host';
import { renderDiagnostics, renderTable, renderTotals } from './lib/table';
import { WhatIf } from './lib/whatIf';

const compact = document.body.dataset.mode === 'compact';
const app = document.getElementById('app') as HTMLElement;
const host = new Host(summaryProtocol, onMessage);

let payload: ModelPayload | undefined;
let view: SummaryView = host.state?.view ?? 'table';
let arithmetic: ArithmeticView | undefined;
let arithmeticLayer: number | undefined;

const header = h('header', { class: 'header' });
const totals = h('div', { id: 'totals-region' });
const tableRegion = h('div', { id: 'table-region', class: 'table-region' });
const diagnostics = h('div', { id: 'diagnostics-region' });
const arithmeticRegion = h('div', { id: 'arithmetic-region' });
const graphRegion = h('div', { id: 'graph-region' });
/** The tabs in order: the index vscode-tabs reports is the view's index here. */
const VIEWS: SummaryView[] = ['table', 'arithmetic', 'graph'];
const whatIf = new WhatIf((size) => host.request('whatIf', size), () => renderTableRegion(), () => saveState());
const fineTune = new FineTuneChoices((trainable) => host.request('trainable', { trainable }), () => {
  // The totals and a what-if size are re-analysed with the new choices (the host applies them to both).
  const chosen = fineTune.result ?? payload?.model;
  if (!payload || !chosen) return;
  totals.replaceChildren(renderTotals(chosen));
  whatIf.setModel(chosen, payload.inputSize, whatIf.size);
  renderTableRegion();
});
const tabs = h('vscode-tabs', { id: 'tabs', 'aria-label': 'Summary views' },
  h('vscode-tab-header', { slot: 'header', id: 'tab-table' }, 'Layers'),
  h('vscode-tab-panel', {}, totals, whatIf.element, tableRegion, diagnostics),
  h('vscode-tab-header', { slot: 'header', id: 'tab-arithmetic' }, 'Convolution arithmetic'),
  h('vscode-tab-panel', {}, arithmeticRegion),
  h('vscode-tab-header', { slot: 'header', id: 'tab-graph', 'data-view': 'graph' }, 'Graph'),
  h('vscode-tab-panel', {}, graphRegion)) as HTMLElement & { selectedIndex: number };
tabs.addEventListener('vsc-tabs-select', (e) => {
  view = VIEWS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'table';
  if (view === 'graph') renderGraphRegion();
  if (view === 'table' && markedLayer !== undefined) tableRegion.querySelector<HTMLElement>(`tr[data-layer-index="${markedLayer}"]`)?.scrollIntoView({ block: 'center' });
  saveState();
});

/** The graph is laid out when its tab is shown (a large model's layout is not free), and again for a new model. */
let graphOf: ModelSummary | undefined;
function renderGraphRegion(): void {
  if (!payload || graphOf === payload.model) return;
  graphOf = payload.model;
  graphRegion.replaceChildren(renderGraph(payload.model, (layer) => {
    reveal(layer.range);
    markRow(layer.index);
  }));
}

/** The layer last chosen in the graph: its table row is marked, ready when the Layers tab is shown. */
let markedLayer: number | undefined;
function markRow(index: number | undefined): void {
  markedLayer = index;
  for (const row of tableRegion.querySelectorAll<HTMLElement>('tr[data-layer-index]')) {
    const here = row.dataset.layerIndex === String(index);
    row.classList.toggle('marked', here);
    if (here) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

function saveState(): void {
  if (compact || !payload) return;
  host.state = { uri: payload.uri, modelName: payload.model.name, view, whatIf: whatIf.size };
}

const reveal = (range: ModelPayload['model']['range']) => host.post({ type: 'reveal', range });
const revealLine = (line: number) => reveal({ start: { line, column: 1 }, end: { line, column: 1 } });

function renderHeader(p: ModelPayload): void {
  const title = h(compact ? 'h2' : 'h1', { id: 'model-name' }, p.model.name);
  const meta = h('p', { class: 'muted meta' }, `${p.fileName} · ${p.model.kind} · ${layerCount(p.model)} layers`);
  const parts: Node[] = [title, meta];
  if (p.recipe) parts.push(h('p', { id: 'recipe', class: 'muted meta' }, p.recipe));
  if (p.fileInfo) {
    parts.push(h('p', { id: 'file-info', class: 'muted meta' }, p.fileInfo));
    const button = h('vscode-button', { id: 'fine-tune', secondary: true, title: 'Train on from the file\'s own weights (a tenth of its learning rate), the layers ticked in the Trainable column' }, 'Fine-tune…');
    button.addEventListener('click', () => host.post({ type: 'fineTune', trainable: fineTune.flags }));
    parts.push(button);
    if (p.exportable) {
      const exportModel = h('vscode-button', { id: 'export', secondary: true, title: 'Save this model as a Keras 3 .keras file or a TF.js layers model' }, 'Export…');
      exportModel.addEventListener('click', () => host.post({ type: 'export' }));
      parts.push(exportModel);
    }
  }
  if (!compact && p.modelNames.length > 1) {
    const picker = h('vscode-single-select', { id: 'model-picker', 'aria-label': 'Model' }) as HTMLElement & { value: string };
    for (const n of p.modelNames) picker.append(h('vscode-option', { value: n, selected: n === p.model.name }, n));
    picker.addEventListener('change', () => host.post({ type: 'selectModel', name: picker.value }));
    parts.push(h('div', { class: 'row' }, h('label', { for: 'model-picker' }, 'Model '), picker));
  }
  if (compact) {
    const open = h('vscode-button', { id: 'open-summary', 'aria-label': `Open the full summary of ${p.model.name}` }, 'Open Summary');
    open.addEventListener('click', () => host.post({ type: 'openSummary' }));
    parts.push(open);
  }
  header.replaceChildren(...parts);
}

function renderTableRegion(): void {
  if (!payload) return;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.layerIndex;
  const shown: ModelSummary = whatIf.result ?? (payload.fileInfo ? fineTune.result : undefined) ?? payload.model;
  const originalParams = whatIf.result ? new Map(payload.model.layers.map((l) => [l.index, l.params])) : undefined;
  tableRegion.replaceChildren(renderTable(shown, {
    compact, onReveal: reveal, originalParams,
    arithmeticLayers: new Set(Object.keys(payload.arithmetic).map(Number)),
    onArithmetic: compact ? undefined : (i) => focusView('arithmetic', i),
    fineTune: payload.fileInfo && !compact ? fineTune.options : undefined,
  }));
  if (focused !== undefined) tableRegion.querySelector<HTMLElement>(`tr[data-layer-index="${focused}"]`)?.focus();
  markRow(markedLayer);
}

function renderArithmetic(p: ModelPayload): void {
  arithmetic?.dispose();
  const layers = p.model.layers.filter((l) => p.arithmetic[l.index]).map((l) => ({ index: l.index, name: l.name, className: l.className, config: p.arithmetic[l.index] }));
  arithmetic = new ArithmeticView(layers, (i) => { arithmeticLayer = i; arithmetic?.show(i); });
  arithmeticRegion.replaceChildren(arithmetic.element);
  arithmetic.show(arithmeticLayer);
}

function focusView(v: SummaryView, layerIndex?: number): void {
  view = v;
  if (compact) return;
  tabs.selectedIndex = VIEWS.indexOf(v);
  if (v === 'graph') {
    renderGraphRegion();
    if (layerIndex !== undefined) graphRegion.querySelector<SVGGElement>(`g[data-layer-index="${layerIndex}"]`)?.focus();
  } else if (v === 'arithmetic') {
    // Before the first model arrives, keep the layer: showModel builds the view with it.
    if (layerIndex !== undefined && (!payload || payload.arithmetic[layerIndex])) arithmeticLayer = layerIndex;
    arithmetic?.show(arithmeticLayer);
  } else if (layerIndex !== undefined) {
    const row = tableRegion.querySelector<HTMLElement>(`tr[data-layer-index="${layerIndex}"]`);
    row?.focus();
    row?.scrollIntoView({ block: 'center' });
  }
  saveState();
}

function showModel(p: ModelPayload): void {
  const sameModel = payload?.uri === p.uri && payload.model.name === p.model.name;
  const restoring = !payload && host.state?.uri === p.uri && host.state.modelName === p.model.name ? host.state.whatIf : undefined;
  if (payload && !sameModel) {
    arithmeticLayer = undefined;
    markedLayer = undefined;
  }
  payload = p;
  if (p.fileInfo) fineTune.setModel(p.model);
  if (!app.contains(header)) app.replaceChildren(...(compact ? [header, totals, tableRegion] : [header, tabs]));
  renderHeader(p);
  totals.replaceChildren(renderTotals((p.fileInfo ? fineTune.result : undefined) ?? p.model));
  diagnostics.replaceChildren(...[renderDiagnostics(p, revealLine)].filter((x): x is HTMLElement => x !== null));
  if (!compact) {
    whatIf.setModel((p.fileInfo ? fineTune.result : undefined) ?? p.model, p.inputSize, sameModel ? whatIf.size : restoring);
    renderArithmetic(p);
    tabs.selectedIndex = VIEWS.indexOf(view);
    if (view === 'graph') renderGraphRegion();
  }
  renderTableRegion();
  saveState();
}

function onMessage(m: SummaryHostMessage): void {
  switch (m.type) {
    case 'model':
      showModel(m.payload);
      break;
    case 'empty':
      payload = undefined;
      app.replaceChildren(h('p', { id: 'empty', class: 'muted' }, m.reason));
      break;
    case 'focus':
      focusView(m.view, m.layerIndex);
      break;
  }
}

const initial = host.initial();
if (initial) onMessage(initial);
host.ready();
