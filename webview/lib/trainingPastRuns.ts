/**
 * The training panel's earlier runs of the model: a list with a checkbox per run (native, so
 * keyboard and screen readers work as everywhere) whose ticked runs are overlaid on the
 * accuracy chart by their validation accuracy.
 */
import type { PastRun } from '../../src/protocol/training';
import { h } from './dom';
import type { Series } from './trainingCharts';
import { epochSeries, finite, percent, runLabel } from './trainingSeries';

export class PastRunsList {
  private readonly list = h('ul', { id: 'past-runs', class: 'past-runs' });
  readonly element = h('section', { id: 'past-region', class: 'past-region', 'aria-labelledby': 'past-title', hidden: true },
    h('h2', { id: 'past-title' }, 'Earlier runs'),
    h('p', { class: 'muted meta' }, 'Tick a run to overlay its validation accuracy on the accuracy chart.'),
    this.list);
  private readonly overlaid = new Set<string>();
  private runs: PastRun[] = [];

  /** `onToggle`: a run was ticked or unticked (the charts redraw). */
  constructor(private readonly onToggle: () => void) {}

  /** The model's earlier runs, oldest first; a tick on a run that is gone is forgotten. */
  setRuns(runs: readonly PastRun[]): void {
    this.runs = [...runs].sort((a, b) => a.startedAt - b.startedAt);
    for (const id of [...this.overlaid]) if (!this.runs.some((p) => p.runId === id)) this.overlaid.delete(id);
  }

  get all(): readonly PastRun[] {
    return this.runs;
  }

  /** Adds the run that was on screen when another started, so the two can be compared. */
  add(run: PastRun): void {
    if (!this.runs.some((p) => p.runId === run.runId)) this.runs.push(run);
  }

  /** Lists the runs other than `current`; none for a recipe's run, which has no accuracy to compare. */
  render(current: string | undefined, comparable: boolean): void {
    const shown = comparable ? this.runs.filter((p) => p.runId !== current) : [];
    this.element.hidden = shown.length === 0;
    this.list.replaceChildren(...shown.map((p, i) => {
      const id = `past-run-${i}`;
      const box = h('input', { type: 'checkbox', id, class: 'run-toggle', 'data-run-id': p.runId, checked: this.overlaid.has(p.runId) });
      box.addEventListener('change', () => {
        if (box.checked) this.overlaid.add(p.runId);
        else this.overlaid.delete(p.runId);
        this.onToggle();
      });
      return h('li', {}, box, h('label', { for: id }, `${runLabel(p)} · final val acc ${percent(finite(p.finalValAcc) ?? lastValAcc(p))}`));
    }));
  }

  /** The ticked runs other than `current`, as overlay series on the accuracy chart. */
  overlays(current: string | undefined): Series[] {
    return this.runs.filter((p) => this.overlaid.has(p.runId) && p.runId !== current)
      .map((p, k) => ({ label: `val acc · ${runLabel(p).split(' · ')[0]}`, role: 'overlay', points: epochSeries(p.history, 'val_acc'), paletteIndex: k }));
  }

  /** The most epochs of a ticked run (the chart's width when no run is on screen). */
  longestOverlaid(): number {
    return Math.max(1, ...this.runs.filter((p) => this.overlaid.has(p.runId)).map((p) => p.history.length));
  }
}

function lastValAcc(p: PastRun): number | undefined {
  const s = epochSeries(p.history, 'val_acc');
  return s.length ? s[s.length - 1].y : undefined;
}
