/**
 * Augmentation preview of a Keras ImageDataGenerator (the legacy augmentation API): `count`
 * draws of get_random_transform applied to one image as apply_transform does, next to the
 * original, each with its parameters under Keras' keys (theta, tx, ty, shear, zx, zy,
 * flip_horizontal, flip_vertical, channel_shift_intensity, brightness). It runs the code
 * training runs (../engine/augment/idg/batch.ts), on 0–255 pixels; pictures are shown before
 * the generator's rescale, which only scales them. Plain TypeScript: no TF.js.
 */
import type { DataGeneratorSpec, ModelSpec } from '../model/spec';
import { transformEach } from '../engine/augment/idg/batch';
import { formatRescale, idgSettings, type IdgSettings } from '../engine/augment/idg/random';
import type { IdgParams } from '../engine/augment/idg/transform';
import type { SampleRequest } from '../engine/data/catalog';
import { loadSample } from '../engine/data/registry';
import { mulberry32 } from '../engine/data/rng';
import type { KerasResize } from '../engine/data/folder';
import { isKerasInterpolation } from '../engine/data/pilResize';
import { DataError, type ImageShape } from '../engine/data/types';
import { describeGenerator } from '../engine/train/trainingInput';
import type { GeneratorAugmentation } from '../engine/train/types';
import { checkCount, checkSeed, previewInputShape } from './augmentPreview';
import { pngDataUrl } from './png';

export interface GeneratorPreviewRequest {
  generator: GeneratorAugmentation;
  /** H×W×C the image is shown and transformed at (see generatorImageShape). */
  inputShape: [number, number, number];
  /** An image file is resized as the generator's flow_from_directory loads it (see generatorImageShape); absent: sharp's resize. */
  resize?: KerasResize;
  sample: SampleRequest;
  count: number;
  seed: number;
}

/** One parameter of a draw, as shown next to its picture: Keras' key and the value drawn. */
export interface DrawParameter {
  key: keyof IdgParams;
  value: string;
}

export interface GeneratorPreview {
  generator: string;
  /** The generator's options, one line (as the training log says them). */
  steps: string[];
  notes: string[];
  inputShape: [number, number, number];
  sample: { label: string };
  original: string;
  augmented: string[];
  /** Each draw's parameters, index-aligned with `augmented`. */
  draws: DrawParameter[][];
  seed: number;
}

/** The parameters the generator's options draw (a rotation_range gives theta, ...): the others are always identity. */
export function drawParameters(p: IdgParams, s: IdgSettings): DrawParameter[] {
  const out: DrawParameter[] = [];
  const add = (key: keyof IdgParams, on: boolean, value: string): void => { if (on) out.push({ key, value }); };
  const shifts = (r: IdgSettings['widthShiftRange']): boolean => (Array.isArray(r) ? r.length > 0 : r !== 0);
  add('theta', s.rotationRange !== 0, `${p.theta.toFixed(1)}°`);
  add('tx', shifts(s.heightShiftRange), `${p.tx.toFixed(1)} px`);
  add('ty', shifts(s.widthShiftRange), `${p.ty.toFixed(1)} px`);
  add('shear', s.shearRange !== 0, `${p.shear.toFixed(1)}°`);
  const zooms = !(s.zoomRange[0] === 1 && s.zoomRange[1] === 1);
  add('zx', zooms, p.zx.toFixed(3));
  add('zy', zooms, p.zy.toFixed(3));
  add('flip_horizontal', s.horizontalFlip, p.flip_horizontal ? 'yes' : 'no');
  add('flip_vertical', s.verticalFlip, p.flip_vertical ? 'yes' : 'no');
  add('channel_shift_intensity', p.channel_shift_intensity !== null, (p.channel_shift_intensity ?? 0).toFixed(1));
  add('brightness', p.brightness !== null, (p.brightness ?? 1).toFixed(3));
  return out;
}

/**
 * How the generator's flow_from_directory resizes its images (Keras' load_img: its
 * interpolation and keep_aspect_ratio); undefined without such a call, or when ConvLens cannot
 * read them (the preview then resizes with sharp, as for any image).
 */
function flowResize(gen: DataGeneratorSpec): KerasResize | undefined {
  const flow = gen.flows.find((f) => f.method === 'flow_from_directory');
  const interpolation = flow?.interpolation ?? 'nearest';
  const keep = flow?.keepAspectRatio ?? false;
  if (!flow || typeof interpolation !== 'string' || !isKerasInterpolation(interpolation) || typeof keep !== 'boolean') return undefined;
  return { interpolation, keepAspectRatio: keep };
}

/**
 * The size a generator's preview works at: the input of a model whose fit() trains on it,
 * else its flow_from_directory target_size and color_mode, else Keras' default target_size;
 * and how its flow_from_directory resizes an image file to it.
 */
export function generatorImageShape(gen: DataGeneratorSpec, specs: readonly ModelSpec[]): { shape: [number, number, number]; note: string; resize?: KerasResize } {
  const resize = flowResize(gen);
  const withResize = <T extends object>(r: T): T & { resize?: KerasResize } => (resize ? { ...r, resize } : r);
  for (const spec of specs) {
    if (spec.fit?.data?.generator?.name !== gen.name) continue;
    try {
      return withResize({ shape: previewInputShape(spec), note: `shown at the input size of ${spec.name}, which trains on ${gen.name}` });
    } catch {
      // A model whose input is not a fixed-size image: fall back to the flow's size.
    }
  }
  const flow = gen.flows.find((f) => f.targetSize);
  const channels = gen.flows.find((f) => f.colorMode)?.colorMode === 'grayscale' ? 1 : 3;
  if (flow?.targetSize) return withResize({ shape: [flow.targetSize[0], flow.targetSize[1], channels], note: `shown at the target_size of ${flow.name ?? `${gen.name}.${flow.method}`}` });
  return { shape: [256, 256, channels], note: `no model or flow_from_directory gives ${gen.name} an image size: shown at Keras' default target_size (256, 256)` };
}

export async function generatorPreview(req: GeneratorPreviewRequest): Promise<GeneratorPreview> {
  const count = checkCount(req.count);
  const seed = checkSeed(req.seed);
  let settings: IdgSettings;
  try {
    settings = idgSettings(req.generator.config);
  } catch (e) {
    throw new DataError(`ImageDataGenerator '${req.generator.name}': ${(e as Error).message}`);
  }
  const shape: ImageShape = req.inputShape;
  const [h, w, c] = shape;
  const sample = await loadSample(req.sample, shape, req.resize);
  const notes = sample.note ? [sample.note] : [];
  if (settings.rescale !== 1) notes.push(`pictures are shown before rescale=${formatRescale(settings.rescale)}, which only scales the values the model gets`);
  // Keras transforms pixel values (0–255); the loaders give [0, 1].
  const pixels = sample.pixels.map((v) => v * 255);
  const batch = transformEach(count, () => pixels, shape, settings, mulberry32(seed));
  const size = h * w * c;
  const unit = 255 * settings.rescale;
  const augmented = await Promise.all(batch.params.map((_, i) => {
    const image = batch.data.subarray(i * size, (i + 1) * size).map((v) => Math.min(1, Math.max(0, v / unit)));
    return pngDataUrl(image, h, w, c as 1 | 3);
  }));
  return {
    generator: req.generator.name,
    steps: [describeGenerator(req.generator)],
    notes,
    inputShape: [h, w, c],
    sample: { label: sample.label },
    original: await pngDataUrl(sample.pixels, h, w, c as 1 | 3),
    augmented,
    draws: batch.params.map((p) => drawParameters(p, settings)),
    seed,
  };
}
