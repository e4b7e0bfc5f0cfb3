/**
 * Host side of one run in a fresh training worker, whatever the run trains (a classifier's
 * `train`, a recipe's `trainGenerative`): the worker's progress updates are relayed as
 * events, `cancel` stops after the batch in progress, `terminate` at once, and a crash
 * becomes a clear rejection that names the last intact checkpoint. No vscode here.
 */
import { EventEmitter } from 'events';
import { WorkerClient, WorkerFailedError } from '../../worker/client';
import { TrainingError, errorKind, errorMessage } from './errors';
import { stop } from './protocol';
import type { TrainErrorKind } from './types';

export interface TrainingSessionOptions {
  /** The worker script; default: core/worker/scriptPath.ts' lookup for 'trainWorker'. */
  workerPath?: string;
  /** Receives the worker's own stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
}

/** What every run reports at its end: the host makes these from the worker's answer. */
export type RunEnd<R> = { type: 'done'; report: R } | { type: 'error'; message: string; kind: TrainErrorKind };

/** The events a run's progress updates may carry that the session itself follows. */
type Followed = { type: 'run'; runDir: string } | { type: 'checkpoint'; path: string };

export class RunSession<E extends { type: string }, R> extends EventEmitter {
  /** Resolves with the report (also when cancelled); rejects with a TrainingError. */
  readonly result: Promise<R>;
  runDir: string | undefined;
  lastCheckpoint: string | undefined;
  private readonly client: WorkerClient;
  private cancelRequested = false;
  private finished = false;

  constructor(start: (client: WorkerClient, onProgress: (event: E) => void) => Promise<R>, options: TrainingSessionOptions = {}) {
    super();
    this.client = new WorkerClient({ name: 'trainWorker', label: 'training worker', scriptPath: options.workerPath, onOutput: options.onOutput });
    this.result = start(this.client, (event) => this.relay(event)).then(
      (report) => {
        this.finish({ type: 'done', report });
        return report;
      },
      (e: unknown) => {
        throw this.failure(e);
      },
    );
    // A caller that only listens to events must not get an unhandled rejection.
    this.result.catch(() => undefined);
  }

  /** Asks the worker to stop after the batch in progress; the result resolves with status 'cancelled'. */
  cancel(): void {
    if (this.finished || this.cancelRequested) return;
    this.cancelRequested = true;
    // A worker that is gone cannot stop; the run's own request reports that.
    this.client.request(stop, null).catch(() => undefined);
  }

  get cancelled(): boolean {
    return this.cancelRequested;
  }

  /**
   * Stops the worker at once (no waiting for the batch, nothing more written); the result
   * rejects. The run folder keeps its last complete checkpoint.
   */
  async terminate(): Promise<void> {
    if (this.finished) return;
    await this.client.terminate();
  }

  private relay(event: E): void {
    const followed = event as unknown as Followed;
    if (followed.type === 'run') this.runDir = followed.runDir;
    if (followed.type === 'checkpoint') this.lastCheckpoint = followed.path;
    this.emit('event', event);
    this.emit(event.type, event);
  }

  /** The run is over: the last event, and the worker goes (one run per worker). */
  private finish(event: RunEnd<R>): void {
    this.finished = true;
    this.emit('event', event);
    if (event.type === 'done') this.emit('done', event);
    this.client.dispose();
  }

  private failure(e: unknown): TrainingError {
    if (!(e instanceof WorkerFailedError)) {
      const error = new TrainingError(errorMessage(e), errorKind(e), this.lastCheckpoint);
      this.finish({ type: 'error', message: error.message, kind: error.kind });
      return error;
    }
    // The worker itself went away: nothing came from the run, so no 'error' event.
    this.finished = true;
    this.client.dispose();
    const message = e.failure === 'exited' ? `the training worker stopped (exit code ${e.exitCode}) before training finished` : e.message;
    const note = this.lastCheckpoint ? `; the last checkpoint is intact: ${this.lastCheckpoint}` : '';
    return new TrainingError(`${message}${note}`, 'internal', this.lastCheckpoint);
  }
}
