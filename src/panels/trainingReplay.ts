/**
 * The event buffer behind one model's training panel (no `vscode` import, so it is unit
 * tested directly). It keeps what a webview needs to redraw the current run from scratch:
 * the runStarted event, every epoch event, the latest batch event and the event that ended
 * the run, plus the past runs. A panel that is closed and reopened (or hidden and shown,
 * which reloads its webview) is sent `replay()` and then continues with live events.
 */
import { isTerminalEvent, type PastRun, type RunInfo, type TerminalEvent, type TrainingEvent } from '../protocol/training';

type BatchEvent = Extract<TrainingEvent, { type: 'batch' }>;
type EpochEvent = Extract<TrainingEvent, { type: 'epoch' }>;

export interface BufferedRun {
  run: RunInfo;
  epochs: EpochEvent[];
  lastBatch?: BatchEvent;
  end?: TerminalEvent;
}

export class TrainingReplayBuffer {
  private current?: BufferedRun;
  private past: PastRun[] = [];

  /** The run being (or last) trained, if any. */
  get run(): BufferedRun | undefined {
    return this.current;
  }

  get pastRuns(): readonly PastRun[] {
    return this.past;
  }

  /** True between a runStarted and the event that ends that run. */
  get isRunning(): boolean {
    return this.current !== undefined && this.current.end === undefined;
  }

  get runId(): string | undefined {
    return this.current?.run.runId;
  }

  setHistory(runs: readonly PastRun[]): void {
    this.past = [...runs];
  }

  /**
   * Records one event. Returns false (and records nothing) for an event of another run
   * than the current one, or one that arrives after its run ended: such an event must not
   * be forwarded to the webview either.
   */
  apply(event: TrainingEvent): boolean {
    switch (event.type) {
      case 'history':
        this.setHistory(event.runs);
        return true;
      case 'runStarted':
        this.current = { run: event.run, epochs: [] };
        return true;
      default: {
        const cur = this.current;
        if (cur?.run.runId !== event.runId || cur.end) return false;
        if (event.type === 'batch') cur.lastBatch = event;
        else if (event.type === 'epoch') {
          // A resumed or repeated epoch replaces the earlier one, keeping epochs in order.
          const i = cur.epochs.findIndex((e) => e.epoch >= event.epoch);
          if (i < 0) cur.epochs.push(event);
          else if (cur.epochs[i].epoch === event.epoch) cur.epochs[i] = event;
          else cur.epochs.splice(i, 0, event);
        } else if (isTerminalEvent(event)) cur.end = event;
        return true;
      }
    }
  }

  /**
   * Everything a fresh webview needs, in the order it would have seen it live: the past
   * runs, then runStarted, every epoch, the latest batch (when it is not older than the
   * last epoch), and the event that ended the run.
   */
  replay(): TrainingEvent[] {
    const out: TrainingEvent[] = [{ type: 'history', runs: [...this.past] }];
    const cur = this.current;
    if (!cur) return out;
    out.push({ type: 'runStarted', run: cur.run });
    const lastEpoch = cur.epochs.length ? cur.epochs[cur.epochs.length - 1].epoch : -1;
    const b = cur.lastBatch;
    // A batch of an epoch that has already ended goes before that epoch's event, as it did live.
    const batchBefore = b && b.epoch <= lastEpoch ? cur.epochs.findIndex((e) => e.epoch >= b.epoch) : -1;
    cur.epochs.forEach((e, i) => {
      if (i === batchBefore && b) out.push(b);
      out.push(e);
    });
    if (b && batchBefore < 0) out.push(b);
    if (cur.end) out.push(cur.end);
    return out;
  }
}

/** The run as a PastRun (for the list of earlier runs), once it has at least one epoch. */
export function toPastRun(run: BufferedRun): PastRun | undefined {
  if (run.epochs.length === 0) return undefined;
  const history = run.epochs.map((e) => ({ epoch: e.epoch, ...e.logs }));
  const last = history[history.length - 1];
  return { runId: run.run.runId, startedAt: run.run.startedAt, settings: run.run.settings, history, finalValAcc: last.val_acc };
}
