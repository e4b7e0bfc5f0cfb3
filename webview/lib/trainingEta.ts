/**
 * Progress and time-left estimates from batch timing. Pure (no DOM), unit tested from
 * test/unit. The rate is measured over a sliding window of batch arrivals, so it follows
 * changes in speed (validation pauses, another process taking the CPU) within seconds.
 */

/** Batches finished in the whole run after batch `batch` (1-based count) of 0-based `epoch`. */
export function batchesDone(epoch: number, batch: number, batchesPerEpoch: number): number {
  return epoch * batchesPerEpoch + batch;
}

/** Fraction of the run done, clamped to 0..1. */
export function progress(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(1, Math.max(0, done / total));
}

export class EtaEstimator {
  private samples: { time: number; done: number }[] = [];

  /** @param windowMs how far back the rate looks. */
  constructor(private readonly windowMs = 15000) {}

  reset(): void {
    this.samples = [];
  }

  /** One batch finished: `done` batches in all at `time` (ms). Out-of-order or repeated samples are ignored. */
  observe(done: number, time: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && (done <= last.done || time < last.time)) return;
    this.samples.push({ time, done });
    // Keep one sample older than the window, so the window is always fully covered.
    while (this.samples.length > 2 && this.samples[1].time <= time - this.windowMs) this.samples.shift();
  }

  /** Batches per second over the window; undefined until two samples at least 1 ms apart. */
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    const seconds = (b.time - a.time) / 1000;
    return seconds > 0.001 ? (b.done - a.done) / seconds : undefined;
  }

  /**
   * Seconds left for `total` batches: remaining / rate. `fallbackRate` (batches per second,
   * e.g. images per second / batch size) is used until the window has a rate of its own.
   */
  eta(total: number, fallbackRate?: number): number | undefined {
    const last = this.samples[this.samples.length - 1];
    if (!last) return undefined;
    return etaSeconds(total - last.done, this.rate() ?? fallbackRate);
  }
}

/** remaining / rate, or undefined when the rate is unknown or not positive. */
export function etaSeconds(remainingBatches: number, batchesPerSecond: number | undefined): number | undefined {
  if (batchesPerSecond === undefined || !Number.isFinite(batchesPerSecond) || batchesPerSecond <= 0) return undefined;
  return Math.max(0, remainingBatches) / batchesPerSecond;
}

/** 0.3 -> '< 1 s', 42 -> '42 s', 125 -> '2:05', 3725 -> '1:02:05'; undefined -> '—'. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds > 0 && seconds < 0.5) return '< 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
