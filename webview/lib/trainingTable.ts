/**
 * The training panel's table of epochs: one row per finished epoch with its metrics (a
 * classifier's loss and accuracy, or a recipe's losses by Keras' names) and its seconds; the
 * epoch with the best validation accuracy is marked.
 */
import type { EpochLogs } from '../../src/protocol/training';
import { h } from './dom';
import { finite, fixed, percent, type EpochColumn } from './trainingSeries';

export interface TableEpoch {
  epoch: number;
  logs: EpochLogs;
  seconds: number;
}

export class EpochTable {
  private readonly head = h('tr');
  private readonly body = h('tbody');
  readonly element = h('table', { id: 'epoch-table', class: 'layers epochs' },
    h('caption', { class: 'sr-only' }, 'Metrics after each epoch'), h('thead', {}, this.head), this.body);
  private shownColumns = '';

  render(epochs: readonly TableEpoch[], columns: readonly EpochColumn[]): void {
    const names = columns.map((c) => c.key).join();
    if (names !== this.shownColumns) {
      this.shownColumns = names;
      this.head.replaceChildren(...['Epoch', ...columns.map((c) => c.label), 'Seconds'].map((t, i) => h('th', { scope: 'col', class: i === 0 ? '' : 'num' }, t)));
    }
    const best = epochs.length > 1 ? bestValAcc(epochs) : undefined;
    this.body.replaceChildren(...epochs.map((e, i) => {
      const tr = h('tr', { 'data-epoch': e.epoch, class: i === best ? 'best' : undefined },
        h('th', { scope: 'row' }, `${e.epoch + 1}`),
        ...columns.map((c) => h('td', { class: 'num' }, c.percent ? percent(finite(e.logs[c.key])) : fixed(finite(e.logs[c.key])))),
        h('td', { class: 'num' }, e.seconds.toFixed(1)));
      if (i === best) tr.setAttribute('aria-label', `Epoch ${e.epoch + 1}, best validation accuracy`);
      return tr;
    }));
  }

  clear(): void {
    this.body.replaceChildren();
  }
}

/** The index of the epoch with the best validation accuracy (none when no epoch has one). */
function bestValAcc(epochs: readonly TableEpoch[]): number | undefined {
  let best: number | undefined;
  epochs.forEach((e, i) => {
    const v = finite(e.logs.val_acc);
    if (v !== undefined && (best === undefined || v > (finite(epochs[best].logs.val_acc) ?? -1))) best = i;
  });
  return best;
}
