/**
 * The loss and accuracy charts (Chart.js 4, only the parts registered below). Colours
 * come from the theme's --vscode-charts-* variables, read with getComputedStyle and read
 * again whenever VS Code changes the theme. Animation is off: points arrive live, and
 * updates are coalesced to one per animation frame.
 */
import {
  CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartDataset, type ChartOptions,
} from 'chart.js';
import type { Point } from './trainingSeries';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);

export type SeriesRole = 'train' | 'val' | 'overlay';

export interface Series {
  label: string;
  role: SeriesRole;
  points: Point[];
  /** Overlays: index into the overlay palette. */
  paletteIndex?: number;
  /** A marker on every point (per-epoch series); default: on all but the per-batch train series. */
  markers?: boolean;
}

interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  font: string;
  train: string;
  val: string;
  overlays: string[];
}

function readTheme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-charts-foreground', v('--vscode-foreground', '#888'));
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: v('--vscode-charts-lines', 'rgba(128,128,128,0.3)'),
    font: v('--vscode-font-family', 'sans-serif'),
    train: v('--vscode-charts-blue', '#3794ff'),
    val: v('--vscode-charts-orange', '#d18616'),
    overlays: ['--vscode-charts-purple', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-red'].map((n) => v(n, foreground)),
  };
}

export class MetricChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly summary: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly chart: Chart<'line', Point[]>;
  private series: Series[] = [];
  private theme = readTheme();
  private frame = 0;

  constructor(readonly id: string, private readonly yTitle: string, private readonly percent: boolean) {
    this.canvas = document.createElement('canvas');
    this.canvas.id = id;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${yTitle} by epoch`);
    // The latest values in words, for screen readers (and tests): a canvas has no text.
    this.summary = document.createElement('p');
    this.summary.id = `${id}-summary`;
    this.summary.className = 'sr-only';
    this.summary.textContent = 'No data yet.';
    // The series drawn, by name, with how many points each has: the canvas legend in words.
    this.legend = document.createElement('ul');
    this.legend.id = `${id}-legend`;
    this.legend.className = 'sr-only';
    this.canvas.setAttribute('aria-describedby', `${this.summary.id} ${this.legend.id}`);
    const box = document.createElement('div');
    box.className = 'chart-box';
    box.append(this.canvas, this.summary, this.legend);
    this.element = box;
    this.chart = new Chart(this.canvas, { type: 'line', data: { datasets: [] }, options: this.options(1) });
  }

  /** Replaces the series shown (cheap: datasets are rebuilt on the next frame). */
  setSeries(series: Series[], epochs: number, summary: string): void {
    this.series = series;
    this.summary.textContent = summary;
    this.epochs = epochs;
    this.schedule();
  }

  /** The theme changed: read the colours again and redraw. */
  retheme(): void {
    this.theme = readTheme();
    this.schedule();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.chart.destroy();
  }

  private epochs = 1;

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.chart.options = this.options(this.epochs);
    this.chart.data.datasets = this.series.map((s) => this.dataset(s));
    this.chart.update('none');
    this.legend.replaceChildren(...this.chart.data.datasets.map((d) => {
      const item = document.createElement('li');
      item.dataset.series = d.label ?? '';
      item.textContent = `${d.label ?? ''}: ${d.data.length} point${d.data.length === 1 ? '' : 's'}`;
      return item;
    }));
  }

  private dataset(s: Series): ChartDataset<'line', Point[]> {
    const t = this.theme;
    const color = s.role === 'train' ? t.train : s.role === 'val' ? t.val : t.overlays[(s.paletteIndex ?? 0) % t.overlays.length];
    return {
      label: s.label,
      data: s.points,
      borderColor: color,
      backgroundColor: color,
      borderWidth: s.role === 'overlay' ? 1.5 : 2,
      borderDash: s.role === 'overlay' ? [5, 4] : undefined,
      pointRadius: (s.markers ?? s.role !== 'train') ? 3 : 0,
      pointHoverRadius: 4,
      tension: 0,
      fill: false,
      spanGaps: true,
    };
  }

  private options(epochs: number): ChartOptions<'line'> {
    const t = this.theme;
    const fmt = (v: number | string): string => (this.percent ? `${Math.round(Number(v) * 100)}%` : String(Math.round(Number(v) * 1000) / 1000));
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      font: { family: t.font },
      color: t.foreground,
      scales: {
        x: {
          type: 'linear', min: 0, max: Math.max(1, epochs),
          title: { display: true, text: 'epoch', color: t.muted, font: { family: t.font } },
          ticks: { color: t.muted, stepSize: 1, precision: 0, font: { family: t.font } },
          grid: { color: t.grid },
          border: { color: t.grid },
        },
        y: {
          type: 'linear', beginAtZero: this.percent, suggestedMax: this.percent ? 1 : undefined,
          title: { display: true, text: this.yTitle, color: t.muted, font: { family: t.font } },
          ticks: { color: t.muted, callback: fmt, font: { family: t.font } },
          grid: { color: t.grid },
          border: { color: t.grid },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { color: t.foreground, boxWidth: 14, boxHeight: 2, font: { family: t.font } } },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? `epoch ${(items[0].parsed.x ?? 0).toFixed(2)}` : ''),
            label: (item) => `${item.dataset.label}: ${this.percent ? `${((item.parsed.y ?? 0) * 100).toFixed(2)}%` : (item.parsed.y ?? 0).toFixed(4)}`,
          },
        },
      },
    };
  }
}

/** Calls `onChange` when VS Code restyles the webview for another theme (body class or root variables change). */
export function observeTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return observer;
}
