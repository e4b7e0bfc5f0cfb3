/**
 * How a VAE or GAN learned, as the training panel (live, and a finished run replayed) and the
 * latent-space panel both show it: the recipe's losses per epoch under Keras' names (the
 * VAE's total, reconstruction and KL terms, train and validation; the GAN's d_loss and
 * g_loss), and the sample grid of the run's fixed latent points after each epoch, with a
 * slider over epochs. The slider follows a live run (the latest epoch) until the user moves
 * it; moving it back to the end follows again. A native range input, so arrows, Page keys,
 * Home and End work, and screen readers hear the epoch.
 */
import { h } from './dom';
import { MetricChart, type Series } from './trainingCharts';
import { epochSeries, followedPosition, lossCharts, type LossChartSpec } from './trainingSeries';

/** One finished epoch of a recipe: `epoch` counts from 1, as Keras prints it. */
export interface RecipeEpoch {
  epoch: number;
  logs: Record<string, number | null | undefined>;
  /** The epoch's sample grid as a PNG data URL; null when the picture is missing. */
  samples: string | null;
}

const fmt = (v: number | null | undefined): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '—');

/** The loss charts: one per train/validation pair (a VAE), or one for a GAN's two players. */
export class RecipeCurves {
  readonly element = h('div', { class: 'recipe-charts' });
  private charts: { spec: LossChartSpec; chart: MetricChart }[] = [];

  constructor(private readonly idPrefix: string) {}

  show(history: readonly RecipeEpoch[], epochs: number): void {
    const keys = [...new Set(history.flatMap((e) => Object.keys(e.logs)))];
    const specs = lossCharts(keys);
    // The charts are made again only when the losses logged change (another recipe).
    if (specs.map((s) => s.keys.map((k) => k.key).join()).join('|') !== this.charts.map((c) => c.spec.keys.map((k) => k.key).join()).join('|')) {
      this.charts.forEach((c) => c.chart.dispose());
      this.charts = specs.map((spec) => ({ spec, chart: new MetricChart(`${this.idPrefix}${spec.id}-chart`, spec.title, false) }));
      this.element.replaceChildren(...this.charts.map((c) => c.chart.element));
    }
    // Epochs are 1-based here, 0-based on the shared epoch axis (epoch e ends at x = e + 1).
    const flat = history.map((e) => ({ ...e.logs, epoch: e.epoch - 1 }));
    const last = history.at(-1);
    for (const { spec, chart } of this.charts) {
      const series: Series[] = spec.keys.map(({ key, role, paletteIndex }) => ({ label: key, role, paletteIndex, markers: true, points: epochSeries(flat, key) }));
      const summary = last ? `After epoch ${last.epoch} of ${epochs}: ${spec.keys.map(({ key }) => `${key} ${fmt(last.logs[key])}`).join(', ')}.` : 'No epoch finished yet.';
      chart.setSeries(series, Math.max(1, epochs), summary);
    }
  }

  retheme(): void {
    this.charts.forEach((c) => c.chart.retheme());
  }
}

/** The per-epoch sample grids with a slider over epochs. */
export class EpochSamples {
  private readonly slider = h('input', { type: 'range', id: 'epoch-slider', min: 1, max: 1, step: 1, value: 1, 'aria-label': 'Epoch whose samples are shown' });
  private readonly image = h('img', { id: 'epoch-samples', alt: 'Samples from the fixed latent points after this epoch' });
  private readonly caption = h('figcaption', { id: 'epoch-caption' });
  readonly element = h('div', { class: 'epoch-samples' },
    h('label', { for: 'epoch-slider' }, 'Epoch ', this.slider),
    h('figure', { class: 'epoch-figure' }, this.image, this.caption));
  private history: readonly RecipeEpoch[] = [];
  /** The position the user chose; undefined while the slider follows the latest epoch. */
  private chosen: number | undefined;

  constructor() {
    this.slider.addEventListener('input', () => {
      const position = Number(this.slider.value);
      this.chosen = position === this.history.length ? undefined : position;
      this.render();
    });
  }

  /** The epochs so far; `restart`: another run, so the slider follows again. */
  show(history: readonly RecipeEpoch[], restart = false): void {
    if (restart) this.chosen = undefined;
    this.history = history;
    this.element.hidden = history.length === 0;
    this.slider.max = String(Math.max(1, history.length));
    this.render();
  }

  private render(): void {
    const position = followedPosition(this.chosen, this.history.length);
    const entry = this.history[position - 1];
    if (!entry) return;
    this.slider.value = String(position);
    this.slider.setAttribute('aria-valuetext', `epoch ${entry.epoch} of ${this.history.at(-1)?.epoch ?? entry.epoch}`);
    if (entry.samples) this.image.src = entry.samples;
    this.image.hidden = !entry.samples;
    this.caption.textContent = `The same 16 latent points after epoch ${entry.epoch}${entry.samples ? '' : ' (its picture is missing from the run folder)'}`;
  }
}
