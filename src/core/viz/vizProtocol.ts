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
import {
  FilterPatternSchema, FilterRequestSchema, GradCamResultSchema, InspectModelInfoSchema, KernelImagesSchema, LayerActivationsSchema, PredictionSchema, SampleRequestSchema,
} from '../../protocol/inspect';
import { DecodedSchema, LatentOverviewSchema } from '../../protocol/latent';
import { BackendPreferenceSchema } from '../engine/backend/schemas';
import { KERAS_INTERPOLATIONS } from '../engine/data/pilResize';
import { ModelSpecSchema } from '../model/specSchema';
import type { AugmentPreview, AugmentPreviewRequest } from './augmentPreview';
import type { GeneratorPreview, GeneratorPreviewRequest } from './generatorPreview';
import { ConfigValueSchema } from '../model/specSchema';

const AugmentPreviewRequestSchema: v.GenericSchema<AugmentPreviewRequest> = v.object({
  sample: SampleRequestSchema,
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

const Shape3 = v.tuple([v.number(), v.number(), v.number()]);

const GeneratorPreviewRequestSchema: v.GenericSchema<GeneratorPreviewRequest> = v.object({
  generator: v.object({ name: v.string(), config: v.record(v.string(), ConfigValueSchema) }),
  inputShape: Shape3,
  resize: v.optional(v.object({ interpolation: v.picklist(KERAS_INTERPOLATIONS), keepAspectRatio: v.boolean() })),
  sample: SampleRequestSchema,
  count: v.number(),
  seed: v.number(),
});

const DrawKey = v.picklist(['theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'flip_horizontal', 'flip_vertical', 'channel_shift_intensity', 'brightness'] as const);

const GeneratorPreviewSchema: v.GenericSchema<GeneratorPreview> = v.object({
  generator: v.string(),
  steps: v.array(v.string()),
  notes: v.array(v.string()),
  inputShape: Shape3,
  sample: v.object({ label: v.string() }),
  original: PngDataUrl,
  augmented: v.array(PngDataUrl),
  draws: v.array(v.array(v.object({ key: DrawKey, value: v.string() }))),
  seed: v.number(),
});

/** What an ImageDataGenerator's random transforms do to one sample, each draw with its Keras parameters (no TF.js). */
export const generatorPreview = request('generatorPreview', GeneratorPreviewRequestSchema, GeneratorPreviewSchema);

// ---- inspecting a trained model (the inspection panel; the schemas are the panel's own) ----

/** A run folder or a TF.js model.json: the worker keeps the last one it opened loaded. */
const Source = v.pipe(v.string(), v.minLength(1));

export const inspectOpen = request('inspectOpen', v.object({ source: Source }), InspectModelInfoSchema);
export const inspectPredict = request('inspectPredict', v.object({ source: Source, image: SampleRequestSchema }), PredictionSchema);
export const inspectActivations = request('inspectActivations', v.object({ source: Source, image: SampleRequestSchema, layer: v.string() }), LayerActivationsSchema);
export const inspectGradCam = request(
  'inspectGradCam',
  v.object({ source: Source, image: SampleRequestSchema, classIndex: v.optional(v.number()), layer: v.optional(v.string()) }),
  GradCamResultSchema,
);
/** Patterns come as progress, one per filter, as each finishes; the result counts them. */
export const inspectFilters = request('inspectFilters', v.object({ source: Source, request: FilterRequestSchema }), v.object({ count: v.number() }), FilterPatternSchema);
/** Frees the model the worker keeps for `source` (the panel was closed); closed: false when another model is kept. */
export const inspectClose = request('inspectClose', v.object({ source: Source }), v.object({ closed: v.boolean() }));
export const inspectKernels = request('inspectKernels', v.object({ source: Source }), v.nullable(KernelImagesSchema));

// ---- exploring a VAE's or GAN's latent space (the latent-space panel) ----

/** `reload`: read the run again (a run in progress wrote another epoch). */
export const latentOpen = request('latentOpen', v.object({ source: Source, reload: v.optional(v.boolean()) }), LatentOverviewSchema);
export const latentDecode = request('latentDecode', v.object({ source: Source, points: v.array(v.array(v.number())) }), DecodedSchema);
export const latentSamples = request('latentSamples', v.object({ source: Source, count: v.number(), seed: v.number() }), v.object({ points: v.array(v.array(v.number())), images: v.array(PngDataUrl) }));
export const latentEncode = request('latentEncode', v.object({ source: Source, image: SampleRequestSchema }), v.object({ z: v.array(v.number()), label: v.string() }));
export const latentClose = request('latentClose', v.object({ source: Source }), v.object({ closed: v.boolean() }));
