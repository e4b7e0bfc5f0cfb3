/**
 * What the training loop feeds the model, beyond the data set: the ImageDataGenerator the
 * code's fit() trains on (Keras' transforms on 0–255 pixels, then its rescale), Keras'
 * augmentation layers that the input meets first, applied to every training batch (TF.js has
 * no such layers; the built model holds identities there, which is what they are at
 * inference), and the pixel scale the model expects (0–255 when it rescales its input
 * itself, 255 × rescale under a generator). See ../augment/plan.ts and ../augment/idg.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ConfigObject, FitSpec, LayerSpec, ModelSpec } from '../../model/spec';
import { augmentBatch, describeAugmentation, readAugmentation, type AugmentationStep, type BrightnessStep, type ContrastStep } from '../augment/ops';
import { inputPipeline } from '../augment/plan';
import { transformBatch, type IdgBatch } from '../augment/idg/batch';
import { formatRescale, idgSettings, type IdgSettings } from '../augment/idg/random';
import { mulberry32, subSeed, type Rng } from '../data/rng';
import { DataError } from '../data/types';
import { flowSettings } from './flowSettings';
import type { GeneratorAugmentation } from './types';

type Tf = typeof tfjs;

export interface TrainingInput {
  /** Augmentation applied per training batch, in the model's order. */
  steps: AugmentationStep[];
  /** The layers those steps stand for (their identity stand-ins need no warning). */
  applied: ReadonlySet<LayerSpec>;
  /** The ImageDataGenerator applied to every training batch before the steps, when fit() trains on one. */
  generator?: { name: string; settings: IdgSettings };
  /** Multiplies the data set's [0, 1] values: 255 for models that rescale raw pixels, 255 × rescale under a generator. */
  pixelScale: number;
  /** The same for training batches before augmentation: 255 under a generator, whose transforms work on pixel values (its rescale comes after). */
  trainPixelScale: number;
  /** Lines for the training log, said once before training. */
  notes: string[];
  /** The notes about the model rather than the run (layers left as identities, raw-pixel input), for previews. */
  modelNotes: string[];
  /** For report.json. */
  summary: { pixelScale: number; augmentation: string[] };
}

/**
 * The ImageDataGenerator the code's fit() trains on (directly or through flow_from_directory /
 * flow), as training settings: its options, and the iterators given as training and validation
 * data (their target_size, color_mode and class_mode are checked against the model, see
 * ./flowSettings.ts), with a note where the run differs from Keras' fit(): validation gets the
 * training generator's rescale.
 */
export function fitGenerator(fit: FitSpec | undefined): GeneratorAugmentation | undefined {
  const g = fit?.data?.generator;
  if (!g) return undefined;
  const notes: string[] = [];
  const rescale = (config: ConfigObject | undefined): number => (typeof config?.['rescale'] === 'number' && config['rescale'] !== 0 ? config['rescale'] : 1);
  const validation = fit.validationData?.generator;
  if (validation && rescale(validation.config) !== rescale(g.config)) {
    notes.push(`validation images get ${g.name}'s rescale (${formatRescale(rescale(g.config))}), not ${validation.name}'s (${formatRescale(rescale(validation.config))})`);
  }
  const flow = flowSettings(g);
  const validationFlow = flowSettings(validation);
  return { name: g.name, config: g.config, ...(notes.length > 0 ? { notes } : {}), ...(flow ? { flow } : {}), ...(validationFlow ? { validationFlow } : {}) };
}

/** `rotation_range=60, zoom_range=0.2, ...`: the options as the code gives them, for the log and report.json. */
export function describeGenerator(g: GeneratorAugmentation): string {
  const show = (k: string, v: unknown): string => (k === 'rescale' && typeof v === 'number' ? formatRescale(v) : JSON.stringify(v));
  const options = Object.entries(g.config).map(([k, v]) => `${k}=${show(k, v)}`).join(', ');
  return `${g.name} (ImageDataGenerator): ${options || 'no options'}`;
}

function readGenerator(g: GeneratorAugmentation): { name: string; settings: IdgSettings } {
  try {
    return { name: g.name, settings: idgSettings(g.config) };
  } catch (e) {
    throw new DataError(`ImageDataGenerator '${g.name}': ${(e as Error).message}`);
  }
}

export function prepareTrainingInput(spec: ModelSpec, generatorOptions?: GeneratorAugmentation): TrainingInput {
  const pipeline = inputPipeline(spec);
  const generator = generatorOptions && readGenerator(generatorOptions);
  const steps: AugmentationStep[] = [];
  const applied = new Set<LayerSpec>();
  const unsupported: string[] = [];
  for (const layer of pipeline.augmentations) {
    const step = readAugmentation(layer);
    if ('unsupported' in step) {
      unsupported.push(`${layer.name} (${layer.className}): ${step.unsupported}; it trains as an identity (no augmentation)`);
      continue;
    }
    steps.push(step);
    applied.add(layer);
  }
  // Keras' RandomBrightness / RandomContrast clip to value_range, by default (0, 255): a model
  // without a Rescaling that keeps that default takes 0–255 pixels (as image_dataset_from_directory
  // gives them); [0, 1] images would be flattened to black or white by the clipping.
  const clipsToPixels = (s: AugmentationStep): s is BrightnessStep | ContrastStep =>
    (s.className === 'RandomBrightness' || s.className === 'RandomContrast') && s.valueRange[1] > 1.5;
  const rangeStep = pipeline.pixelScale === 1 && !generator ? steps.find(clipsToPixels) : undefined;
  // Under a generator Keras feeds the model what the generator makes: pixels × rescale, whatever the model does next.
  const pixelScale = generator ? 255 * generator.settings.rescale : rangeStep ? 255 : pipeline.pixelScale;
  const augmentation = [...(generatorOptions ? [describeGenerator(generatorOptions)] : []), ...steps.map((s) => `${s.name}: ${describeAugmentation(s)}`)];
  const applying = augmentation.length > 0 ? [`data augmentation on every training batch (not on validation or test): ${augmentation.join('; ')}`] : [];
  const rawPixels = generator ? [] : pipeline.pixelScale === 255 && pipeline.rescaling
    ? [`${pipeline.rescaling.name} (${pipeline.rescaling.className}) expects raw pixels: images go in as 0–255 values, as Keras' image_dataset_from_directory gives them`]
    : rangeStep
      ? [`${rangeStep.name} (${rangeStep.className}) works on value_range (${rangeStep.valueRange.join(', ')}): images go in as 0–255 values, as Keras' image_dataset_from_directory gives them`]
      : [];
  const modelNotes = [...unsupported, ...rawPixels];
  const notes = [...unsupported, ...applying, ...(generatorOptions?.notes ?? []), ...rawPixels];
  return { generator, steps, applied, pixelScale, trainPixelScale: generator ? 255 : pixelScale, notes, modelNotes, summary: { pixelScale, augmentation } };
}

/** The draws of one training batch: a stream of its own per epoch and batch, from the run's seed. */
export function generatorRng(runSeed: number, epoch: number, batch: number): Rng {
  return mulberry32(subSeed(subSeed(runSeed, 0x1d6 + epoch), batch));
}

/** A training batch (0–255 pixels, NHWC) through the run's generator: the model's input and each image's draw. */
export function generatorBatch(input: TrainingInput, pixels: Float32Array, shape: readonly [number, number, number, number], runSeed: number, epoch: number, batch: number): IdgBatch | undefined {
  return input.generator && transformBatch(pixels, shape, input.generator.settings, generatorRng(runSeed, epoch, batch));
}

/**
 * The training batch the model sees: `raw` (at trainPixelScale) through the generator, then
 * the augmentation layers, each with a seed of its own (so every epoch and batch differs,
 * and a run is reproducible from its seed). Returns `raw` itself when there is nothing to
 * apply; otherwise a new tensor (the caller disposes both).
 */
export function trainingBatch(tf: Tf, input: TrainingInput, raw: tfjs.Tensor4D, runSeed: number, epoch: number, batch: number): tfjs.Tensor4D {
  const generated = input.generator && generatorBatch(input, raw.dataSync() as Float32Array, raw.shape, runSeed, epoch, batch);
  const x = generated ? tf.tensor4d(generated.data, raw.shape) : raw;
  if (input.steps.length === 0) return x;
  try {
    return augmentBatch(tf, x, input.steps, subSeed(subSeed(runSeed, 0x4155 + epoch), batch));
  } finally {
    if (x !== raw) x.dispose();
  }
}
