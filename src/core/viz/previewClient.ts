/**
 * Host side of the augmentation preview: computes previews in a worker thread
 * (./previewWorker.ts) so TF.js and sharp never load in the extension host or block it.
 * Used by the panel and usable from the CLI (no vscode here).
 *
 *   const client = new AugmentPreviewClient();
 *   const preview = await client.preview(spec, { sample: { kind: 'synthetic', index: 0 }, count: 8, seed: 1 });
 *   client.dispose();                        // terminates the worker; pending previews reject
 *
 * The worker starts on the first preview and stays up (TF.js loaded) for the next ones. A
 * worker that crashes or exits rejects what it had pending with a clear Error, and the next
 * preview starts a fresh one. An idle worker keeps a Node process alive (with `stdout: true`,
 * Node keeps the worker's stdio port referenced even after worker.unref()), so a CLI must
 * call dispose() when done, as it would TrainingSession.terminate().
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { BackendPreference } from '../engine/backend/select';
import type { ModelSpec } from '../model/spec';
import type { AugmentPreview, AugmentPreviewRequest } from './augmentPreview';
import type { PreviewWorkerReply, PreviewWorkerRequest } from './previewWorker';
import { forwardLines } from '../engine/workerOutput';

export interface AugmentPreviewClientOptions {
  /** The worker script; default: {@link defaultPreviewWorkerPath}. */
  workerPath?: string;
  /** TF.js backend in the worker; default 'cpu' (see previewWorker.ts). */
  backend?: BackendPreference;
  /** Receives the worker's stdout/stderr lines (TF.js notices); default: dropped. */
  onOutput?: (line: string) => void;
}

/**
 * Where the worker script is: $CONVLENS_PREVIEW_WORKER, else `previewWorker.js` next to
 * this code. That one name covers both builds: bundled, this code runs from dist/ (esbuild
 * writes dist/previewWorker.js); compiled by tsc, it runs from out/src/core/viz/, where tsc
 * writes previewWorker.js next to it.
 */
export function defaultPreviewWorkerPath(): string {
  const fromEnv = process.env['CONVLENS_PREVIEW_WORKER'];
  if (fromEnv) return fromEnv;
  return path.join(__dirname, 'previewWorker.js');
}

interface Pending {
  resolve: (preview: AugmentPreview) => void;
  reject: (error: Error) => void;
}

export class AugmentPreviewClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(private readonly options: AugmentPreviewClientOptions = {}) {}

  /** Resolves with the preview, or rejects with an Error whose message is one line. */
  preview(spec: ModelSpec, request: AugmentPreviewRequest): Promise<AugmentPreview> {
    if (this.disposed) return Promise.reject(new Error('the augmentation preview client was disposed'));
    let worker: Worker;
    try {
      worker = this.start();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const id = this.nextId++;
    return new Promise<AugmentPreview>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: PreviewWorkerRequest = { id, spec, request, backend: this.options.backend };
      try {
        worker.postMessage(message);
      } catch (e) {
        // A spec that cannot be cloned (never from the readers, but a caller may build one).
        this.take(id);
        reject(new Error(`cannot send the model to the augmentation preview worker: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }

  /** Terminates the worker; previews still pending reject, later ones reject at once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.rejectAll('the augmentation preview was cancelled: its client was disposed');
    void worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const workerPath = this.options.workerPath ?? defaultPreviewWorkerPath();
    if (!fs.existsSync(workerPath)) {
      throw new Error(`the augmentation preview worker script is missing: ${workerPath} (build the project, or set CONVLENS_PREVIEW_WORKER)`);
    }
    const worker = new Worker(workerPath, { stdout: true, stderr: true });
    forwardLines(worker.stdout, this.options.onOutput);
    forwardLines(worker.stderr, this.options.onOutput);
    worker.on('message', (reply: PreviewWorkerReply) => {
      const p = this.take(reply.id);
      if (!p) return;
      if ('error' in reply) {
        const error = new Error(reply.error);
        // Errors the user can fix keep their class name across the thread boundary.
        if (reply.kind === 'usage') error.name = 'DataError';
        p.reject(error);
      }
      else p.resolve(reply.result);
    });
    worker.on('messageerror', (e) => this.fail(worker, `the augmentation preview worker sent an unreadable reply: ${e.message}`));
    worker.on('error', (e) => this.fail(worker, `the augmentation preview worker crashed: ${e.message.split('\n')[0]}`));
    worker.on('exit', (code) => this.fail(worker, `the augmentation preview worker stopped (exit code ${code}) before answering`));
    this.worker = worker;
    return worker;
  }

  private take(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    return p;
  }

  /**
   * The current worker failed: everything pending was sent to it (a new worker starts only
   * after this), so all of it rejects. Events of a worker already replaced or disposed
   * ('exit' after 'error', or after terminate()) are ignored.
   */
  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    this.rejectAll(message);
  }

  private rejectAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new Error(message));
  }
}
