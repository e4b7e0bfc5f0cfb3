/**
 * The host end of a training webview's message channel, like WebviewChannel (channel.ts)
 * but for the training protocol: RPC requests/responses are routed (and queued until the
 * webview is ready), other messages are checked with the training guard. Training events
 * are NOT queued while the webview is loading: on each `ready` the owner sends the
 * buffer's full replay, which already contains them.
 */
import type * as vscode from 'vscode';
import type { RpcMessage } from '../protocol/messages';
import { Rpc } from '../protocol/rpc';
import { isTrainingWebviewMessage, type TrainingHostMessage, type TrainingWebviewMessage } from '../protocol/training';

export class TrainingChannel implements vscode.Disposable {
  readonly rpc: Rpc;
  private ready = false;
  private rpcQueue: RpcMessage[] = [];
  private readyWaiters: (() => void)[] = [];
  private readonly listener: vscode.Disposable;

  /** @param onReady called on every `ready` (first load and each reload), before queued RPC goes out. */
  constructor(private readonly webview: vscode.Webview, private readonly onReady: () => void, onMessage: (message: TrainingWebviewMessage) => void) {
    this.rpc = new Rpc((m) => this.sendRpc(m));
    this.listener = webview.onDidReceiveMessage((raw: unknown) => {
      if (this.rpc.handle(raw)) return;
      if (!isTrainingWebviewMessage(raw)) return; // malformed: ignore rather than trust it
      if (raw.type === 'ready') this.markReady();
      else onMessage(raw);
    });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Posts a live event; dropped while the webview loads (the replay on `ready` covers it). */
  post(event: TrainingHostMessage): void {
    if (this.ready) void this.webview.postMessage(event);
  }

  /** The webview is reloading its document (e.g. it was hidden): wait for its next `ready`. */
  reset(): void {
    this.ready = false;
  }

  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  dispose(): void {
    this.listener.dispose();
    this.rpc.dispose();
    this.rpcQueue = [];
    this.readyWaiters = [];
  }

  private sendRpc(message: RpcMessage): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.rpcQueue.push(message);
  }

  private markReady(): void {
    this.ready = true;
    this.onReady();
    const queued = this.rpcQueue;
    this.rpcQueue = [];
    for (const m of queued) void this.webview.postMessage(m);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }
}
