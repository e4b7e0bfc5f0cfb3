/**
 * Browser side of the inspection panel, "what the convnet sees": one image (an MNIST digit, a
 * synthetic shape or an image file) with the model's prediction, and three tabs — every
 * channel of a layer's feature maps, the input patterns that excite a layer's filters (drawn
 * one by one as they finish, with Stop), and the Grad-CAM heatmap of a class. Pictures
 * arrive as PNG data URLs computed by the visualization worker; nothing here computes them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { DATASETS, type SampleRequest } from '../src/core/engine/data/catalog';
import type { InspectModelInfo } from '../src/core/viz/inspect/types';
import { inspectProtocol, type InspectHostMessage, type InspectTab, type RunChoice } from '../src/protocol/inspect';
import { h } from './lib/dom';
import { Host } from './lib/host';
import { ActivationsTab } from './lib/inspect/activationsTab';
import { FiltersTab } from './lib/inspect/filtersTab';
import { GradCamTab } from './lib/inspect/gradcamTab';
import { ImageBar } from './lib/inspect/imageBar';
import { select, type Select } from './lib/inspect/widgets';

const app = document.getElementById('app') as HTMLElement;
const host = new Host(inspectProtocol, onMessage);
const TABS: InspectTab[] = ['activations', 'filters', 'gradcam'];

let info: InspectModelInfo | undefined;
let tab: InspectTab = host.state?.tab ?? 'activations';
/** The document and model the run belongs to, persisted so a reloaded window reopens the same run picker. */
let owner: { uri: string; modelName: string } | undefined;

const title = h('h1', { id: 'model-name' }, 'Inspect model');
const meta = h('p', { id: 'meta', class: 'muted meta' }, 'Loading the model…');
const preprocessing = h('p', { id: 'preprocessing', class: 'muted meta' });
const status = h('p', { id: 'status', class: 'status-line', role: 'status', 'aria-live': 'polite' });
const runPicker: Select = select('run-picker', 'Run', (source) => host.post({ type: 'selectRun', source }));
const reveal = h('button', { id: 'reveal', class: 'link', type: 'button' }, 'Show model source');
reveal.addEventListener('click', () => host.post({ type: 'reveal' }));

/** Shows a failure of a request in the status line (a cancelled one is not a failure). */
function report(e: unknown): void {
  if (e instanceof Error && e.name === 'CancelledError') return;
  status.textContent = e instanceof Error ? e.message : String(e);
  status.className = 'status-line error';
}

function busy(what: string): void {
  status.textContent = what;
  status.className = 'status-line busy';
}

function idle(): void {
  status.textContent = '';
  status.className = 'status-line';
}

const feedback = { busy, idle, report };
const images = new ImageBar(DATASETS, host, feedback, () => { saveState(); refreshTab(); });
const activations = new ActivationsTab(host, feedback, () => saveState());
const filters = new FiltersTab(host, feedback);
const gradcam = new GradCamTab(host, feedback);

const tabs = h('vscode-tabs', { id: 'tabs', 'aria-label': 'What the convnet sees' },
  h('vscode-tab-header', { slot: 'header', 'data-tab': 'activations' }, 'Activations'),
  h('vscode-tab-panel', {}, activations.element),
  h('vscode-tab-header', { slot: 'header', 'data-tab': 'filters' }, 'Filters'),
  h('vscode-tab-panel', {}, filters.element),
  h('vscode-tab-header', { slot: 'header', 'data-tab': 'gradcam' }, 'Class activation'),
  h('vscode-tab-panel', {}, gradcam.element)) as HTMLElement & { selectedIndex: number };
tabs.addEventListener('vsc-tabs-select', (e) => {
  tab = TABS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'activations';
  saveState();
  refreshTab();
});

function saveState(): void {
  if (!info) return;
  host.state = { source: info.source, uri: owner?.uri || undefined, modelName: owner?.modelName || undefined, tab, image: images.current, layer: activations.layer };
}

/** The open tab shows the current image (the filter tab does not depend on it). */
function refreshTab(): void {
  if (!info) return;
  if (tab === 'activations') activations.show(images.current);
  else if (tab === 'gradcam') gradcam.show(images.current);
  else filters.showKernels();
}

function showModel(next: InspectModelInfo, runs: RunChoice[], image: SampleRequest, document: { uri: string; modelName: string } | undefined): void {
  const restored = host.state?.source === next.source ? host.state : undefined;
  info = next;
  owner = document ?? (restored ? { uri: restored.uri ?? '', modelName: restored.modelName ?? '' } : undefined);
  title.textContent = next.modelName;
  const { height, width, channels } = next.input;
  meta.textContent = `input ${height}×${width}×${channels} · ${next.classNames.length} classes · ${next.layers.length} layers · ${next.backend}`;
  preprocessing.textContent = next.preprocessing.length > 0 ? `Each image: ${next.preprocessing.join('; ')}.` : '';
  runPicker.setOptions(runs.map((r) => ({ value: r.source, label: r.label })), next.source);
  runPicker.element.hidden = runs.length < 2;
  activations.setModel(next, restored?.layer);
  filters.setModel(next);
  gradcam.setModel(next);
  images.setModel(next, restored?.image ?? image);
  tabs.selectedIndex = TABS.indexOf(tab);
  if (!app.contains(tabs)) {
    app.replaceChildren(
      h('header', { class: 'header' }, title, meta, preprocessing, h('div', { class: 'row' }, runPicker.element, h('span', { class: 'spacer' }), reveal)),
      images.element, status, tabs);
  }
  saveState();
  idle();
  refreshTab();
}

function onMessage(m: InspectHostMessage): void {
  switch (m.type) {
    case 'model':
      showModel(m.info, m.runs, m.image, m.document);
      return;
    case 'loading':
      meta.textContent = m.what;
      if (!app.contains(meta)) app.replaceChildren(h('header', { class: 'header' }, title, meta), status);
      busy(m.what);
      return;
    case 'error':
      if (!app.contains(status)) app.replaceChildren(h('header', { class: 'header' }, title, meta), status);
      report(new Error(m.message));
      return;
    case 'focus':
      tab = m.tab;
      tabs.selectedIndex = TABS.indexOf(tab);
      saveState();
      refreshTab();
      return;
  }
}

host.ready();
