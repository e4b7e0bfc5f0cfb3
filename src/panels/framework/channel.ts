/**
 * The host end of one page's message channel: holds host messages until the page says
 * `ready` (messages posted to a page that has not run its script are lost), checks what the
 * page sends against the panel's protocol, answers the panel's requests, and, in test mode,
 * carries the integration tests' requests in their own envelope.
 */
import type * as vscode from 'vscode';
import * as v from 'valibot';
import type { PanelProtocol, ToHostOf, ToWebviewOf } from '../../protocol/panel';
import { Rpc } from '../../protocol/rpc';
import { isTestEnvelope, TEST_ENVELOPE } from '../../protocol/testHooks';

/** What to keep of the held messages when another is posted while the page loads. */
export type HoldPolicy<H> = (queue: H[], message: H) => H[];

export const holdAll = <H>(queue: H[], message: H): H[] => [...queue, message];
/** Only the newest message matters (it says everything the page shows). */
export const holdLatest = <H>(_queue: H[], message: H): H[] => [message];
/** Nothing is held: the page is sent a replay on each `ready` instead. */
export const holdNone = <H>(queue: H[]): H[] => queue;

export interface ChannelOptions<P extends PanelProtocol> {
  /** Every valid page message, `ready` included. */
  onMessage(message: ToHostOf<P>): void;
  /** Called on every `ready` (first load and each reload), before held messages go out. */
  onReady?(): void;
  hold?: HoldPolicy<ToWebviewOf<P>>;
  /** Carry test requests (ExtensionMode.Test only). */
  testMode?: boolean;
}

export class WebviewChannel<P extends PanelProtocol> implements vscode.Disposable {
  /** The panel's own requests (the page asks, the host answers). */
  readonly rpc: Rpc;
  /** The integration tests' requests to the page; undefined outside test mode. */
  readonly testRpc: Rpc | undefined;
  private ready = false;
  private held: ToWebviewOf<P>[] = [];
  /** RPC and test traffic, always held in full: every request must reach the page. */
  private heldRaw: unknown[] = [];
  private readonly listener: vscode.Disposable;

  constructor(private readonly webview: vscode.Webview, protocol: P, private readonly options: ChannelOptions<P>) {
    this.rpc = new Rpc((m) => this.sendRaw(m), { closedReason: 'the panel was closed' });
    this.testRpc = options.testMode ? new Rpc((message) => this.sendRaw({ type: TEST_ENVELOPE, message }), { timeoutMs: 10000, closedReason: 'the panel was closed' }) : undefined;
    this.listener = webview.onDidReceiveMessage((raw: unknown) => {
      if (this.rpc.handle(raw)) return;
      if (isTestEnvelope(raw)) {
        this.testRpc?.handle(raw.message);
        return;
      }
      if (!v.is(protocol.toHost, raw)) return; // anything else is ignored rather than trusted
      const message = raw as ToHostOf<P>;
      if (message.type === 'ready') this.markReady();
      options.onMessage(message);
    });
  }

  /** Posts now if the page is ready, else holds it as the options say. */
  post(message: ToWebviewOf<P>): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.held = (this.options.hold ?? holdAll)(this.held, message);
  }

  /**
   * The page reloads its document (it was hidden): hold messages until its next `ready`, and
   * stop answering the old document's requests (the new one cannot receive those answers).
   */
  reset(): void {
    this.ready = false;
    this.rpc.abortRunning();
  }

  get isReady(): boolean {
    return this.ready;
  }

  dispose(): void {
    this.listener.dispose();
    this.rpc.dispose();
    this.testRpc?.dispose();
    this.held = [];
    this.heldRaw = [];
  }

  private sendRaw(message: unknown): void {
    if (this.ready) void this.webview.postMessage(message);
    else this.heldRaw.push(message);
  }

  private markReady(): void {
    this.ready = true;
    this.options.onReady?.();
    const held = [...this.held, ...this.heldRaw];
    this.held = [];
    this.heldRaw = [];
    for (const m of held) void this.webview.postMessage(m);
  }
}
