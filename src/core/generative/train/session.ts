/**
 * Host side of a VAE or GAN run: the same worker, cancel and crash handling as a
 * classifier's (engine/train/runSession.ts), with the recipe's own events and report.
 */
import type { ModelSpec } from '../../model/spec';
import { RunSession, type RunEnd, type TrainingSessionOptions } from '../../engine/train/runSession';
import type { GenerativeRecipe } from '../recipe';
import { trainGenerative } from './protocol';
import type { GenerativeEvent, GenerativeReport, GenerativeSettings } from './types';

export type GenerativeSessionEvent = GenerativeEvent | RunEnd<GenerativeReport>;
type EventOf<T extends GenerativeSessionEvent['type']> = Extract<GenerativeSessionEvent, { type: T }>;

export class GenerativeSession extends RunSession<GenerativeEvent, GenerativeReport> {
  constructor(specs: readonly ModelSpec[], recipe: GenerativeRecipe, settings: GenerativeSettings, options: TrainingSessionOptions = {}) {
    super((client, onProgress) => client.request(trainGenerative, { specs: [...specs], recipe, settings }, { timeoutMs: 0, onProgress }), options);
  }

  override on<T extends Exclude<GenerativeSessionEvent['type'], 'error'>>(type: T, listener: (event: EventOf<T>) => void): this;
  override on(type: 'event', listener: (event: GenerativeSessionEvent) => void): this;
  override on(type: string, listener: (event: never) => void): this {
    return super.on(type, listener as (...args: unknown[]) => void);
  }
}
