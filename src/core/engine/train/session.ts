/**
 * Host side of a classifier's training run (runSession.ts does the work). Used by the CLI
 * and the extension alike (no vscode here).
 *
 *   const session = new TrainingSession(spec, settings);
 *   session.on('epoch', (e) => ...);          // also 'batch', 'checkpoint', 'log', 'run', ...
 *   session.on('event', (e) => ...);          // every TrainEvent
 *   const report = await session.result;     // rejects with a TrainingError
 *   session.cancel();                         // stops within one batch; result resolves, status 'cancelled'
 */
import type { ModelSpec } from '../../model/spec';
import { train } from './protocol';
import { RunSession, type TrainingSessionOptions } from './runSession';
import type { TrainEvent, TrainReport, TrainSettings } from './types';

export type { TrainingSessionOptions } from './runSession';

type EventOf<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

export class TrainingSession extends RunSession<TrainEvent, TrainReport> {
  constructor(spec: ModelSpec, settings: TrainSettings, options: TrainingSessionOptions = {}) {
    super((client, onProgress) => client.request(train, { spec, settings }, { timeoutMs: 0, onProgress }), options);
  }

  /** Listens to one kind of event ('epoch', 'batch', 'checkpoint', …), or to every event ('event'). */
  override on<T extends Exclude<TrainEvent['type'], 'error'>>(type: T, listener: (event: EventOf<T>) => void): this;
  override on(type: 'event', listener: (event: TrainEvent) => void): this;
  override on(type: string, listener: (event: never) => void): this {
    return super.on(type, listener as (...args: unknown[]) => void);
  }
}
