/**
 * Browser side of the augmentation preview: the image as the model gets it and a grid of
 * random draws of the model's augmentation layers, the layers in order (one sentence each),
 * or of an ImageDataGenerator's transforms, each draw with its Keras parameters,
 * and buttons for new draws, another image, or an image file. Pictures arrive as PNG data
 * URLs (the CSP allows img-src data:); nothing here computes them.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { augmentProtocol, type AugmentHostMessage, type AugmentView, type AugmentWebviewMessage } from '../src/protocol/augment';
import { DATASETS } from '../src/core/engine/data/catalog';
import { activatable, h } from './lib/dom';
import { Host } from './lib/host';

const app = document.getElementById('app') as HTMLElement;
const host = new Host(augmentProtocol, onMessage);

const title = h('h1', { id: 'model-name' }, 'Augmentation preview');
const meta = h('p', { id: 'meta', class: 'meta' }, 'Waiting for a model…');
const status = h('p', { id: 'status', class: 'status-line', role: 'status', 'aria-live': 'polite' });
const stepsTitle = h('h2', { id: 'steps-title' }, 'Augmentation layers, in order');
const steps = h('ol', { id: 'steps', class: 'steps' });
const notes = h('ul', { id: 'notes', class: 'notes' });
const grid = h('div', { id: 'grid', class: 'grid', role: 'list', 'aria-label': 'The image and random augmentations of it' });

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function button(id: string, label: string, tooltip: string, message: AugmentWebviewMessage): HTMLElement {
  const b = h('vscode-button', { id, secondary: id !== 'shuffle', title: tooltip }, label);
  b.addEventListener('click', () => host.post(message));
  return b;
}

const source = h('button', { id: 'reveal', class: 'link', type: 'button' }, 'Show model source');
source.addEventListener('click', () => host.post({ type: 'reveal' }));

app.replaceChildren(
  h('header', { class: 'header' }, title, meta),
  h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Preview controls' },
    button('shuffle', 'Shuffle', 'New random draws for the same image', { type: 'shuffle' }),
    ...DATASETS.map(({ sample }) => sample.by === 'index'
      ? button(`next-${sample.source}`, capitalize(sample.noun), `The next ${sample.noun}`, { type: 'sample', source: sample.source })
      : button(`pick-${sample.source}`, `${capitalize(sample.noun)}…`, `Augment an ${sample.noun} of your own`, { type: 'sample', source: sample.source })),
    h('span', { class: 'spacer' }), source),
  status,
  h('section', { class: 'layers-region', 'aria-labelledby': 'steps-title' }, stepsTitle, steps, notes),
  grid,
);

type Draw = NonNullable<AugmentView['draws']>[number];

/** A generator draw's parameters under Keras' keys, as a definition list (read out as pairs). */
function parameters(draw: Draw): HTMLElement {
  return h('dl', { class: 'params' }, ...draw.flatMap((p) => [h('dt', {}, p.key), h('dd', { 'data-key': p.key }, p.value)]));
}

function figure(src: string, caption: string, original: boolean, draw?: Draw): HTMLElement {
  // The alt text carries the parameters too, for screen readers.
  const alt = draw ? `${caption}: ${draw.map((p) => `${p.key} ${p.value}`).join(', ')}` : caption;
  const img = h('img', { src, alt, class: original ? 'original' : '' });
  const fig = h('figure', { role: 'listitem', class: original ? 'original' : '' }, img, h('figcaption', {}, caption, ...(draw ? [parameters(draw)] : [])));
  // Enlarging one picture: a click or Enter toggles the zoomed class.
  activatable(fig, () => fig.classList.toggle('zoomed'));
  return fig;
}

function render(v: AugmentView): void {
  // Kept for the serializer: after a window reload the panel reopens on the same model and draws.
  host.state = { uri: v.uri, model: v.model, seed: v.seed };
  title.textContent = v.model;
  const [height, width, channels] = v.inputShape;
  const generator = v.kind === 'generator';
  const what = generator ? `ImageDataGenerator · ${height}×${width}×${channels}` : `input ${height}×${width}×${channels}${v.pixelScale === 255 ? ' · 0–255 pixels' : ''}`;
  meta.textContent = `${v.fileName} · ${what} · ${v.sample.label} · seed ${v.seed}`;
  stepsTitle.textContent = generator ? 'ImageDataGenerator options' : 'Augmentation layers, in order';
  source.textContent = generator ? 'Show generator source' : 'Show model source';
  steps.replaceChildren(...v.steps.map((s) => h('li', {}, s)));
  notes.replaceChildren(...v.notes.map((n) => h('li', {}, n)));
  notes.hidden = v.notes.length === 0;
  grid.replaceChildren(
    figure(v.original, 'as the model gets it', true),
    ...v.augmented.map((src, i) => figure(src, `draw ${i + 1}`, false, v.draws?.[i])),
  );
  const how = generator ? " (Keras' get_random_transform, then apply_transform; parameters under each picture)" : '';
  status.textContent = v.augmented.length > 0 ? `${v.augmented.length} random draws, as training applies them to each batch${how}` : '';
  status.className = 'status-line';
}

function onMessage(m: AugmentHostMessage): void {
  switch (m.type) {
    case 'preview':
      render(m.view);
      return;
    case 'busy':
      status.textContent = m.what;
      status.className = 'status-line busy';
      return;
    case 'error':
      status.textContent = m.message;
      status.className = 'status-line error';
      return;
  }
}

host.ready();
