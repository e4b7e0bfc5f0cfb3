/**
 * The page end of a panel's channel: checks every host message against the panel's
 * protocol, makes the panel's requests, keeps its state, and says `ready` once the page's
 * listeners are set (on first load and after every reload).
 */
import * as v from 'valibot';
import type { PanelProtocol, StateOf, ToHostOf, ToWebviewOf } from '../../src/protocol/panel';
import { Rpc, type RequestOptions } from '../../src/protocol/rpc';
import type { ParamsOf, ProgressOf, ResultOf } from '../../src/protocol/define';
import { vscodeApi } from './vscodeApi';

export class Host<P extends PanelProtocol> {
  private readonly api = vscodeApi();
  private readonly rpc = new Rpc((m) => this.api.postMessage(m), { closedReason: 'the page was unloaded' });

  constructor(private readonly protocol: P, onMessage: (message: ToWebviewOf<P>) => void) {
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (this.rpc.handle(e.data)) return;
      if (v.is(protocol.toWebview, e.data)) onMessage(e.data as ToWebviewOf<P>);
    });
    window.addEventListener('unload', () => this.rpc.dispose());
  }

  /** Asks the host one of the panel's requests (declared in its protocol). */
  request<K extends keyof P['requests'] & string>(name: K, params: ParamsOf<P['requests'][K]>, options?: RequestOptions<ProgressOf<P['requests'][K]>>): Promise<ResultOf<P['requests'][K]>> {
    const def = this.protocol.requests[name] as P['requests'][K];
    return this.rpc.request(def, params, options);
  }

  /** The first message, when the host put it in the page (drawn before `ready`, so the page never waits for it). */
  initial(): ToWebviewOf<P> | undefined {
    const app = document.getElementById('app');
    const raw = app?.dataset.initial;
    if (raw === undefined) return undefined;
    delete app?.dataset.initial;
    try {
      const message: unknown = JSON.parse(raw);
      return v.is(this.protocol.toWebview, message) ? (message as ToWebviewOf<P>) : undefined;
    } catch {
      return undefined;
    }
  }

  ready(): void {
    this.api.postMessage({ type: 'ready' });
  }

  post(message: ToHostOf<P>): void {
    this.api.postMessage(message);
  }

  /** The persisted state, when it still matches the protocol (an older version's state is dropped). */
  get state(): StateOf<P> | undefined {
    const s = this.api.getState();
    return v.is(this.protocol.state, s) ? (s as StateOf<P>) : undefined;
  }

  set state(s: StateOf<P>) {
    this.api.setState(s);
  }
}
