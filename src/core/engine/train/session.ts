/**
 * Host side of a training run: starts the worker, relays its events, cancels, and turns a
 * crash into a clear rejection. Used by the CLI and the extension alike (no vscode here).
 *
 *   const session = new TrainingSession(spec, settings);
 *   session.on('epoch', (e) => ...);          // also 'batch', 'checkpoint', 'log', 'run', ...
 *   session.on('event', (e) => ...);          // every TrainEvent
 *   const report = await session.result;     // rejects with a TrainingError
 *   session.cancel();                         // stops within one batch; result resolves, status 'cancelled'
 */
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ModelSpec } from '../../model/spec';
import { forwardLines } from '../workerOutput';
import { TrainingError } from './errors';
import type { TrainEvent, TrainReport, TrainSettings, WorkerRequest } from './types';

export interface TrainingSessionOptions {
  /** The worker script; default: {@link defaultWorkerPath}. */
  workerPath?: string;
  /** Receives the worker's own stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
}

/**
 * Where the worker script is: $CONVLENS_TRAIN_WORKER, else `trainWorker.js` next to the
 * running bundle (dist/), else `worker.js` next to this file (tsc's out/).
 */
export function defaultWorkerPath(): string {
  const fromEnv = process.env['CONVLENS_TRAIN_WORKER'];
  if (fromEnv) return fromEnv;
  const candidates = [path.join(__dirname, 'trainWorker.js'), path.join(__dirname, 'worker.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0];
}

type EventOf<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

export interface TrainingSession {
  on<T extends Exclude<TrainEvent['type'], 'error'>>(type: T, listener: (event: EventOf<T>) => void): this;
  on(type: 'event', listener: (event: TrainEvent) => void): this;
}

export class TrainingSession extends EventEmitter {
  /** Resolves with the report (also when cancelled); rejects with a TrainingError. */
  readonly result: Promise<TrainReport>;
  runDir: string | undefined;
  lastCheckpoint: string | undefined;
  private readonly worker: Worker;
  private finished = false;
  private cancelRequested = false;

  constructor(spec: ModelSpec, settings: TrainSettings, options: TrainingSessionOptions = {}) {
    super();
    const workerPath = options.workerPath ?? defaultWorkerPath();
    let resolve!: (r: TrainReport) => void;
    let reject!: (e: TrainingError) => void;
    this.result = new Promise<TrainReport>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A caller that only listens to events must not get an unhandled rejection.
    this.result.catch(() => undefined);

    if (!fs.existsSync(workerPath)) {
      this.worker = undefined as unknown as Worker;
      this.finished = true;
      reject(new TrainingError(`the training worker script is missing: ${workerPath} (build the project, or set CONVLENS_TRAIN_WORKER)`, 'internal'));
      return;
    }
    const fail = (message: string, kind: TrainingError['kind']): void => {
      if (this.finished) return;
      this.finished = true;
      void this.worker.terminate();
      reject(new TrainingError(message, kind, this.lastCheckpoint));
    };
    this.worker = new Worker(workerPath, { stdout: true, stderr: true });
    forwardLines(this.worker.stdout, options.onOutput);
    forwardLines(this.worker.stderr, options.onOutput);

    this.worker.on('message', (event: TrainEvent) => {
      if (this.finished) return;
      if (event.type === 'run') this.runDir = event.runDir;
      if (event.type === 'checkpoint') this.lastCheckpoint = event.path;
      this.emit('event', event);
      if (event.type === 'error') {
        fail(event.message, event.kind);
        return;
      }
      this.emit(event.type, event);
      if (event.type === 'done') {
        this.finished = true;
        void this.worker.terminate();
        resolve(event.report);
      }
    });
    this.worker.on('error', (e) => {
      fail(`the training worker crashed: ${e.message}${this.checkpointNote()}`, 'internal');
    });
    this.worker.on('exit', (code) => {
      fail(`the training worker stopped (exit code ${code}) before training finished${this.checkpointNote()}`, 'internal');
    });
    this.post({ type: 'start', spec, settings });
  }

  private checkpointNote(): string {
    return this.lastCheckpoint ? `; the last checkpoint is intact: ${this.lastCheckpoint}` : '';
  }

  private post(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  /** Asks the worker to stop after the batch in progress; the result resolves with status 'cancelled'. */
  cancel(): void {
    if (this.finished || this.cancelRequested) return;
    this.cancelRequested = true;
    this.post({ type: 'cancel' });
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
    await this.worker.terminate();
  }
}
