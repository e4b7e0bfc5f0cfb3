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

/** The per-epoch series of one metric, e.g. val_acc of a past run. */
export function epochSeries(history: readonly ({ epoch: number } & EpochLogs)[], key: keyof EpochLogs): Point[] {
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
