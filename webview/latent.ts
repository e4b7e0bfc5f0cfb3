/**
 * Browser side of the latent-space panel: a trained VAE's or GAN's latent space to explore.
 * A 2-D VAE shows Chollet's two figures (the decoded manifold and the encoded validation
 * images by class), live decoding of any point (the plane, or one slider per dimension),
 * random samples with Reseed, interpolation between two points, concept vectors, and the
 * run's losses and per-epoch samples. Pictures arrive as PNG data URLs from the
 * visualization worker; nothing here computes them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { LatentOverview } from '../src/core/generative/overviewTypes';
import type { RunChoice } from '../src/protocol/inspect';
import { latentProtocol, type LatentHostMessage } from '../src/protocol/latent';
import { h } from './lib/dom';
import { Host } from './lib/host';
import { select } from './lib/inspect/widgets';
import { ConceptVector, Interpolation, Samples } from './lib/latent/extras';
import { History } from './lib/latent/history';
import { LatentPlane } from './lib/latent/plane';
import { PointExplorer } from './lib/latent/explorer';
import { CurrentPoint } from './lib/latent/state';

const app = document.getElementById('app') as HTMLElement;
const host = new Host(latentProtocol, onMessage);

const title = h('h1', { id: 'recipe' }, 'Latent space');
const meta = h('p', { id: 'meta', class: 'muted meta' }, 'Loading the run…');
const status = h('p', { id: 'status', class: 'status-line', role: 'status', 'aria-live': 'polite' });
const runPicker = select('run-picker', 'Run', (source) => host.post({ type: 'selectRun', source }));
const reveal = h('button', { id: 'reveal', class: 'link', type: 'button' }, 'Show model source');
reveal.addEventListener('click', () => host.post({ type: 'reveal' }));

const feedback = {
  busy(what: string) {
    status.textContent = what;
    status.className = 'status-line busy';
  },
  idle() {
    status.textContent = '';
    status.className = 'status-line';
  },
  report(e: unknown) {
    if (e instanceof Error && e.name === 'CancelledError') return;
    status.textContent = e instanceof Error ? e.message : String(e);
    status.className = 'status-line error';
  },
};
const point = new CurrentPoint();
const services = { host, feedback, point };
const plane = new LatentPlane(services);
const explorer = new PointExplorer(services);
const samples = new Samples(services);
const interpolation = new Interpolation(services);
const concept = new ConceptVector(services);
const history = new History();

/** The run on screen, so that reading it again (a run in progress) keeps what the user set. */
let shownSource: string | undefined;

function show(view: LatentOverview, runs: RunChoice[], document: { uri: string; modelName: string } | undefined): void {
  const sameRun = view.source === shownSource;
  const restored = host.state?.source === view.source ? host.state : undefined;
  host.state = { source: view.source, uri: document?.uri ?? restored?.uri, modelName: document?.modelName ?? restored?.modelName };
  title.textContent = view.title;
  const [height, width, channels] = view.imageShape;
  meta.textContent = `${view.epochsCompleted} epoch${view.epochsCompleted === 1 ? '' : 's'} on ${view.dataName}${view.status === 'completed' ? '' : ` · ${view.status}`} · images ${height}×${width}×${channels} · latent ${view.latentDim}`;
  runPicker.setOptions(runs.map((r) => ({ value: r.source, label: r.label })), view.source);
  runPicker.element.hidden = runs.length < 2;
  if (!app.contains(explorer.element)) {
    app.replaceChildren(
      h('header', { class: 'header' }, title, meta, h('div', { class: 'row' }, runPicker.element, h('span', { class: 'spacer' }), reveal)),
      status, plane.element, explorer.element, samples.element, interpolation.element, concept.element, history.element);
  }
  plane.show(view);
  explorer.show(view);
  interpolation.show(view);
  concept.show(view);
  history.show(view);
  samples.draw();
  // Start at the origin, the centre of the prior (the most typical image); a run that was
  // read again after another epoch keeps the point being looked at.
  const keep = sameRun && point.value.length === view.latentDim;
  point.set(keep ? point.value : Array.from({ length: view.latentDim }, () => 0), 'open');
  shownSource = view.source;
}

function onMessage(m: LatentHostMessage): void {
  switch (m.type) {
    case 'overview':
      show(m.view, m.runs, m.document);
      return;
    case 'loading':
      meta.textContent = m.what;
      if (!app.contains(meta)) app.replaceChildren(h('header', { class: 'header' }, title, meta), status);
      feedback.busy(m.what);
      return;
    case 'error':
      if (!app.contains(status)) app.replaceChildren(h('header', { class: 'header' }, title, meta), status);
      feedback.report(new Error(m.message));
      return;
  }
}

// VS Code changes the theme by changing the body's class: the canvases read their colours again.
new MutationObserver(() => {
  plane.retheme();
  history.retheme();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

host.ready();
