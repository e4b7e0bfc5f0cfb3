/**
 * The latent-space panel's protocol: the host sends the VAE or GAN run it explores (its
 * history, a 2-D VAE's manifold and scatter) and the runs to choose from; the page asks for
 * points decoded to images (live decoding on hover, sliders, interpolation, concept vectors)
 * and for seeded random samples (a GAN's reseed). The overview's schema is shared with the
 * visualization worker, which computes it.
 */
import * as v from 'valibot';
import type { LatentOverview } from '../core/generative/overviewTypes';
import { Count, message, messages, Num, PngDataUrl, Ready, request, type Infer } from './define';
import { RunChoiceSchema, SampleRequestSchema } from './inspect';
import { panelProtocol } from './panel';

const Positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const Point = v.array(Num);
/** At most a 40 × 40 grid per request: decoding is quick, but a page must not ask for millions. */
const Points = v.pipe(v.array(Point), v.minLength(1), v.maxLength(1600));

export const LatentOverviewSchema: v.GenericSchema<LatentOverview> = v.object({
  source: v.string(),
  title: v.string(),
  kind: v.picklist(['vae', 'gan']),
  latentDim: Positive,
  imageShape: v.tuple([Positive, Positive, Positive]),
  status: v.string(),
  epochsCompleted: Count,
  dataName: v.string(),
  classNames: v.array(v.string()),
  history: v.array(v.object({ epoch: Positive, logs: v.record(v.string(), v.union([v.number(), v.nan()])), samples: v.nullable(PngDataUrl) })),
  manifold: v.optional(v.object({ image: PngDataUrl, axis: v.array(Num), cell: Positive })),
  scatter: v.optional(v.object({ points: v.array(Point), labels: v.array(Count) })),
});

export const DecodedSchema = v.object({ images: v.array(PngDataUrl) });

export const latentProtocol = panelProtocol({
  toWebview: messages(
    message('overview', {
      view: LatentOverviewSchema,
      runs: v.array(RunChoiceSchema),
      /** The document (uri) and a model of the recipe, kept in the page's state for a reload. */
      document: v.optional(v.object({ uri: v.string(), modelName: v.string() })),
    }),
    message('loading', { what: v.string() }),
    message('error', { message: v.string() }),
  ),
  toHost: messages(Ready, message('selectRun', { source: v.string() }), message('reveal')),
  state: v.object({ source: v.string(), uri: v.optional(v.string()), modelName: v.optional(v.string()) }),
  requests: {
    decode: request('decode', v.object({ points: Points }), DecodedSchema),
    /** A VAE's latent mean of one image (an MNIST digit, a synthetic shape, a file), for interpolation ends. */
    encode: request('encode', v.object({ image: SampleRequestSchema }), v.object({ z: v.array(Num), label: v.string() })),
    samples: request('samples', v.object({ count: v.pipe(Positive, v.maxValue(64)), seed: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) }), v.object({ points: v.array(Point), images: v.array(PngDataUrl) })),
  },
});

export type LatentHostMessage = Infer<typeof latentProtocol.toWebview>;
export type LatentWebviewMessage = Infer<typeof latentProtocol.toHost>;
