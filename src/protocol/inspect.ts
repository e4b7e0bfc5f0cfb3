/**
 * The inspection panel's protocol ("what the convnet sees"): the host sends the trained model
 * it inspects (layers, classes, preprocessing) and the runs to choose from; the page asks
 * for a prediction, a layer's feature maps, a Grad-CAM heatmap, filter patterns (one by one,
 * as progress) and the first layer's kernels, each for the image it shows. The schemas of
 * those answers are shared with the visualization worker, which computes them.
 */
import * as v from 'valibot';
import { INDEXED_SAMPLE_SOURCES, type SampleRequest } from '../core/engine/data/catalog';
import type {
  ChannelMap, ClassScore, FilterPattern, FilterRequest, GradCamResult, InspectLayer, InspectModelInfo, KernelImages, LayerActivations, Prediction,
} from '../core/viz/inspect/types';
import { Count, message, messages, Num, PngDataUrl, Ready, request, type Infer } from './define';
import { panelProtocol } from './panel';

const Positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** One image: the k-th of a data set that is sampled by index, or an image file. */
export const SampleRequestSchema: v.GenericSchema<SampleRequest> = v.variant('kind', [
  v.object({ kind: v.picklist(INDEXED_SAMPLE_SOURCES), index: Count }),
  v.object({ kind: v.literal('file'), path: v.pipe(v.string(), v.minLength(1)) }),
]);

const LayerSchema: v.GenericSchema<InspectLayer> = v.object({
  name: v.string(),
  className: v.string(),
  shape: v.nullable(v.array(v.nullable(v.number()))) as v.GenericSchema<number[] | null>,
  kind: v.picklist(['conv', 'pool', 'other']),
  parent: v.optional(v.string()),
  formula: v.optional(v.string()),
});

export const InspectModelInfoSchema: v.GenericSchema<InspectModelInfo> = v.object({
  source: v.string(),
  modelName: v.string(),
  input: v.object({ height: Positive, width: Positive, channels: Positive }),
  pixelScale: Num,
  preprocessing: v.array(v.string()),
  classNames: v.array(v.string()),
  trainedOn: v.optional(v.string()),
  dataFolder: v.optional(v.string()),
  layers: v.array(LayerSchema),
  lastConvLayer: v.nullable(v.string()),
  backend: v.string(),
});

const ClassScoreSchema: v.GenericSchema<ClassScore> = v.object({ index: Count, label: v.string(), probability: v.number() });

export const PredictionSchema: v.GenericSchema<Prediction> = v.object({ image: PngDataUrl, label: v.string(), top: v.array(ClassScoreSchema) });

const ChannelMapSchema: v.GenericSchema<ChannelMap> = v.object({
  index: Count, min: v.number(), mean: v.number(), max: v.number(), dead: v.boolean(), image: PngDataUrl,
});

export const LayerActivationsSchema: v.GenericSchema<LayerActivations> = v.object({
  layer: LayerSchema,
  shape: v.tuple([Positive, Positive, Positive]),
  channels: v.array(ChannelMapSchema),
});

export const GradCamResultSchema: v.GenericSchema<GradCamResult> = v.object({
  layer: v.string(),
  predicted: ClassScoreSchema,
  target: ClassScoreSchema,
  heatmap: v.object({ width: Positive, height: Positive, values: v.array(v.array(v.number())) }),
  peak: v.object({ x: Count, y: Count }),
  heatmapImage: PngDataUrl,
  overlayImage: PngDataUrl,
});

export const FilterRequestSchema: v.GenericSchema<FilterRequest> = v.object({
  layer: v.string(),
  filters: v.pipe(v.array(Count), v.minLength(1), v.maxLength(256)),
  steps: v.pipe(Count, v.minValue(1), v.maxValue(1000)),
  seed: v.pipe(v.number(), v.safeInteger()),
});

/** A pattern image in a page is a PNG data URL (on the command line it is a file path instead). */
export const FilterPatternSchema: v.GenericSchema<FilterPattern> = v.object({ index: Count, image: PngDataUrl, activation: v.number(), startActivation: v.number() });

export const KernelImagesSchema: v.GenericSchema<KernelImages> = v.object({
  layer: v.string(),
  shape: v.tuple([Positive, Positive, Positive]),
  images: v.array(PngDataUrl),
});

/** A run the panel can switch to. */
export const RunChoiceSchema = v.object({
  source: v.string(),
  /** '2026-12-03 08:12 · val acc 97.6%'. */
  label: v.string(),
});
export type RunChoice = Infer<typeof RunChoiceSchema>;

const TabSchema = v.picklist(['activations', 'filters', 'gradcam']);
export type InspectTab = Infer<typeof TabSchema>;

export const inspectProtocol = panelProtocol({
  toWebview: messages(
    /** The model now inspected (after the panel opened, or another run was chosen). */
    message('model', {
      info: InspectModelInfoSchema,
      runs: v.array(RunChoiceSchema),
      image: SampleRequestSchema,
      /** The document (uri) and model the run belongs to, kept in the page's state for a reload. */
      document: v.optional(v.object({ uri: v.string(), modelName: v.string() })),
    }),
    message('loading', { what: v.string() }),
    message('error', { message: v.string() }),
    message('focus', { tab: TabSchema }),
  ),
  toHost: messages(Ready, message('selectRun', { source: v.string() }), message('reveal')),
  state: v.object({
    source: v.string(),
    /** The document whose model this is (for the Inspect CodeLens and reveal), when known. */
    uri: v.optional(v.string()),
    modelName: v.optional(v.string()),
    tab: v.optional(TabSchema),
    image: v.optional(SampleRequestSchema),
    layer: v.optional(v.string()),
  }),
  requests: {
    predict: request('predict', v.object({ image: SampleRequestSchema }), PredictionSchema),
    activations: request('activations', v.object({ image: SampleRequestSchema, layer: v.string() }), LayerActivationsSchema),
    gradcam: request('gradcam', v.object({ image: SampleRequestSchema, classIndex: v.optional(Count), layer: v.optional(v.string()) }), GradCamResultSchema),
    /** Patterns arrive one by one as progress; aborting the request stops the ascent. */
    filters: request('filters', FilterRequestSchema, v.object({ count: Count }), FilterPatternSchema),
    kernels: request('kernels', v.object({}), v.nullable(KernelImagesSchema)),
    /** Opens a file dialog (in the run's image folder when it has one); null when cancelled. */
    chooseImageFile: request('chooseImageFile', v.object({}), v.nullable(SampleRequestSchema)),
  },
});

export type InspectHostMessage = Infer<typeof inspectProtocol.toWebview>;
export type InspectWebviewMessage = Infer<typeof inspectProtocol.toHost>;
export type InspectState = Infer<typeof inspectProtocol.state>;
