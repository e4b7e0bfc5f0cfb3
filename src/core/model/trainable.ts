/**
 * Which layers learn when a model is fine-tuned: Keras' `layer.trainable = …` applied to a
 * spec, so the summary counts the frozen weights as non-trainable and the TF.js build keeps
 * them as they are. Setting a nested model's flag sets every layer inside it, as Keras'
 * `model.trainable = x` does (a base frozen in the file is unfrozen as a whole).
 */
import type { LayerSpec, ModelSpec } from './spec';

/** Layer name → trainable, for the layers whose flag the user chose. */
export type TrainableFlags = Record<string, boolean>;

function setLayer(layer: LayerSpec, trainable: boolean): LayerSpec {
  const config = { ...layer.config, trainable };
  if (!layer.nested) return { ...layer, config };
  return { ...layer, config, nested: setModel(layer.nested, trainable) };
}

function setModel(spec: ModelSpec, trainable: boolean): ModelSpec {
  const { trainable: _old, ...rest } = spec;
  return { ...rest, ...(trainable ? {} : { trainable: false }), layers: spec.layers.map((l) => setLayer(l, trainable)) };
}

/** The spec with the named top-level layers' trainable flags set; other layers as they were. */
export function withTrainable(spec: ModelSpec, flags: TrainableFlags): ModelSpec {
  if (Object.keys(flags).length === 0) return spec;
  return { ...spec, layers: spec.layers.map((l) => (Object.hasOwn(flags, l.name) ? setLayer(l, flags[l.name]) : l)) };
}

/**
 * Chollet's fine-tuning step, `--freeze-until LAYER`: that layer and every one before it
 * frozen, the rest as they were. Undefined when the model has no such layer.
 */
export function freezeUntil(spec: ModelSpec, layer: string): TrainableFlags | undefined {
  const last = spec.layers.findIndex((l) => l.name === layer);
  if (last < 0) return undefined;
  return Object.fromEntries(spec.layers.slice(0, last + 1).map((l) => [l.name, false]));
}
