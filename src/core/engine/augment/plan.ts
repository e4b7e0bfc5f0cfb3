/**
 * What a model does to its input before its first trainable layer, read from the spec:
 * the Keras augmentation layers it applies first (RandomFlip, RandomRotation, ... — directly,
 * or as a nested `data_augmentation` Sequential, as in Chollet's cats-vs-dogs model) and
 * whether it rescales raw pixels itself (`Rescaling(1./255)` or `preprocess_input` next).
 *
 * Why the training loop needs this: TF.js has no augmentation layers, so the model is built
 * with identity stand-ins (correct at inference) and the loop applies the augmentation to
 * each training batch instead, which is the same computation as long as nothing else sees
 * the input first: hence only a chain that starts at the model's single input and never
 * branches. And a model that rescales its input expects 0–255 pixels, as Keras'
 * image_dataset_from_directory gives them, not the [0, 1] values the loaders produce.
 */
import { AUGMENTATION_CLASSES } from '../../model/catalog';
import type { LayerSpec, ModelSpec } from '../../model/spec';
import { isUnknown } from '../../model/spec';

export interface InputPipeline {
  /** The augmentation layers the input goes through first, in order (nested models flattened). */
  augmentations: LayerSpec[];
  /** 255 when the first layer after them is a Rescaling that maps 0–255 pixels down; else 1. */
  pixelScale: 1 | 255;
  /** That layer (Rescaling or preprocess_input), for messages. */
  rescaling?: LayerSpec;
}

/** The layers the model's input flows through one after the other, up to the first branch. */
export function frontChain(spec: ModelSpec): LayerSpec[] {
  const chain: LayerSpec[] = [];
  walk(spec, chain);
  return chain;
}

/** Appends `spec`'s front chain; returns true when it covered the whole model (so the caller may go on). */
function walk(spec: ModelSpec, chain: LayerSpec[]): boolean {
  // A Sequential is one chain from start to end.
  const covered = spec.kind === 'sequential' ? { layers: spec.layers, whole: true } : functionalChain(spec);
  for (const layer of covered.layers) {
    if (layer.className === 'InputLayer') continue;
    if (layer.nested) {
      if (!walk(layer.nested, chain)) return false;
      continue;
    }
    chain.push(layer);
  }
  return covered.whole;
}

/** From the single input, follow each layer's only consumer while it has exactly one input. */
function functionalChain(spec: ModelSpec): { layers: LayerSpec[]; whole: boolean } {
  if (spec.inputs.length !== 1 || spec.outputs.length !== 1) return { layers: [], whole: false };
  const consumers = new Map<number, number[]>();
  spec.layers.forEach((l, i) => l.inbound.forEach((from) => consumers.set(from, [...(consumers.get(from) ?? []), i])));
  const layers: LayerSpec[] = [];
  let at = spec.inputs[0];
  for (;;) {
    layers.push(spec.layers[at]);
    if (at === spec.outputs[0]) return { layers, whole: layers.length === spec.layers.length };
    const next = consumers.get(at) ?? [];
    if (next.length !== 1 || spec.layers[next[0]].inbound.length !== 1 || spec.layers[next[0]].sharedWith !== undefined) {
      return { layers, whole: false };
    }
    at = next[0];
  }
}

/**
 * A layer that expects 0–255 pixels: a Rescaling whose scale takes them to about [0, 1] or
 * [-1, 1], or a keras.applications preprocess_input (VGG's subtracts ImageNet's mean pixel).
 */
function rescalesPixels(layer: LayerSpec): boolean {
  if (layer.className === 'PreprocessInput') return true;
  if (layer.className !== 'Rescaling') return false;
  const scale = layer.config['scale'];
  return typeof scale === 'number' && !isUnknown(scale) && scale > 0 && scale * 255 <= 2.01;
}

export function inputPipeline(spec: ModelSpec): InputPipeline {
  const chain = frontChain(spec);
  const augmentations: LayerSpec[] = [];
  let i = 0;
  while (i < chain.length && AUGMENTATION_CLASSES.has(chain[i].className)) augmentations.push(chain[i++]);
  const next = chain[i];
  return next && rescalesPixels(next) ? { augmentations, pixelScale: 255, rescaling: next } : { augmentations, pixelScale: 1 };
}
