/**
 * Activations tab: every channel of a conv or pooling layer's output for the current image,
 * one small picture per channel (normalised on its own, viridis), with its index and raw
 * min/mean/max on hover; channels that never fire on this image are marked dead.
 */
import type { SampleRequest } from '../../../src/core/engine/data/catalog';
import type { InspectModelInfo, LayerActivations } from '../../../src/core/viz/inspect/types';
import { h } from '../dom';
import { figure, Latest, mapLayers, PICTURE_TIMEOUT_MS, select, type Feedback, type InspectHost } from './widgets';

const fmt = (x: number): string => (Math.abs(x) >= 100 || x === 0 ? x.toFixed(0) : x.toPrecision(3));

export class ActivationsTab {
  readonly element: HTMLElement;
  private readonly picker = select('activation-layer', 'Layer', () => this.changed());
  private readonly summary = h('p', { id: 'activation-summary', class: 'muted meta' });
  private readonly formula = h('p', { id: 'activation-formula', class: 'meta formula' });
  private readonly grid = h('div', { id: 'activation-grid', class: 'grid channels', role: 'list', 'aria-label': 'Feature maps, one per channel' });
  private readonly latest = new Latest();
  private layers: { value: string; label: string }[] = [];
  private image?: SampleRequest;

  constructor(private readonly host: InspectHost, private readonly feedback: Feedback, private readonly onLayer: () => void) {
    const prev = h('vscode-button', { id: 'layer-prev', secondary: true, title: 'The layer before' }, '‹');
    const next = h('vscode-button', { id: 'layer-next', secondary: true, title: 'The layer after' }, '›');
    prev.addEventListener('click', () => this.step(-1));
    next.addEventListener('click', () => this.step(1));
    this.element = h('section', { class: 'tab-body' },
      h('div', { class: 'toolbar' }, this.picker.element, prev, next),
      h('p', { class: 'muted meta' }, 'Each picture is one channel of the layer\'s output for this image, scaled on its own: bright where the filter fires.'),
      this.summary, this.formula, this.grid);
  }

  get layer(): string | undefined {
    return this.picker.value || undefined;
  }

  setModel(info: InspectModelInfo, restored: string | undefined): void {
    this.layers = mapLayers(info, ['conv', 'pool']);
    const first = this.layers.find((l) => l.value === restored)?.value ?? this.layers[0]?.value;
    this.picker.setOptions(this.layers, first);
    this.grid.replaceChildren();
    this.summary.textContent = this.layers.length === 0 ? 'This model has no convolution or pooling layer.' : '';
  }

  show(image: SampleRequest): void {
    this.image = image;
    const layer = this.layer;
    if (!layer) return;
    this.feedback.busy(`Computing the feature maps of ${layer}…`);
    this.latest.run((signal) => this.host.request('activations', { image, layer }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }), (a) => this.render(a), this.feedback);
  }

  private changed(): void {
    this.onLayer();
    if (this.image) this.show(this.image);
  }

  private step(delta: number): void {
    const i = this.layers.findIndex((l) => l.value === this.layer);
    const next = this.layers[i + delta];
    if (!next) return;
    this.picker.setOptions(this.layers, next.value);
    this.changed();
  }

  private render(a: LayerActivations): void {
    const [height, width, channels] = a.shape;
    const dead = a.channels.filter((c) => c.dead).length;
    this.summary.textContent = `${a.layer.name} (${a.layer.className}): ${channels} feature maps of ${height}×${width}` +
      (dead > 0 ? ` · ${dead} dead (never fire on this image)` : '');
    // The conv arithmetic behind the shape, as the summary panel shows it.
    this.formula.textContent = a.layer.formula ?? '';
    this.grid.replaceChildren(...a.channels.map((c) => figure(c.image, c.dead ? `#${c.index} dead` : `#${c.index}`, {
      tooltip: `channel ${c.index}: min ${fmt(c.min)}, mean ${fmt(c.mean)}, max ${fmt(c.max)}${c.dead ? ' (all zero)' : ''}`,
      classes: c.dead ? 'dead' : '',
    })));
    this.feedback.idle();
  }
}
