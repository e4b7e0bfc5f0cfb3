/**
 * The visualization worker's requests (vizWorker.ts answers them, VizClient sends them):
 * one def per kind of picture a panel asks for. Each schema is typed against the types its
 * handler uses, so the two cannot drift apart.
 *
 * Sample indices, counts and seeds are checked here as numbers only: augmentPreview.ts
 * checks their ranges itself and says what is wrong in the user's terms (a DataError).
 */
import * as v from 'valibot';
import { PngDataUrl, request } from '../../protocol/define';
import { BackendPreferenceSchema } from '../engine/backend/schemas';
import { ModelSpecSchema } from '../model/specSchema';
import type { AugmentPreview, AugmentPreviewRequest } from './augmentPreview';

const AugmentPreviewRequestSchema: v.GenericSchema<AugmentPreviewRequest> = v.object({
  sample: v.variant('kind', [
    v.object({ kind: v.literal('synthetic'), index: v.number() }),
    v.object({ kind: v.literal('mnist'), index: v.number() }),
    v.object({ kind: v.literal('file'), path: v.string() }),
  ]),
  count: v.number(),
  seed: v.number(),
});

const AugmentPreviewSchema: v.GenericSchema<AugmentPreview> = v.object({
  model: v.string(),
  steps: v.array(v.string()),
  notes: v.array(v.string()),
  pixelScale: v.number(),
  inputShape: v.tuple([v.number(), v.number(), v.number()]),
  sample: v.object({ label: v.string() }),
  original: PngDataUrl,
  augmented: v.array(PngDataUrl),
  seed: v.number(),
});

/**
 * What a model's augmentation layers do to one sample. `backend` defaults to 'cpu': a
 * handful of small images, where wasm's start-up would cost more than it saves.
 */
export const augmentPreview = request(
  'augmentPreview',
  v.object({ spec: ModelSpecSchema, request: AugmentPreviewRequestSchema, backend: v.optional(BackendPreferenceSchema) }),
  AugmentPreviewSchema,
);
