/**
 * The training webview's end of the channel (the training protocol's counterpart of
 * host.ts): acquires the VS Code API once, checks every host message with the training
 * guard, answers and makes RPC requests, and says `ready` once its listeners are set.
 */
import { Rpc } from '../../src/protocol/rpc';
import { isTrainingHostMessage, type TrainingHostMessage, type TrainingState, type TrainingWebviewMessage } from '../../src/protocol/training';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: TrainingState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class TrainingHost {
  private readonly api = acquireVsCodeApi();
  readonly rpc = new Rpc((m) => this.api.postMessage(m));

  constructor(onMessage: (message: TrainingHostMessage) => void) {
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (this.rpc.handle(e.data)) return;
      if (isTrainingHostMessage(e.data)) onMessage(e.data);
    });
    window.addEventListener('unload', () => this.rpc.dispose());
  }

  ready(): void {
    this.post({ type: 'ready' });
  }

  post(message: TrainingWebviewMessage): void {
    this.api.postMessage(message);
  }

  set state(s: TrainingState) {
    this.api.setState(s);
  }
}
