/**
 * The decoded current point, and one slider per latent dimension (±3σ) that moves it: any
 * latent size, decoded live (a newer position aborts the decoding in flight).
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import { h } from '../dom';
import { Latest, PICTURE_TIMEOUT_MS } from '../inspect/widgets';
import { formatPoint, type PageServices } from './state';

/** More sliders than this is a wall, not a control: the rest stay where the point has them. */
const MAX_SLIDERS = 32;

export class PointExplorer {
  readonly element: HTMLElement;
  private readonly image = h('img', { id: 'decoded', alt: 'The image decoded from the current latent point', class: 'decoded' });
  private readonly caption = h('figcaption', { id: 'decoded-point' }, '');
  private readonly sliders = h('div', { id: 'sliders', class: 'sliders' });
  private readonly note = h('p', { class: 'muted', id: 'sliders-note' });
  private readonly latest = new Latest();
  private inputs: HTMLInputElement[] = [];

  constructor(private readonly services: PageServices) {
    this.element = h('section', { id: 'explorer', class: 'explorer', 'aria-labelledby': 'explorer-title' },
      h('h2', { id: 'explorer-title' }, 'Decode a point'),
      h('div', { class: 'explorer-row' }, h('figure', { class: 'decoded-figure' }, this.image, this.caption), h('div', {}, this.sliders, this.note)));
    services.point.onChange((value, origin) => {
      if (origin !== 'slider') this.inputs.forEach((input, k) => { input.value = String(value[k] ?? 0); this.label(k); });
      this.decode(value);
    });
  }

  show(view: LatentOverview): void {
    const shown = Math.min(view.latentDim, MAX_SLIDERS);
    this.inputs = Array.from({ length: shown }, (_, k) => {
      const input = h('input', { type: 'range', id: `z${k}`, min: -3, max: 3, step: 0.05, value: 0, 'aria-label': `latent dimension ${k + 1}` });
      input.addEventListener('input', () => {
        const next = [...this.services.point.value];
        next[k] = Number(input.value);
        this.label(k);
        this.services.point.set(next, 'slider');
      });
      return input;
    });
    this.sliders.replaceChildren(...this.inputs.map((input, k) => h('label', { class: 'slider', for: input.id }, h('span', { class: 'dim' }, `z${k + 1}`), input, h('output', { id: `${input.id}-value`, for: input.id }, '0.00'))));
    this.note.textContent = view.latentDim > shown ? `The first ${shown} of ${view.latentDim} dimensions; the others keep the point's values.` : 'Each slider spans ±3 standard deviations of the prior.';
  }

  private label(k: number): void {
    const out = document.getElementById(`z${k}-value`);
    if (out) out.textContent = Number(this.inputs[k].value).toFixed(2);
  }

  private decode(point: number[]): void {
    if (point.length === 0) return;
    this.latest.run(
      (signal) => this.services.host.request('decode', { points: [point] }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }),
      ({ images }) => {
        this.image.src = images[0];
        this.caption.textContent = `z = ${formatPoint(point)}`;
        this.image.dataset.point = point.join(',');
        this.services.feedback.idle();
      },
      this.services.feedback,
    );
  }
}
