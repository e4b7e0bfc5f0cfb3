/** Keras' EarlyStopping: stop when the monitored value has not improved for `patience` epochs. */
import type { EarlyStopping, EpochLogs, EpochRecord } from './types';

export class EarlyStopper {
  private best: number;
  private wait = 0;

  /** A resumed run replays its history, so patience counts across the interruption. */
  constructor(readonly rule: EarlyStopping, history: readonly EpochRecord[]) {
    this.best = rule.monitor.endsWith('acc') ? -Infinity : Infinity;
    for (const h of history) this.observe(h);
  }

  /** Records one epoch; true when training should stop. */
  observe(logs: EpochLogs): boolean {
    const value = logs[this.rule.monitor];
    const minDelta = this.rule.minDelta ?? 0;
    const improved = this.rule.monitor.endsWith('acc') ? value > this.best + minDelta : value < this.best - minDelta;
    if (improved) {
      this.best = value;
      this.wait = 0;
      return false;
    }
    return ++this.wait >= this.rule.patience;
  }
}
