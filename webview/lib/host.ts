/**
 * The webview end of the channel: acquires the VS Code API once, validates every message
 * from the host, answers and makes RPC requests, and says `ready` once listeners are set.
 */
import { isHostMessage, type HostMessage, type WebviewMessage } from '../../src/protocol/messages';
import { Rpc } from '../../src/protocol/rpc';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export class Host<S> {
  private readonly api = acquireVsCodeApi<S>();
  readonly rpc = new Rpc((m) => this.api.postMessage(m));

  constructor(onMessage: (message: HostMessage) => void) {
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (this.rpc.handle(e.data)) return;
      if (isHostMessage(e.data)) onMessage(e.data);
    });
    window.addEventListener('unload', () => this.rpc.dispose());
  }

  ready(): void {
    this.post({ type: 'ready' });
  }

  post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  get state(): S | undefined {
    return this.api.getState();
  }

  set state(s: S) {
    this.api.setState(s);
  }
}
