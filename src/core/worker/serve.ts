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
 */
import { parentPort } from 'worker_threads';
import type { ParamsOf, ProgressOf, RequestDef, ResultOf } from '../../protocol/define';
import { Rpc, RpcCancelledError, type RequestContext } from '../../protocol/rpc';

export type Handler<D extends RequestDef> = (params: ParamsOf<D>, context: RequestContext<ProgressOf<D>>) => ResultOf<D> | Promise<ResultOf<D>>;

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
  // The queued handlers take turns: each waits for the one before it, whatever its outcome.
  let tail: Promise<unknown> = Promise.resolve();
  for (const { def, handler, queued } of answers) {
    if (!queued) {
      rpc.on(def, handler);
      continue;
    }
    rpc.on(def, (params, context) => {
      const turn = tail.then(() => {
        // Cancelled while it waited: the caller has moved on, so the work is not started.
        if (context.signal.aborted) throw new RpcCancelledError(def.method);
        return handler(params, context);
      });
      tail = turn.catch(() => undefined);
      return turn;
    });
  }
  port.on('message', (message: unknown) => {
    // Only WorkerClient talks to this port; anything else is a bug worth seeing in the host's output.
    if (!rpc.handle(message)) console.error('ConvLens worker: ignored a message that is not a request');
  });
}
