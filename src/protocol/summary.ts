/**
 * The summary panel's and side view's protocol: the host sends one model of a document (the
 * Keras table, formulas, what the arithmetic view can demonstrate), the page asks to reveal
 * a layer's line, to switch model, and for what-if re-analyses at another input size.
 */
import type { SourceRange } from '../core/model/spec';
import type { ModelSummary } from '../core/shapes/types';
import { ModelSummarySchema, SeveritySchema, SourceRangeSchema } from './common';
import * as v from 'valibot';
import { Count, Int, message, messages, Ready, request, type Infer } from './define';
import { panelProtocol } from './panel';

export type { ModelSummary, SourceRange };

const Pair = v.tuple([v.pipe(Count, v.minValue(1)), v.pipe(Count, v.minValue(1))]);

/** What the convolution-arithmetic view needs of a Conv2D / pooling layer, read from its config. */
const ArithmeticConfigSchema = v.object({
  op: v.picklist(['conv', 'max', 'avg']),
  kernel: Pair,
  strides: Pair,
  padding: v.picklist(['valid', 'same']),
});
export type ArithmeticConfig = Infer<typeof ArithmeticConfigSchema>;

const SizeSchema = v.object({ height: v.pipe(Count, v.minValue(1)), width: v.pipe(Count, v.minValue(1)) });

const ModelPayloadSchema = v.object({
  /** Document uri (string form): persisted in webview state so a reload can re-attach. */
  uri: v.string(),
  fileName: v.string(),
  /** Names of every model in the file, for the picker. */
  modelNames: v.array(v.string()),
  model: ModelSummarySchema,
  /** Keyed by layer index; only layers the arithmetic view can demonstrate. */
  arithmetic: v.record(v.pipe(v.string(), v.regex(/^\d+$/)), ArithmeticConfigSchema),
  /** Height and width of the model's image input, when it has one: prefills the what-if fields. */
  inputSize: v.optional(SizeSchema),
  /** A saved model file's own facts ("Keras 3 (.keras) · Keras 3.12.0 · optimizer state saved · float32 weights"). */
  fileInfo: v.optional(v.string()),
  /** Whether the saved model can be exported from here (a TF.js layers model.json, as runs save them). */
  exportable: v.optional(v.boolean()),
  /** The generative recipe the model is part of ("VAE: encoder + decoder, latent 2 · this is the decoder"). */
  recipe: v.optional(v.string()),
  /** File-level and model diagnostics, for the list under the table. */
  diagnostics: v.array(v.object({ severity: SeveritySchema, message: v.string(), line: v.pipe(Count, v.minValue(1)) })),
});
export type ModelPayload = Infer<typeof ModelPayloadSchema>;

const SummaryViewSchema = v.picklist(['table', 'arithmetic', 'graph']);
export type SummaryView = Infer<typeof SummaryViewSchema>;

/** Positive whole pixel counts, bounded so a typo cannot ask for a 10⁹-pixel re-analysis. */
export const MAX_WHATIF_SIZE = 8192;
const WhatIfSize = v.pipe(Count, v.minValue(1), v.maxValue(MAX_WHATIF_SIZE));

/** Layer name → trainable, as the fine-tuning checkboxes set them. */
const TrainableFlagsSchema = v.record(v.string(), v.boolean());

export const summaryProtocol = panelProtocol({
  toWebview: messages(
    message('model', { payload: ModelPayloadSchema }),
    message('empty', { reason: v.string() }),
    message('focus', { view: SummaryViewSchema, layerIndex: v.optional(Int) }),
  ),
  toHost: messages(
    Ready,
    message('reveal', { range: SourceRangeSchema }),
    message('selectModel', { name: v.string() }),
    message('openSummary'),
    /** A saved model file's editor: train it on from its own weights, with the layers' trainable flags chosen in the table. */
    message('fineTune', { trainable: v.optional(TrainableFlagsSchema) }),
    /** A saved TF.js model's editor: export it (Keras 3 .keras or TF.js). */
    message('export'),
  ),
  /** The serializer reads it back after a window reload. */
  state: v.object({
    uri: v.string(),
    modelName: v.string(),
    view: v.optional(SummaryViewSchema),
    whatIf: v.optional(SizeSchema),
  }),
  requests: {
    /** The model re-analysed at another input height and width. */
    whatIf: request('whatIf', v.object({ height: WhatIfSize, width: WhatIfSize }), ModelSummarySchema),
    /** A model file's summary with these layers frozen or unfrozen (what fine-tuning would train). */
    trainable: request('trainable', v.object({ trainable: TrainableFlagsSchema }), ModelSummarySchema),
  },
});

export type SummaryHostMessage = Infer<typeof summaryProtocol.toWebview>;
export type SummaryWebviewMessage = Infer<typeof summaryProtocol.toHost>;
export type SummaryState = Infer<typeof summaryProtocol.state>;
