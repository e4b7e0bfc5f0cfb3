/**
 * The one path by which a run in the training worker reaches its model's training panel,
 * whatever it trains (a classifier's `train`, a VAE's or GAN's `trainGenerative`): an adapter
 * turns the worker's events into the panel's TrainingEvents, batches are throttled, the
 * panel's Stop cancels the run, and the run's end (done, stopped, failed) is posted.
 * No vscode import, so it is unit-tested in plain mocha.
 */
import type { RunInfo, TrainingEvent, TrainingReport } from '../protocol/training';

/**
 * Passes every event on, except that batch events arrive at most once per `intervalMs`
 * (the last batch of each epoch always passes): a small model on wasm finishes hundreds of
 * batches a second, and forwarding each to the progress notification and the panel would
 * keep the extension host busy.
 */
export function throttleBatches<E extends { type: string }>(listener: (e: E) => void, intervalMs = 100, now: () => number = Date.now): (e: E) => void {
  let last = -Infinity;
  return (e) => {
    const b = e as unknown as { batch?: number; batches?: number };
    if (e.type === 'batch' && b.batch !== b.batches) {
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
    }
    listener(e);
  };
}

/**
 * Turns one run's worker events (E) and report (R) into the panel's events: one runStarted
 * as soon as the run is known, 0-based epochs, and the end. Subclasses say what the run is
 * (runInfo) and how its events and report read.
 */
export abstract class PanelRunAdapter<E, R> {
  private started = false;

  constructor(readonly runId: string, protected readonly post: (event: TrainingEvent) => void) {}

  abstract handle(e: E): void;
  abstract finish(report: R): void;

  fail(message: string): void {
    this.start();
    this.post({ type: 'error', runId: this.runId, message });
  }

  /** What the panel's header shows; asked once, when the run starts. */
  protected abstract runInfo(): RunInfo;

  protected start(): void {
    if (this.started) return;
    this.started = true;
    this.post({ type: 'runStarted', run: this.runInfo() });
  }

  /** The run ended: stopped when the user cancelled it (its checkpoint can be resumed), otherwise done. */
  protected end(cancelled: boolean, epochsCompleted: number, runDir: string, report: () => TrainingReport): void {
    this.start();
    if (cancelled) this.post({ type: 'stopped', runId: this.runId, reason: `Stopped after ${epochsCompleted} epoch(s); the last checkpoint is in ${runDir}` });
    else this.post({ type: 'done', runId: this.runId, report: report() });
  }
}

/** What followRun needs of a panel (TrainingPanelHandle has it). */
export interface RunPanel {
  post(event: TrainingEvent): void;
  onStop(listener: (runId: string) => void): { dispose(): void };
}

/** What followRun needs of a session (RunSession has it). */
export interface FollowedSession<E, R> {
  readonly result: Promise<R>;
  on(type: 'event', listener: (event: E) => void): unknown;
  cancel(): void;
}

/**
 * Shows a run in its panel until it ends. `also` gets the same (throttled) events, for the
 * progress notification and the status bar. Resolves once the end is posted; never rejects.
 */
export function followRun<E extends { type: string }, R>(panel: RunPanel, session: FollowedSession<E, R>, adapter: PanelRunAdapter<E, R>, also?: (e: E) => void): Promise<void> {
  session.on('event', throttleBatches<E>((e) => {
    adapter.handle(e);
    also?.(e);
  }));
  const stop = panel.onStop((id) => { if (id === adapter.runId) session.cancel(); });
  return session.result.then(
    (report) => adapter.finish(report),
    (e: unknown) => adapter.fail(e instanceof Error ? e.message : String(e)),
  ).finally(() => stop.dispose());
}
