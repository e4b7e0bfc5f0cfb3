/**
 * The host end of one webview's message channel: queues host messages until the webview
 * says `ready` (messages posted to a webview that has not loaded its script are lost),
 * routes RPC requests/responses, and hands other valid messages to the owner.
 */
import type * as vscode from 'vscode';
import { isWebviewMessage, type HostMessage, type RpcMessage, type WebviewMessage } from '../protocol/messages';
import { Rpc } from '../protocol/rpc';

export class WebviewChannel implements vscode.Disposable {
  readonly rpc: Rpc;
  private ready = false;
  private queue: (HostMessage | RpcMessage)[] = [];
  private readonly listener: vscode.Disposable;
  private readyWaiters: (() => void)[] = [];

  constructor(private readonly webview: vscode.Webview, onMessage: (message: WebviewMessage) => void) {
    this.rpc = new Rpc((m) => this.send(m));
    this.listener = webview.onDidReceiveMessage((raw: unknown) => {
      if (this.rpc.handle(raw)) return;
      if (!isWebviewMessage(raw)) return; // malformed: ignore rather than trust it
      if (raw.type === 'ready') this.markReady();
      onMessage(raw);
    });
  }

  /** Posts now if the webview is ready, else when it is. */
  post(message: HostMessage): void {
    this.send(message);
  }

  /** The webview reloaded its HTML (e.g. became visible again): hold messages until it is ready again. */
  reset(): void {
    this.ready = false;
  }

  /** Resolves once the webview has said `ready` (integration tests wait on this before querying). */
  whenReady(): Promise<void> {
    return this.ready ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  dispose(): void {
    this.listener.dispose();
    this.rpc.dispose();
    this.queue = [];
    this.readyWaiters = [];
  }

  private send(message: HostMessage | RpcMessage): void {
    if (!this.ready) {
      // Only the latest model matters: drop an older queued one so a burst of edits posts once.
      if ('type' in message && (message.type === 'model' || message.type === 'empty')) {
        this.queue = this.queue.filter((m) => m.type !== 'model' && m.type !== 'empty');
      }
      this.queue.push(message);
      return;
    }
    void this.webview.postMessage(message);
  }

  private markReady(): void {
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) void this.webview.postMessage(m);
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }
}
