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
import { DataError } from '../engine/data/types';
import { backendLabel, selectBackend, type BackendPreference } from '../engine/backend/select';
import { answer, serve, type Handler } from '../worker/serve';
import { augmentationPreview } from './augmentPreview';
import { InspectSession } from './inspect/session';
import { LatentSession } from '../generative/latent';
import { decodeToDataUrls, latentOverview } from '../generative/overview';
import { latentClose, latentDecode, latentEncode, latentOpen, latentSamples } from './vizProtocol';
import { augmentPreview, inspectActivations, inspectFilters, inspectClose, inspectGradCam, inspectKernels, inspectOpen, inspectPredict } from './vizProtocol';

let tf: typeof tfjs | undefined;
/** The backend in use and whether ConvLens' native kernels run its convolutions. */
let backend: { want: BackendPreference; nativeKernels: boolean; label: string } | undefined;

/** TF.js on the wanted backend, loaded once. */
async function tfOn(want: BackendPreference, nativeKernels = false): Promise<typeof tfjs> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tf ??= require('@tensorflow/tfjs') as typeof tfjs;
  if (want !== backend?.want || nativeKernels !== backend.nativeKernels) {
    const info = await selectBackend(tf, want, { nativeKernels });
    backend = { want, nativeKernels, label: backendLabel(info) };
  }
  return tf;
}

/**
 * The model the inspection panel looks at, loaded once and kept until another is asked for.
 * Inspection runs the model's convolutions (Grad-CAM, filter patterns: many forward and
 * backward passes), so it takes the best backend with the native kernels, unlike a preview.
 */
let inspected: { source: string; session: InspectSession } | undefined;

async function inspection(source: string): Promise<InspectSession> {
  const t = await tfOn('auto', true);
  if (inspected?.source === source) return inspected.session;
  inspected?.session.dispose();
  inspected = undefined;
  inspected = { source, session: await InspectSession.open(t, source, backend?.label ?? t.getBackend()) };
  return inspected.session;
}

/** The VAE or GAN run the latent-space panel explores, kept like the inspected model. */
let explored: { source: string; session: LatentSession } | undefined;

async function exploration(source: string, reload = false): Promise<LatentSession> {
  const t = await tfOn('auto', true);
  if (explored?.source === source && !reload) return explored.session;
  explored?.session.dispose();
  explored = undefined;
  explored = { source, session: await LatentSession.open(t, source) };
  return explored.session;
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
  // Native (oneDNN) kernels speed up convolutions, which a preview never runs.
  visualization(augmentPreview, async ({ spec, request, backend: want }) => augmentationPreview(await tfOn(want ?? 'cpu'), spec, request)),
  visualization(inspectOpen, async ({ source }) => (await inspection(source)).info),
  visualization(inspectPredict, async ({ source, image }) => (await inspection(source)).predict(image)),
  visualization(inspectActivations, async ({ source, image, layer }) => (await inspection(source)).activations(image, layer)),
  visualization(inspectGradCam, async ({ source, image, classIndex, layer }) => (await inspection(source)).gradCam(image, { classIndex, layer })),
  visualization(inspectFilters, async ({ source, request }, { signal, progress, yieldTurn }) => {
    const session = await inspection(source);
    // A filter set can take minutes: other pictures asked for meanwhile are made between two filters.
    const betweenFilters = async (): Promise<void> => {
      await yieldTurn();
      if (inspected?.session !== session) throw new DataError('filter patterns stopped: the model was closed or another one opened meanwhile');
    };
    const patterns = await session.filters(request, { signal, onPattern: progress, betweenFilters });
    return { count: patterns.length };
  }),
  visualization(inspectClose, ({ source }) => {
    if (inspected?.source !== source) return { closed: false };
    inspected.session.dispose();
    inspected = undefined;
    return { closed: true };
  }),
  visualization(latentOpen, async ({ source, reload }) => latentOverview(await exploration(source, reload))),
  visualization(latentDecode, async ({ source, points }) => ({ images: await decodeToDataUrls(await exploration(source), points) })),
  visualization(latentSamples, async ({ source, count, seed }) => {
    const session = await exploration(source);
    const points = session.randomPoints(count, seed);
    return { points, images: await decodeToDataUrls(session, points) };
  }),
  visualization(latentEncode, async ({ source, image }) => (await exploration(source)).encodeImage(image)),
  visualization(latentClose, ({ source }) => {
    if (explored?.source !== source) return { closed: false };
    explored.session.dispose();
    explored = undefined;
    return { closed: true };
  }),
  visualization(inspectKernels, async ({ source }) => (await (await inspection(source)).kernels()) ?? null),
]);
