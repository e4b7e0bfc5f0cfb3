/** Counting conventions shared by the CodeLens, the panels and the CLI. */
import type { ModelSummary } from './types';

/**
 * Layers as the user wrote them: a functional model's Input rows are not layers they added, and
 * a layer (or model) applied twice is one layer, as in Keras' `model.layers`.
 */
export function layerCount(model: ModelSummary): number {
  return model.layers.filter((l) => l.className !== 'InputLayer' && l.sharedWith === undefined).length;
}
