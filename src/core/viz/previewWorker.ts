/**
 * The augmentation preview's worker entry (a `worker_threads` Worker), so TF.js never loads
 * in the extension host. Compiled by tsc to out/src/core/viz/previewWorker.js; bundled by
 * esbuild as dist/previewWorker.js. AugmentPreviewClient (./previewClient.ts) starts it.
 *
 * Protocol: the host posts {id, spec, request, backend?}; the worker answers each with
 * exactly one {id, result} or {id, error}. TF.js is required on the first request and kept
 * for the worker's life, so later previews (a new seed, another sample) cost only the
 * augmentation itself.
 */
import { parentPort } from 'worker_threads';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../model/spec';
import { selectBackend, type BackendPreference } from '../engine/backend/select';
import { augmentationPreview, type AugmentPreview, type AugmentPreviewRequest } from './augmentPreview';

export interface PreviewWorkerRequest {
  id: number;
  spec: ModelSpec;
  request: AugmentPreviewRequest;
  /** Default 'cpu': a handful of small images, where wasm's start-up would cost more than it saves. */
  backend?: BackendPreference;
}

/** `usage`: a problem the user can fix (data, model input, a file); else `internal`. */
export type PreviewWorkerReply = { id: number; result: AugmentPreview } | { id: number; error: string; kind: 'usage' | 'internal' };

const port = parentPort;
if (!port) throw new Error('the ConvLens augmentation preview worker must run in a worker thread');

let tf: typeof tfjs | undefined;
let backend: BackendPreference | undefined;

async function handle(message: PreviewWorkerRequest): Promise<PreviewWorkerReply> {
  try {
    if (!tf) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      tf = require('@tensorflow/tfjs') as typeof tfjs;
    }
    const want = message.backend ?? 'cpu';
    if (want !== backend) {
      // Native (oneDNN) kernels speed up convolutions, which a preview never runs.
      await selectBackend(tf, want, { nativeKernels: false });
      backend = want;
    }
    return { id: message.id, result: await augmentationPreview(tf, message.spec, message.request) };
  } catch (e) {
    const usage = e instanceof Error && e.name === 'DataError';
    return { id: message.id, error: (e instanceof Error ? e.message : String(e)).split('\n')[0], kind: usage ? 'usage' : 'internal' };
  }
}

// One request at a time: a backend switch must not happen under another request's tensors,
// and the batches are small, so queueing costs little.
let queue: Promise<void> = Promise.resolve();

port.on('message', (message: PreviewWorkerRequest) => {
  queue = queue.then(async () => {
    const reply = await handle(message);
    try {
      port.postMessage(reply);
    } catch (e) {
      // Never leave the host waiting: a reply that cannot be sent becomes an error reply.
      port.postMessage({ id: message.id, error: `cannot send the preview: ${e instanceof Error ? e.message : String(e)}`, kind: 'internal' } satisfies PreviewWorkerReply);
    }
  });
});
