/**
 * What the training loop feeds the model, beyond the data set: Keras' augmentation layers
 * that the input meets first, applied to every training batch (TF.js has no such layers; the
 * built model holds identities there, which is what they are at inference), and the pixel
 * scale the model expects (0–255 when it rescales its input itself). See ../augment/plan.ts.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LayerSpec, ModelSpec } from '../../model/spec';
import { augmentBatch, describeAugmentation, readAugmentation, type AugmentationStep, type BrightnessStep, type ContrastStep } from '../augment/ops';
import { inputPipeline } from '../augment/plan';
import { subSeed } from '../data/rng';

type Tf = typeof tfjs;

export interface TrainingInput {
  /** Augmentation applied per training batch, in the model's order. */
  steps: AugmentationStep[];
  /** The layers those steps stand for (their identity stand-ins need no warning). */
  applied: ReadonlySet<LayerSpec>;
  /** Multiplies the data set's [0, 1] values: 255 for models that rescale raw pixels. */
  pixelScale: 1 | 255;
  /** Lines for the training log, said once before training. */
  notes: string[];
  /** The notes about the model rather than the run (layers left as identities, raw-pixel input), for previews. */
  modelNotes: string[];
  /** For report.json. */
  summary: { pixelScale: number; augmentation: string[] };
}

export function prepareTrainingInput(spec: ModelSpec): TrainingInput {
  const pipeline = inputPipeline(spec);
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
  const rangeStep = pipeline.pixelScale === 1 ? steps.find(clipsToPixels) : undefined;
  const pixelScale: 1 | 255 = rangeStep ? 255 : pipeline.pixelScale;
  const augmentation = steps.map((s) => `${s.name}: ${describeAugmentation(s)}`);
  const applying = augmentation.length > 0 ? [`data augmentation on every training batch (not on validation or test): ${augmentation.join('; ')}`] : [];
  const rawPixels = pipeline.pixelScale === 255 && pipeline.rescaling
    ? [`${pipeline.rescaling.name} (${pipeline.rescaling.className}) expects raw pixels: images go in as 0–255 values, as Keras' image_dataset_from_directory gives them`]
    : rangeStep
      ? [`${rangeStep.name} (${rangeStep.className}) works on value_range (${rangeStep.valueRange.join(', ')}): images go in as 0–255 values, as Keras' image_dataset_from_directory gives them`]
      : [];
  const modelNotes = [...unsupported, ...rawPixels];
  const notes = [...unsupported, ...applying, ...rawPixels];
  return { steps, applied, pixelScale, notes, modelNotes, summary: { pixelScale, augmentation } };
}

/**
 * The training batch the model sees: `raw` augmented with a seed of its own (so every epoch
 * and batch differs, and a run is reproducible from its seed). Returns `raw` itself when
 * there is nothing to apply; otherwise a new tensor (the caller disposes both).
 */
export function trainingBatch(tf: Tf, input: TrainingInput, raw: tfjs.Tensor4D, runSeed: number, epoch: number, batch: number): tfjs.Tensor4D {
  if (input.steps.length === 0) return raw;
  return augmentBatch(tf, raw, input.steps, subSeed(subSeed(runSeed, 0x4155 + epoch), batch));
}
