/**
 * How the run learned: its losses per epoch under Keras' names (the VAE's reconstruction and
 * KL terms, the GAN's d_loss and g_loss), and the sample grid of the fixed latent points after
 * each epoch, with a slider over epochs to replay how the generator learned.
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import { h } from '../dom';
import { MetricChart, type Series } from '../trainingCharts';

export class History {
  readonly element: HTMLElement;
  private readonly chart = new MetricChart('latent-losses', 'loss', false);
  private readonly slider = h('input', { type: 'range', id: 'epoch-slider', min: 1, max: 1, step: 1, value: 1, 'aria-label': 'Epoch whose samples are shown' });
  private readonly image = h('img', { id: 'epoch-samples', alt: 'Samples from the fixed latent points after this epoch' });
  private readonly caption = h('figcaption', { id: 'epoch-caption' });
  private view?: LatentOverview;

  constructor() {
    this.element = h('section', { id: 'history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'How it learned'),
      h('div', { class: 'history-row' }, this.chart.element,
        h('div', {}, h('label', { for: 'epoch-slider' }, 'Epoch ', this.slider), h('figure', { class: 'epoch-figure' }, this.image, this.caption))));
    this.slider.addEventListener('input', () => this.showEpoch(Number(this.slider.value)));
  }

  show(view: LatentOverview): void {
    this.view = view;
    this.element.hidden = view.history.length === 0;
    const keys = [...new Set(view.history.flatMap((e) => Object.keys(e.logs)))];
    const series: Series[] = keys.map((key, i) => ({
      label: key,
      role: key === 'loss' || key === 'g_loss' ? 'train' : key === 'val_loss' || key === 'd_loss' ? 'val' : 'overlay',
      paletteIndex: i,
      points: view.history.map((e) => ({ x: e.epoch, y: e.logs[key] })).filter((p) => Number.isFinite(p.y)),
    }));
    const last = view.history.at(-1);
    const summary = last ? `After epoch ${last.epoch}: ${Object.entries(last.logs).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}.` : 'No epoch yet.';
    this.chart.setSeries(series, Math.max(1, view.history.length), summary);
    this.slider.max = String(Math.max(1, view.history.length));
    this.slider.value = this.slider.max;
    this.showEpoch(view.history.length);
  }

  retheme(): void {
    this.chart.retheme();
  }

  private showEpoch(position: number): void {
    const entry = this.view?.history[position - 1];
    if (!entry) return;
    if (entry.samples) this.image.src = entry.samples;
    this.image.hidden = !entry.samples;
    this.caption.textContent = `The same 16 latent points after epoch ${entry.epoch}${entry.samples ? '' : ' (its picture is missing from the run folder)'}`;
  }
}
