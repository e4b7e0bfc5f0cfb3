/**
 * Host side of a training run: one `train` request to a fresh training worker, whose
 * progress updates are relayed as events; cancel, terminate, and a crash as a clear
 * rejection. Used by the CLI and the extension alike (no vscode here).
 *
 *   const session = new TrainingSession(spec, settings);
 *   session.on('epoch', (e) => ...);          // also 'batch', 'checkpoint', 'log', 'run', ...
 *   session.on('event', (e) => ...);          // every TrainEvent
 *   const report = await session.result;     // rejects with a TrainingError
 *   session.cancel();                         // stops within one batch; result resolves, status 'cancelled'
 */
import { EventEmitter } from 'events';
import type { ModelSpec } from '../../model/spec';
import { WorkerClient, WorkerFailedError } from '../../worker/client';
import { TrainingError, errorKind, errorMessage } from './errors';
import { stop, train } from './protocol';
import type { TrainEvent, TrainReport, TrainSettings } from './types';

export interface TrainingSessionOptions {
  /** The worker script; default: core/worker/scriptPath.ts' lookup for 'trainWorker'. */
  workerPath?: string;
  /** Receives the worker's own stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
}

type EventOf<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

export class TrainingSession extends EventEmitter {
  /** Resolves with the report (also when cancelled); rejects with a TrainingError. */
  readonly result: Promise<TrainReport>;
  runDir: string | undefined;
  lastCheckpoint: string | undefined;
  private readonly client: WorkerClient;
  private cancelRequested = false;
  private finished = false;

  constructor(spec: ModelSpec, settings: TrainSettings, options: TrainingSessionOptions = {}) {
    super();
    this.client = new WorkerClient({ name: 'trainWorker', label: 'training worker', scriptPath: options.workerPath, onOutput: options.onOutput });
    const run = this.client.request(train, { spec, settings }, { timeoutMs: 0, onProgress: (event) => this.relay(event) });
    this.result = run.then(
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

  /** Listens to one kind of event ('epoch', 'batch', 'checkpoint', …), or to every event ('event'). */
  override on<T extends Exclude<TrainEvent['type'], 'error'>>(type: T, listener: (event: EventOf<T>) => void): this;
  override on(type: 'event', listener: (event: TrainEvent) => void): this;
  override on(type: string, listener: (event: never) => void): this {
    return super.on(type, listener as (...args: unknown[]) => void);
  }

  /** Asks the worker to stop after the batch in progress; the result resolves with status 'cancelled'. */
  cancel(): void {
    if (this.finished || this.cancelRequested) return;
    this.cancelRequested = true;
    // A worker that is gone cannot stop; the `train` request reports that.
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

  private relay(event: TrainEvent): void {
    if (event.type === 'run') this.runDir = event.runDir;
    if (event.type === 'checkpoint') this.lastCheckpoint = event.path;
    this.emit('event', event);
    this.emit(event.type, event);
  }

  /** The run is over: the last event, and the worker goes (one run per worker). */
  private finish(event: Extract<TrainEvent, { type: 'done' | 'error' }>): void {
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
