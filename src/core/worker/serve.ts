/**
 * The worker side of {@link WorkerClient}: answers the requests it is given over the
 * thread's parentPort (protocol/rpc.ts checks every request's parameters first).
 *
 *   serve([
 *     answer(augmentPreview, (params, { signal }) => …, { queued: true }),
 *   ]);
 *
 * A `queued` handler runs only after the queued requests before it have finished: the
 * visualizations share one TF.js whose backend a request may switch, which must not happen
 * under another request's tensors. Others (a training run's `stop`) run as they arrive.
 * A long queued handler may give its turn away between steps (WorkerContext.yieldTurn).
 */
import { parentPort } from 'worker_threads';
import type { ParamsOf, ProgressOf, RequestDef, ResultOf } from '../../protocol/define';
import { Rpc, RpcCancelledError, type RequestContext } from '../../protocol/rpc';
import { Turns } from './turns';

/** What a worker's handler gets besides its parameters. */
export interface WorkerContext<G = unknown> extends RequestContext<G> {
  /**
   * A queued handler's way to let the queued requests that came after it run now (it resumes
   * after them); call it only where nothing of the shared state is half-changed. Free when no
   * one waits; a no-op for handlers that are not queued.
   */
  readonly yieldTurn: () => Promise<void>;
}

export type Handler<D extends RequestDef> = (params: ParamsOf<D>, context: WorkerContext<ProgressOf<D>>) => ResultOf<D> | Promise<ResultOf<D>>;

/** One request kind the worker answers; build it with {@link answer}. */
export interface Answer {
  def: RequestDef;
  handler: Handler<RequestDef>;
  queued: boolean;
}

export function answer<D extends RequestDef>(def: D, handler: Handler<D>, options: { queued?: boolean } = {}): Answer {
  return { def, handler, queued: options.queued === true };
}

/** Answers these requests for the life of the worker thread. */
export function serve(answers: Answer[]): void {
  const port = parentPort;
  if (!port) throw new Error('a ConvLens worker must run in a worker thread');
  const rpc = new Rpc((message) => port.postMessage(message), { timeoutMs: 0 });
  // The queued handlers take turns: each waits for the ones before it, whatever their outcome.
  const turns = new Turns();
  for (const { def, handler, queued } of answers) {
    if (!queued) {
      rpc.on(def, (params, context) => handler(params, { signal: context.signal, progress: context.progress, yieldTurn: () => Promise.resolve() }));
      continue;
    }
    rpc.on(def, (params, context) => turns.run(() => {
      // Cancelled while it waited: the caller has moved on, so the work is not started.
      if (context.signal.aborted) throw new RpcCancelledError(def.method);
      return handler(params, { signal: context.signal, progress: context.progress, yieldTurn: () => turns.yieldTurn() });
    }));
  }
  port.on('message', (message: unknown) => {
    // Only WorkerClient talks to this port; anything else is a bug worth seeing in the host's output.
    if (!rpc.handle(message)) console.error('ConvLens worker: ignored a message that is not a request');
  });
}
