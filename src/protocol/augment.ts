/**
 * The augmentation preview panel's protocol: the host sends what the model's augmentation
 * layers do to one image (as PNG data URLs computed in a worker), the panel asks for another
 * draw, another image or an image file.
 */
import * as v from 'valibot';
import { SAMPLE_SOURCES } from '../core/engine/data/catalog';
import { message, messages, PngDataUrl, Ready, type Infer } from './define';
import { panelProtocol } from './panel';

/** Where the next image comes from: the dataset registry's preview sources. */
const SampleSourceSchema = v.picklist(SAMPLE_SOURCES);
export type SampleSource = Infer<typeof SampleSourceSchema>;

const Positive = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** One parameter of an ImageDataGenerator draw: Keras' key (theta, tx, zx, flip_horizontal, ...) and the value drawn. */
const DrawParameterSchema = v.object({
  key: v.picklist(['theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'flip_horizontal', 'flip_vertical', 'channel_shift_intensity', 'brightness']),
  value: v.string(),
});

const AugmentViewSchema = v.object({
  /** A model's augmentation layers, or an ImageDataGenerator's transforms. */
  kind: v.picklist(['model', 'generator']),
  /** The model's or the generator's variable name. */
  model: v.string(),
  /** The model's document (a URI string): persisted, so the panel comes back after a reload. */
  uri: v.string(),
  fileName: v.string(),
  /** One sentence per augmentation layer, in order ('random_flip: mirrors left-right …'). */
  steps: v.array(v.string()),
  /** Layers that cannot be previewed (and train as identities), and other remarks. */
  notes: v.array(v.string()),
  /** The model's input, H×W×C. */
  inputShape: v.tuple([Positive, Positive, Positive]),
  /** 255 when the model takes 0–255 pixels (it rescales them itself). */
  pixelScale: v.number(),
  sample: v.object({ source: SampleSourceSchema, label: v.string() }),
  /** The image as the model gets it, then one per random draw. */
  original: PngDataUrl,
  augmented: v.array(PngDataUrl),
  /** A generator's draws: each picture's parameters, index-aligned with `augmented`. */
  draws: v.optional(v.array(v.array(DrawParameterSchema))),
  seed: v.number(),
});
export type AugmentView = Infer<typeof AugmentViewSchema>;

export const augmentProtocol = panelProtocol({
  toWebview: messages(
    message('preview', { view: AugmentViewSchema }),
    message('busy', { what: v.string() }),
    message('error', { message: v.string() }),
  ),
  toHost: messages(
    Ready,
    /** New random draws for the same image. */
    message('shuffle'),
    /** The next image of a source ('file' opens a file picker). */
    message('sample', { source: SampleSourceSchema }),
    message('reveal'),
  ),
  state: v.object({ uri: v.string(), model: v.string(), seed: v.pipe(v.number(), v.safeInteger()) }),
  requests: {},
});

export type AugmentHostMessage = Infer<typeof augmentProtocol.toWebview>;
export type AugmentWebviewMessage = Infer<typeof augmentProtocol.toHost>;
export type AugmentState = Infer<typeof augmentProtocol.state>;
