/**
 * A classifier's two charts in the training panel: loss and accuracy, the training curve
 * per batch (smoothed, at most POINTS_PER_EPOCH points an epoch) and validation per epoch,
 * and earlier runs overlaid on the accuracy chart.
 */
import type { EpochLogs } from '../../src/protocol/training';
import { h } from './dom';
import { MetricChart, type Series } from './trainingCharts';
import { batchX, epochX, finite, fixed, insertPoint, percent, Smoother, type Point } from './trainingSeries';

/** At most this many train points per epoch on the charts (long epochs are thinned). */
const POINTS_PER_EPOCH = 200;

interface Epoch {
  epoch: number;
  logs: EpochLogs;
}

export class ClassifierCharts {
  private readonly lossChart = new MetricChart('loss-chart', 'loss', false);
  private readonly accChart = new MetricChart('acc-chart', 'accuracy', true);
  readonly element = h('section', { class: 'charts', 'aria-label': 'Charts' }, this.lossChart.element, this.accChart.element);
  private readonly trainLoss: Point[] = [];
  private readonly trainAcc: Point[] = [];
  private readonly lossSmoother = new Smoother();
  private readonly accSmoother = new Smoother();

  /** A new run: no training points yet. */
  reset(): void {
    this.trainLoss.length = 0;
    this.trainAcc.length = 0;
    this.lossSmoother.reset();
    this.accSmoother.reset();
  }

  /** A batch's running loss and accuracy; true when it added a point (the charts need drawing). */
  addBatch(epoch: number, batch: number, batches: number, loss: number | null | undefined, acc: number | null | undefined): boolean {
    const step = Math.max(1, Math.ceil(batches / POINTS_PER_EPOCH));
    if (batch % step !== 0 && batch !== batches) return false;
    const x = batchX(epoch, batch, batches);
    const l = finite(loss);
    if (l !== undefined) insertPoint(this.trainLoss, { x, y: this.lossSmoother.next(l) });
    const a = finite(acc);
    if (a !== undefined) insertPoint(this.trainAcc, { x, y: this.accSmoother.next(a) });
    return true;
  }

  /** An epoch seen without its batches (a replay after reconnecting): its end-of-epoch train metrics stand in. */
  addEpoch(e: Epoch): void {
    const inEpoch = (p: Point) => p.x > e.epoch && p.x <= e.epoch + 1;
    const loss = finite(e.logs.loss);
    if (loss !== undefined && !this.trainLoss.some(inEpoch)) insertPoint(this.trainLoss, { x: epochX(e.epoch), y: loss });
    const acc = finite(e.logs.acc);
    if (acc !== undefined && !this.trainAcc.some(inEpoch)) insertPoint(this.trainAcc, { x: epochX(e.epoch), y: acc });
  }

  /** `running`: a run is on screen (else only overlays); `n`: the epoch axis' length. */
  render(epochs: readonly Epoch[], running: boolean, n: number, overlays: Series[]): void {
    const perEpoch = (key: keyof EpochLogs): Point[] => epochs.flatMap((e) => {
      const y = finite(e.logs[key]);
      return y === undefined ? [] : [{ x: epochX(e.epoch), y }];
    });
    const lastOf = (key: keyof EpochLogs): number | undefined => perEpoch(key).at(-1)?.y;
    const lossSeries: Series[] = [];
    const accSeries: Series[] = [];
    if (running) {
      lossSeries.push({ label: 'train loss', role: 'train', points: this.trainLoss }, { label: 'validation loss', role: 'val', points: perEpoch('val_loss') });
      if (this.trainAcc.length) accSeries.push({ label: 'train accuracy', role: 'train', points: this.trainAcc });
      accSeries.push({ label: 'validation accuracy', role: 'val', points: perEpoch('val_acc') });
    }
    accSeries.push(...overlays);
    const after = epochs.length ? `after epoch ${epochs[epochs.length - 1].epoch + 1} of ${n}` : 'no epoch finished yet';
    const compared = overlays.length ? ` Compared with ${overlays.map((o) => o.label).join(', ')}.` : '';
    this.lossChart.setSeries(lossSeries, n, `Train ${fixed(lastOf('loss'))}, validation ${fixed(lastOf('val_loss'))} ${after}.`);
    this.accChart.setSeries(accSeries, n, `Train ${percent(lastOf('acc'))}, validation ${percent(lastOf('val_acc'))} ${after}.${compared}`);
  }

  retheme(): void {
    this.lossChart.retheme();
    this.accChart.retheme();
  }
}
