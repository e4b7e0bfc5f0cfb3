/**
 * A saved model made runnable: the TF.js model built from the file's config (the same builder
 * as for code), with the file's stored weights placed layer by layer, by the layer's name.
 * Keras and TF.js lay weights out alike (a Conv2D kernel is (kh, kw, in, out), a Dense kernel
 * (in, out), BatchNormalization gamma, beta, moving mean, moving variance), so each stored
 * array goes in as it is, after its shape is checked against the TF.js weight's.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { buildTfjsModel } from '../engine/build';
import { ModelConfigError } from './configToSpec';
import type { OpenedModelFile } from './open';
import type { StoredLayer } from './types';

type Tf = typeof tfjs;

/** Every layer with weights, nested models' layers included. */
function weightedLayers(model: tfjs.LayersModel): tfjs.layers.Layer[] {
  return model.layers.flatMap((l) => ('layers' in l ? weightedLayers(l as tfjs.LayersModel) : l.weights.length > 0 ? [l] : []));
}

/** Puts the stored weights into `model`; throws (one line) on a missing layer or a shape that differs. */
export function placeStoredWeights(tf: Tf, model: tfjs.LayersModel, stored: StoredLayer[]): number {
  const byName = new Map(stored.map((l) => [l.layer, l]));
  let placed = 0;
  for (const layer of weightedLayers(model)) {
    const entry = byName.get(layer.name);
    if (!entry) throw new ModelConfigError(`the file stores no weights for layer '${layer.name}'`);
    if (entry.weights.length !== layer.weights.length) {
      throw new ModelConfigError(`layer '${layer.name}' has ${layer.weights.length} weights, the file stores ${entry.weights.length}`);
    }
    const tensors = entry.weights.map((w, i) => {
      const want = layer.weights[i].shape;
      if (w.shape.length !== want.length || w.shape.some((d, k) => d !== want[k])) {
        throw new ModelConfigError(`layer '${layer.name}': stored ${w.path} is ${w.shape.join('×')}, the model's ${layer.weights[i].name} is ${want.join('×')}`);
      }
      return tf.tensor(w.values(), w.shape, 'float32');
    });
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    placed += tensors.length;
  }
  return placed;
}

/** The file's model in TF.js with its trained weights; the caller disposes it. */
export function loadStoredModel(tf: Tf, opened: OpenedModelFile): tfjs.LayersModel {
  const model = buildTfjsModel(tf, opened.spec);
  try {
    placeStoredWeights(tf, model, opened.file.weights);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
