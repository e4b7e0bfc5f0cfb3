/**
 * The chart series of a training run, built from its events. Pure (no DOM, no Chart.js),
 * unit tested from test/unit. x is the epoch axis with fractional progress: batch `b` of
 * `n` in 0-based epoch `e` sits at e + b/n, and the end of epoch e at e + 1, so per-batch
 * train points and per-epoch validation points share one axis.
 */
import type { EpochLogs, PastRun } from '../../src/protocol/training';

export interface Point {
  x: number;
  y: number;
}

export const batchX = (epoch: number, batch: number, batches: number): number => epoch + (batches > 0 ? batch / batches : 1);
export const epochX = (epoch: number): number => epoch + 1;

/** A finite number, or undefined (null and NaN cross postMessage as null). */
export function finite(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Exponential moving average with bias correction (as TensorBoard's smoothing). */
export class Smoother {
  private avg = 0;
  private n = 0;
  constructor(private readonly weight = 0.6) {}
  reset(): void {
    this.avg = 0;
    this.n = 0;
  }
  next(value: number): number {
    this.n++;
    this.avg = this.avg * this.weight + (1 - this.weight) * value;
    return this.avg / (1 - Math.pow(this.weight, this.n));
  }
}

/** Inserts p keeping the series sorted by x; a point at the same x replaces the old one. */
export function insertPoint(series: Point[], p: Point): void {
  let i = series.length;
  while (i > 0 && series[i - 1].x > p.x) i--;
  if (i > 0 && series[i - 1].x === p.x) series[i - 1] = p;
  else series.splice(i, 0, p);
}

/** The per-epoch series of one metric, e.g. val_acc of a past run, or a VAE's kl_loss. */
export function epochSeries(history: readonly ({ epoch: number } & EpochLogs)[], key: string): Point[] {
  const out: Point[] = [];
  for (const h of history) {
    const y = finite(h[key]);
    if (y !== undefined) out.push({ x: epochX(h.epoch), y });
  }
  return out;
}

/** A short label for a past run: its start time and settings. */
export function runLabel(run: PastRun): string {
  const d = new Date(run.startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${when} · ${run.settings.dataset} · ${run.settings.epochs} ep · batch ${run.settings.batchSize}`;
}

/** 0.98765 -> '98.77%'. */
export const percent = (v: number | undefined, digits = 2): string => (v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`);
/** A loss to 4 decimals, or '—'. */
export const fixed = (v: number | undefined, digits = 4): string => (v === undefined ? '—' : v.toFixed(digits));

export type LossRole = 'train' | 'val' | 'overlay';

/** One chart of a recipe's losses: the logged keys it draws, and how each is coloured. */
export interface LossChartSpec {
  /** For element ids: `loss`, `reconstruction_loss`, `kl_loss`, or `losses` for a GAN's players. */
  id: string;
  /** The y axis: what the chart measures. */
  title: string;
  keys: { key: string; role: LossRole; paletteIndex?: number }[];
}

const LOSS_TITLES: Record<string, string> = { loss: 'total loss', reconstruction_loss: 'reconstruction loss', kl_loss: 'KL loss' };

/**
 * The charts for a recipe's logged losses (Keras' names). Losses logged for training and
 * validation (a VAE's `loss`/`val_loss`, `reconstruction_loss`/`val_…`, `kl_loss`/`val_…`)
 * get a chart each, train and validation together: their scales differ a hundredfold (the
 * summed reconstruction term against KL). Losses without a validation twin (a GAN's `d_loss`
 * and `g_loss`, which pull against each other) share one chart.
 */
export function lossCharts(keys: readonly string[]): LossChartSpec[] {
  const bases = [...new Set(keys.map((k) => k.replace(/^val_/, '')))];
  const paired = bases.filter((b) => keys.includes(b) && keys.includes(`val_${b}`));
  const single = keys.filter((k) => !paired.includes(k.replace(/^val_/, '')));
  const charts: LossChartSpec[] = paired.map((b) => ({ id: b, title: LOSS_TITLES[b] ?? b, keys: [{ key: b, role: 'train' }, { key: `val_${b}`, role: 'val' }] }));
  if (single.length > 0) {
    const roles: LossRole[] = ['train', 'val'];
    charts.push({ id: 'losses', title: 'loss', keys: single.map((key, i) => ({ key, role: roles[i] ?? 'overlay', paletteIndex: Math.max(0, i - roles.length) })) });
  }
  return charts;
}

/**
 * Which epoch a slider over per-epoch pictures shows after `count` epochs are known: the
 * latest while it follows the run (the user never moved it, or moved it back to the end),
 * else the one the user chose. Positions are 1..count.
 */
export function followedPosition(chosen: number | undefined, count: number): number {
  return chosen === undefined ? count : Math.min(Math.max(1, chosen), count);
}

/** A column of the epoch table: a logged metric by its key. */
export interface EpochColumn {
  key: string;
  label: string;
  percent: boolean;
}

const CLASSIFIER_COLUMNS: EpochColumn[] = [
  { key: 'loss', label: 'Loss', percent: false }, { key: 'acc', label: 'Accuracy', percent: true },
  { key: 'val_loss', label: 'Val loss', percent: false }, { key: 'val_acc', label: 'Val accuracy', percent: true },
];

/**
 * The epoch table's metric columns: a classifier's loss and accuracy, or a recipe's own
 * losses under Keras' names (`recipeKeys`, as logged), training ones before validation ones.
 */
export function epochColumns(recipeKeys?: readonly string[]): EpochColumn[] {
  if (!recipeKeys) return CLASSIFIER_COLUMNS;
  const ordered = [...recipeKeys.filter((k) => !k.startsWith('val_')), ...recipeKeys.filter((k) => k.startsWith('val_'))];
  return ordered.map((key) => ({ key, label: key, percent: false }));
}
