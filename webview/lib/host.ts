/**
 * The webview end of a channel: acquires the VS Code API once, validates every message
 * from the host with the panel's protocol guard, answers and makes RPC requests, and says
 * `ready` once listeners are set. Shared by the summary/side view and training bundles.
 */
import { Rpc } from '../../src/protocol/rpc';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** S: persisted state; H: host→webview messages; W: webview→host messages (with `ready`). */
export class Host<S, H, W extends { type: string }> {
  private readonly api = acquireVsCodeApi<S>();
  readonly rpc = new Rpc((m) => this.api.postMessage(m));

  constructor(isMessage: (v: unknown) => v is H, onMessage: (message: H) => void) {
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (this.rpc.handle(e.data)) return;
      if (isMessage(e.data)) onMessage(e.data);
    });
    window.addEventListener('unload', () => this.rpc.dispose());
  }

  ready(): void {
    this.api.postMessage({ type: 'ready' });
  }

  post(message: W): void {
    this.api.postMessage(message);
  }

  get state(): S | undefined {
    return this.api.getState();
  }

  set state(s: S) {
    this.api.setState(s);
  }
}
