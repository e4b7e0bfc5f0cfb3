/**
 * Requests over a message port, used between the extension host and a webview and between
 * a caller and a worker thread. Each request is declared once (define.ts): its parameters
 * are checked before a handler sees them and its result (and progress updates) before the
 * caller does. Cancellation follows the Language Server Protocol: the caller's AbortSignal
 * sends `cancel`, the handler's own signal aborts, and the caller's promise rejects at once.
 *
 * Every pending entry is deleted exactly once (response, timeout, cancel or dispose), so a
 * side that goes away never leaves timers or promises behind.
 */
import * as v from 'valibot';
import { explain, message, messages, Count, type Infer, type ParamsOf, type ProgressOf, type RequestDef, type ResultOf } from './define';

export const DEFAULT_RPC_TIMEOUT_MS = 5000;

const RpcRequest = message('request', { id: Count, method: v.pipe(v.string(), v.minLength(1)), params: v.unknown() });
/** `errorName` keeps an error's class across the boundary (a DataError stays the user's to fix). */
const RpcResponse = message('response', { id: Count, result: v.optional(v.unknown()), error: v.optional(v.string()), errorName: v.optional(v.string()) });
const RpcCancel = message('cancel', { id: Count });
const RpcProgress = message('progress', { id: Count, data: v.unknown() });
const RpcMessageSchema = messages(RpcRequest, RpcResponse, RpcCancel, RpcProgress);
export type RpcMessage = Infer<typeof RpcMessageSchema>;
export const isRpcMessage = (value: unknown): value is RpcMessage => v.is(RpcMessageSchema, value);

export class RpcTimeoutError extends Error {
  constructor(readonly method: string, readonly timeoutMs: number) {
    super(`ConvLens: request '${method}' got no response within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

export class RpcCancelledError extends Error {
  constructor(readonly method: string) {
    super(`ConvLens: request '${method}' was cancelled`);
    this.name = 'CancelledError';
  }
}

/** What a handler gets besides its parameters. */
export interface RequestContext<G = unknown> {
  /** Aborted when the caller cancels (or the connection closes): long work checks it and stops. */
  readonly signal: AbortSignal;
  /** Sends an update to the caller before the answer (ignored when the caller went away). */
  readonly progress: (data: G) => void;
}

export interface RequestOptions<G = unknown> {
  /** Overrides the default timeout; 0 waits as long as it takes (training). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (data: G) => void;
}

type Handler = (params: unknown, context: RequestContext) => unknown;

interface Pending {
  def: RequestDef;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (data: unknown) => void;
  cleanup: () => void;
}

export interface RpcOptions {
  /** Default time a request waits for its response; 0 = forever. */
  timeoutMs?: number;
  /** Message for requests still pending at dispose, e.g. 'the webview was closed'. */
  closedReason?: string;
}

export class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, { def: RequestDef; handler: Handler }>();
  /** Requests this side is answering, so a `cancel` can abort them. */
  private readonly running = new Map<number, AbortController>();
  private disposed = false;
  private readonly timeoutMs: number;
  private closedReason: string;

  /** @param post sends one message to the other side (webview.postMessage, worker.postMessage, …). */
  constructor(private readonly post: (message: RpcMessage) => void, options: RpcOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    this.closedReason = options.closedReason ?? 'the connection was closed';
  }

  /** Requests still waiting for a response (for tests and leak checks). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Answers `def` requests from the other side. The parameters are checked against def first. */
  on<D extends RequestDef>(def: D, handler: (params: ParamsOf<D>, context: RequestContext<ProgressOf<D>>) => ResultOf<D> | Promise<ResultOf<D>>): void {
    this.handlers.set(def.method, { def, handler: handler as Handler });
  }

  request<D extends RequestDef>(def: D, params: ParamsOf<D>, options: RequestOptions<ProgressOf<D>> = {}): Promise<ResultOf<D>> {
    const method = def.method;
    if (this.disposed) return Promise.reject(new Error(`ConvLens: request '${method}' after ${this.closedReason}`));
    if (options.signal?.aborted) return Promise.reject(new RpcCancelledError(method));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<ResultOf<D>>((resolve, reject) => {
      const timer = timeoutMs > 0 ? setTimeout(() => this.abandon(id, new RpcTimeoutError(method, timeoutMs)), timeoutMs) : undefined;
      const onAbort = (): void => this.abandon(id, new RpcCancelledError(method));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        def, resolve: resolve as (value: unknown) => void, reject, onProgress: options.onProgress as ((data: unknown) => void) | undefined,
        cleanup: () => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
      try {
        this.post({ type: 'request', id, method, params });
      } catch (e) {
        this.settle(id)?.reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /**
   * Feeds one incoming message. Returns true when it was an RPC message (so the caller need
   * not look at it further), false for any other message.
   */
  handle(raw: unknown): boolean {
    if (!isRpcMessage(raw)) return false;
    switch (raw.type) {
      case 'response': this.onResponse(raw.id, raw.result, raw.error, raw.errorName); break;
      case 'progress': this.onProgress(raw.id, raw.data); break;
      case 'request': void this.answer(raw.id, raw.method, raw.params); break;
      case 'cancel': this.running.get(raw.id)?.abort(); break;
    }
    return true;
  }

  /**
   * The other side was replaced (a hidden webview reloads its document, and its new script
   * numbers its requests from 1 again): the handlers still working for the old one are
   * aborted, their answers dropped, so none reaches the new page under a reused id.
   */
  abortRunning(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  /** Rejects every pending request, aborts the handlers still running, and refuses later requests. */
  dispose(reason?: string): void {
    if (this.disposed) return;
    this.disposed = true;
    if (reason) this.closedReason = reason;
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id);
      p?.reject(new Error(`ConvLens: request '${p.def.method}' failed: ${this.closedReason}`));
    }
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
    this.handlers.clear();
  }

  /** Removes a pending entry and its timer; undefined when it was already settled. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    p.cleanup();
    this.pending.delete(id);
    return p;
  }

  /** Gives up on a request (timeout, cancel) and tells the other side to stop working on it. */
  private abandon(id: number, error: Error): void {
    const p = this.settle(id);
    if (!p) return;
    p.reject(error);
    this.send({ type: 'cancel', id });
  }

  private onResponse(id: number, result: unknown, error: string | undefined, errorName: string | undefined): void {
    const p = this.settle(id);
    if (!p) return;
    if (error !== undefined) {
      const e = new Error(error);
      if (errorName) e.name = errorName;
      p.reject(e);
      return;
    }
    const wrong = explain(p.def.result, result);
    if (wrong) p.reject(new Error(`ConvLens: the answer to '${p.def.method}' is malformed (${wrong})`));
    else p.resolve(result);
  }

  private onProgress(id: number, data: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    const wrong = p.def.progress && explain(p.def.progress, data);
    if (wrong) {
      this.abandon(id, new Error(`ConvLens: an update of '${p.def.method}' is malformed (${wrong})`));
      return;
    }
    p.onProgress?.(data);
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const entry = this.handlers.get(method);
    let reply: RpcMessage;
    if (!entry) {
      reply = { type: 'response', id, error: `ConvLens: no handler for request '${method}'` };
    } else {
      const wrong = explain(entry.def.params, params);
      if (wrong) {
        reply = { type: 'response', id, error: `ConvLens: invalid parameters for '${method}' (${wrong})`, errorName: 'ProtocolError' };
      } else {
        const controller = new AbortController();
        this.running.set(id, controller);
        const context: RequestContext = {
          signal: controller.signal,
          progress: (data) => { if (!controller.signal.aborted) this.send({ type: 'progress', id, data }); },
        };
        try {
          reply = { type: 'response', id, result: await entry.handler(params, context) };
        } catch (e) {
          reply = { type: 'response', id, error: e instanceof Error ? e.message : String(e), errorName: e instanceof Error ? e.name : undefined };
        } finally {
          // The id may belong to a newer request by now (see abortRunning).
          if (this.running.get(id) === controller) this.running.delete(id);
        }
        // A cancelled request's caller has already moved on.
        if (controller.signal.aborted) return;
      }
    }
    const unsent = this.trySend(reply);
    // A result that cannot be posted (not cloneable) must still answer: the caller may wait without a timeout.
    if (unsent && 'result' in reply) this.send({ type: 'response', id, error: `ConvLens: cannot send the answer to '${method}': ${unsent.message}` });
  }

  private send(message: RpcMessage): void {
    // An error here means the other side is gone; its own timeout or exit handler reports the failure.
    this.trySend(message);
  }

  /** Posts a message; returns what went wrong instead of throwing. */
  private trySend(message: RpcMessage): Error | undefined {
    if (this.disposed) return undefined;
    try {
      this.post(message);
      return undefined;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }
}
