/**
 * The visualization worker's entry (a `worker_threads` Worker): every picture a panel asks
 * for is computed here, so TF.js and sharp never load in the extension host. Compiled by
 * tsc to out/src/core/viz/vizWorker.js; bundled by esbuild as dist/vizWorker.js
 * (core/worker/workers.json names both). VizClient (./vizClient.ts) starts it.
 *
 * TF.js is required on the first request and kept for the worker's life, so later requests
 * (a new seed, another sample) cost only their own work. Requests run one at a time: a
 * backend switch must not happen under another request's tensors, and each is small.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { RequestDef } from '../../protocol/define';
import { selectBackend, type BackendPreference } from '../engine/backend/select';
import { answer, serve, type Handler } from '../worker/serve';
import { augmentationPreview } from './augmentPreview';
import { augmentPreview } from './vizProtocol';

let tf: typeof tfjs | undefined;
let backend: BackendPreference | undefined;

/** TF.js on the wanted backend, loaded once. */
async function tfOn(want: BackendPreference): Promise<typeof tfjs> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tf ??= require('@tensorflow/tfjs') as typeof tfjs;
  if (want !== backend) {
    // Native (oneDNN) kernels speed up convolutions, which a preview never runs.
    await selectBackend(tf, want, { nativeKernels: false });
    backend = want;
  }
  return tf;
}

/** A visualization request: queued behind the others, its error reduced to one line (a panel shows it as is). */
function visualization<D extends RequestDef>(def: D, handler: Handler<D>) {
  return answer(def, async (params, context) => {
    try {
      return await handler(params, context);
    } catch (e) {
      if (e instanceof Error) e.message = e.message.split('\n')[0];
      throw e;
    }
  }, { queued: true });
}

serve([
  visualization(augmentPreview, async ({ spec, request, backend: want }) => augmentationPreview(await tfOn(want ?? 'cpu'), spec, request)),
]);
