/**
 * Request/response over postMessage, used on both sides of a webview. Each request gets
 * an id; the matching response settles it. Every pending entry is deleted exactly once:
 * on its response, on its timeout, or on dispose, so a webview that goes away never
 * leaves timers or promises behind (a leak GitLens-style request maps are prone to).
 */
import { isRpcRequest, isRpcResponse, type RpcMessage, type RpcMethod, type RpcMethods } from './messages';

export const DEFAULT_RPC_TIMEOUT_MS = 5000;

export type RpcHandler = (params: unknown) => unknown;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RpcTimeoutError extends Error {
  constructor(readonly method: string, readonly timeoutMs: number) {
    super(`ConvLens: request '${method}' got no response within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

export class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, RpcHandler>();
  private disposed = false;

  /**
   * @param post sends one message to the other side (webview.postMessage or vscode.postMessage).
   * @param timeoutMs default time a request waits for its response.
   */
  constructor(private readonly post: (message: RpcMessage) => void, private readonly timeoutMs = DEFAULT_RPC_TIMEOUT_MS) {}

  /** Requests still waiting for a response (for tests and leak checks). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Answers requests for `method` from the other side. Handlers may return a promise. */
  on<M extends RpcMethod>(method: M, handler: (params: RpcMethods[M]['params']) => RpcMethods[M]['result'] | Promise<RpcMethods[M]['result']>): void {
    this.handlers.set(method, handler as RpcHandler);
  }

  request<M extends RpcMethod>(method: M, params: RpcMethods[M]['params'], timeoutMs = this.timeoutMs): Promise<RpcMethods[M]['result']> {
    if (this.disposed) return Promise.reject(new Error(`ConvLens: request '${method}' after the webview was closed`));
    const id = this.nextId++;
    return new Promise<RpcMethods[M]['result']>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcTimeoutError(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.post({ type: 'request', id, method, params });
      } catch (e) {
        this.settle(id)?.reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /**
   * Feeds one incoming message. Returns true when it was an RPC request or response (so
   * the caller need not look at it further), false for any other message.
   */
  handle(message: unknown): boolean {
    if (isRpcResponse(message)) {
      const p = this.settle(message.id);
      if (p) {
        if (message.error !== undefined) p.reject(new Error(message.error));
        else p.resolve(message.result);
      }
      return true;
    }
    if (isRpcRequest(message)) {
      void this.answer(message.id, message.method, message.params);
      return true;
    }
    return false;
  }

  /** Rejects every pending request and stops all timers; later requests reject at once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id);
      p?.reject(new Error(`ConvLens: request '${p.method}' cancelled: the webview was closed`));
    }
    this.handlers.clear();
  }

  /** Removes a pending entry and its timer; undefined when it was already settled. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers.get(method);
    let reply: RpcMessage;
    if (!handler) {
      reply = { type: 'response', id, error: `ConvLens: no handler for request '${method}'` };
    } else {
      try {
        reply = { type: 'response', id, result: await handler(params) };
      } catch (e) {
        reply = { type: 'response', id, error: e instanceof Error ? e.message : String(e) };
      }
    }
    if (this.disposed) return;
    try {
      this.post(reply);
    } catch {
      // The other side is gone; its own timeout will report the failure.
    }
  }
}
