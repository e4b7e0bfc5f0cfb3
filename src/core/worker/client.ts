/**
 * The host side of a worker thread that answers requests (protocol/rpc.ts), for every
 * ConvLens worker: training, visualizations. TF.js and sharp load in the worker, never in
 * the extension host or the CLI's own thread.
 *
 *   const client = new WorkerClient({ name: 'vizWorker', label: 'visualization worker' });
 *   const preview = await client.request(augmentPreview, { spec, request }, { signal });
 *   client.dispose();                 // terminates the worker; pending requests reject
 *
 * The worker starts on the first request and stays up for the next ones (what it loaded
 * stays loaded). A worker that crashes, exits or sends something unreadable rejects every
 * request it had pending with one clear line, and the next request starts a fresh worker.
 * An idle worker keeps a Node process alive (its stdio ports stay referenced), so a CLI
 * calls dispose() when done.
 */
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import type { ParamsOf, ProgressOf, RequestDef, ResultOf } from '../../protocol/define';
import { Rpc, type RequestOptions } from '../../protocol/rpc';
import { forwardLines } from '../engine/workerOutput';
import { workerEnvVar, workerScriptPath, type WorkerName } from './scriptPath';

export interface WorkerClientOptions {
  /** Which worker; its script is found by {@link workerScriptPath} unless `scriptPath` is given. */
  name: WorkerName;
  scriptPath?: string;
  /** How messages name it: 'training worker'. */
  label: string;
  /** Receives the worker's stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
  /** How long a request waits for its answer unless it says otherwise; default 0 (as long as it takes). */
  timeoutMs?: number;
}

/** Why a worker stopped answering: its script is missing, it threw, it exited, or it sent garbage. */
export type WorkerFailure = 'missing' | 'crashed' | 'exited' | 'unreadable';

export class WorkerFailedError extends Error {
  constructor(message: string, readonly failure: WorkerFailure, readonly exitCode?: number) {
    super(message);
    this.name = 'WorkerFailedError';
  }
}

/** One started worker and the connection to it; replaced after it fails. */
interface Started {
  worker: Worker;
  rpc: Rpc;
  /** Set when it failed or was disposed: what its pending requests reject with instead of Rpc's generic error. */
  failure?: (method: string) => Error;
}

export class WorkerClient {
  private current: Started | undefined;
  private disposed = false;

  constructor(private readonly options: WorkerClientOptions) {}

  /** Resolves with the checked result; rejects with a one-line Error (the worker's own errors keep their name). */
  request<D extends RequestDef>(def: D, params: ParamsOf<D>, options: RequestOptions<ProgressOf<D>> = {}): Promise<ResultOf<D>> {
    if (this.disposed) return Promise.reject(new Error(`the ${this.options.label} client was disposed; '${def.method}' was not sent`));
    let started: Started;
    try {
      started = this.start();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return started.rpc.request(def, params, options).catch((e: unknown) => {
      throw started.failure?.(def.method) ?? e;
    });
  }

  /** Kills the running worker at once; what it had pending rejects as 'exited', the next request starts a fresh one. */
  async terminate(): Promise<void> {
    await this.current?.worker.terminate();
  }

  /** Terminates the worker; pending requests reject, later ones reject at once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const started = this.current;
    this.current = undefined;
    if (!started) return;
    started.failure = (method) => new Error(`the ${this.options.label}'s request '${method}' was cancelled: its client was disposed`);
    started.rpc.dispose();
    void started.worker.terminate();
  }

  private start(): Started {
    if (this.current) return this.current;
    const { name, label } = this.options;
    const scriptPath = this.options.scriptPath ?? workerScriptPath(name);
    if (!fs.existsSync(scriptPath)) {
      throw new WorkerFailedError(`the ${label} script is missing: ${scriptPath} (build the project, or set ${workerEnvVar(name)})`, 'missing');
    }
    const worker = new Worker(scriptPath, { stdout: true, stderr: true });
    forwardLines(worker.stdout, this.options.onOutput);
    forwardLines(worker.stderr, this.options.onOutput);
    const rpc = new Rpc((message) => worker.postMessage(message), { timeoutMs: this.options.timeoutMs ?? 0, closedReason: `the ${label} stopped` });
    const started: Started = { worker, rpc };
    const fail = (failure: (method: string) => Error): void => this.fail(started, failure);
    worker.on('message', (message: unknown) => {
      if (!rpc.handle(message)) fail(() => new WorkerFailedError(`the ${label} sent a message outside its protocol`, 'unreadable'));
    });
    worker.on('messageerror', (e) => fail(() => new WorkerFailedError(`the ${label} sent an unreadable message: ${firstLine(e.message)}`, 'unreadable')));
    worker.on('error', (e) => fail(() => new WorkerFailedError(`the ${label} crashed: ${firstLine(e.message)}`, 'crashed')));
    worker.on('exit', (code) => fail((method) => new WorkerFailedError(`the ${label} stopped (exit code ${code}) before answering '${method}'`, 'exited', code)));
    this.current = started;
    return started;
  }

  /**
   * The worker failed: everything pending was sent to it (a new worker starts only after
   * this), so all of it rejects. Events of a worker already replaced or disposed ('exit'
   * after 'error', or after terminate()) change nothing.
   */
  private fail(started: Started, failure: (method: string) => Error): void {
    if (this.current !== started) return;
    this.current = undefined;
    started.failure = failure;
    started.rpc.dispose();
    void started.worker.terminate();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
