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
import { generatorPreview as previewGenerator } from './generatorPreview';
import { InspectSession } from './inspect/session';
import { LatentSession } from '../generative/latent';
import { decodeToDataUrls, latentOverview } from '../generative/overview';
import { latentClose, latentDecode, latentEncode, latentOpen, latentSamples } from './vizProtocol';
import { augmentPreview, generatorPreview, inspectActivations, inspectFilters, inspectClose, inspectGradCam, inspectKernels, inspectOpen, inspectPredict } from './vizProtocol';

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
 * One session of a kind kept in the worker (a panel's run: loaded once, kept until another
 * is asked for or the panel closes), so a request costs only its own work.
 */
class Kept<S extends { dispose(): void }> {
  private kept: { source: string; session: S } | undefined;

  async get(source: string, open: () => Promise<S>, reload = false): Promise<S> {
    if (this.kept?.source === source && !reload) return this.kept.session;
    this.kept?.session.dispose();
    this.kept = undefined;
    this.kept = { source, session: await open() };
    return this.kept.session;
  }

  /** Whether `session` is still the one kept (a long request checks it between steps). */
  holds(session: S): boolean {
    return this.kept?.session === session;
  }

  /** Frees the session of `source`; false when another one is kept. */
  close(source: string): { closed: boolean } {
    if (this.kept?.source !== source) return { closed: false };
    this.kept.session.dispose();
    this.kept = undefined;
    return { closed: true };
  }
}

/**
 * The model the inspection panel looks at. Inspection runs the model's convolutions
 * (Grad-CAM, filter patterns: many forward and backward passes), so it takes the best backend
 * with the native kernels, unlike a preview.
 */
const inspected = new Kept<InspectSession>();

async function inspection(source: string): Promise<InspectSession> {
  const t = await tfOn('auto', true);
  return inspected.get(source, () => InspectSession.open(t, source, backend?.label ?? t.getBackend()));
}

/** The VAE or GAN run the latent-space panel explores. */
const explored = new Kept<LatentSession>();

async function exploration(source: string, reload = false): Promise<LatentSession> {
  const t = await tfOn('auto', true);
  return explored.get(source, () => LatentSession.open(t, source), reload);
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
  visualization(generatorPreview, (request) => previewGenerator(request)),
  visualization(inspectOpen, async ({ source }) => (await inspection(source)).info),
  visualization(inspectPredict, async ({ source, image }) => (await inspection(source)).predict(image)),
  visualization(inspectActivations, async ({ source, image, layer }) => (await inspection(source)).activations(image, layer)),
  visualization(inspectGradCam, async ({ source, image, classIndex, layer }) => (await inspection(source)).gradCam(image, { classIndex, layer })),
  visualization(inspectFilters, async ({ source, request }, { signal, progress, yieldTurn }) => {
    const session = await inspection(source);
    // A filter set can take minutes: other pictures asked for meanwhile are made between two filters.
    const betweenFilters = async (): Promise<void> => {
      await yieldTurn();
      if (!inspected.holds(session)) throw new DataError('filter patterns stopped: the model was closed or another one opened meanwhile');
    };
    const patterns = await session.filters(request, { signal, onPattern: progress, betweenFilters });
    return { count: patterns.length };
  }),
  visualization(inspectClose, ({ source }) => inspected.close(source)),
  visualization(latentOpen, async ({ source, reload }) => latentOverview(await exploration(source, reload))),
  visualization(latentDecode, async ({ source, points }) => ({ images: await decodeToDataUrls(await exploration(source), points) })),
  visualization(latentSamples, async ({ source, count, seed }) => {
    const session = await exploration(source);
    const points = session.randomPoints(count, seed);
    return { points, images: await decodeToDataUrls(session, points) };
  }),
  visualization(latentEncode, async ({ source, image }) => (await exploration(source)).encodeImage(image)),
  visualization(latentClose, ({ source }) => explored.close(source)),
  visualization(inspectKernels, async ({ source }) => (await (await inspection(source)).kernels()) ?? null),
]);
