/**
 * The host end of one webview's message channel: holds host messages until the webview
 * says `ready` (messages posted to a webview that has not loaded its script are lost),
 * routes RPC requests/responses, and hands other valid messages to the owner. Used by the
 * summary panel and side view (protocol/messages.ts) and the training panel
 * (protocol/training.ts), which differ only in what they hold while the webview loads.
 */
import type * as vscode from 'vscode';
import { isWebviewMessage, type HostMessage, type RpcMessage, type WebviewMessage } from '../protocol/messages';
import { Rpc } from '../protocol/rpc';

export interface ChannelOptions<H, W> {
  /** Valid webview→host messages; anything else is ignored rather than trusted. */
  isMessage(raw: unknown): raw is W;
  /** Every valid message, `ready` included. */
  onMessage(message: W): void;
  /** Called on every `ready` (first load and each reload), before held messages go out. */
  onReady?(): void;
  /**
   * The queue to keep when `message` is posted while the webview loads (default: append).
   * RPC messages are always held.
   */
  hold?(queue: H[], message: H): H[];
}

export class WebviewChannel<H extends { type: string }, W extends { type: string }> implements vscode.Disposable {
  readonly rpc: Rpc;
  private ready = false;
  private held: H[] = [];
  private heldRpc: RpcMessage[] = [];
  private readyWaiters: (() => void)[] = [];
  private readonly listener: vscode.Disposable;

  constructor(private readonly webview: vscode.Webview, private readonly options: ChannelOptions<H, W>) {
    this.rpc = new Rpc((m) => this.sendRpc(m));
    this.listener = webview.onDidReceiveMessage((raw: unknown) => {
      if (this.rpc.handle(raw)) return;
      if (!options.isMessage(raw)) return;
      if (raw.type === 'ready') this.markReady();
      options.onMessage(raw);
    });
  }

  /** Posts now if the webview is ready, else holds it as the options say. */
  post(message: H): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.held = this.options.hold ? this.options.hold(this.held, message) : [...this.held, message];
  }

  /** The webview reloads its document (it was hidden): hold messages until its next `ready`. */
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
    this.held = [];
    this.heldRpc = [];
    this.readyWaiters = [];
  }

  private sendRpc(message: RpcMessage): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.heldRpc.push(message);
  }

  private markReady(): void {
    this.ready = true;
    try {
      this.options.onReady?.();
      const held = [...this.held, ...this.heldRpc];
      this.held = [];
      this.heldRpc = [];
      for (const m of held) void this.webview.postMessage(m);
    } finally {
      // Whatever onReady did, the page is loaded: nobody waiting for it may hang.
      const waiters = this.readyWaiters;
      this.readyWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Summary/side view: while loading, only the latest model (or "empty") is worth sending. */
export function latestModelOnly<H extends { type: string }>(queue: H[], message: H): H[] {
  const isModel = (m: H): boolean => m.type === 'model' || m.type === 'empty';
  return [...(isModel(message) ? queue.filter((m) => !isModel(m)) : queue), message];
}

export type SummaryChannel = WebviewChannel<HostMessage, WebviewMessage>;

export function summaryChannel(webview: vscode.Webview, onMessage: (m: WebviewMessage) => void): SummaryChannel {
  return new WebviewChannel<HostMessage, WebviewMessage>(webview, { isMessage: isWebviewMessage, onMessage, hold: latestModelOnly });
}
