/**
 * Errors raised while turning a ModelSpec into a TF.js model. Each names the layer (by its
 * Keras name and class) so the editor and CLI can point at the offending line.
 */

import type { LayerSpec } from '../model/spec';

/** Base class: any reason a ModelSpec cannot be built with TF.js. */
export class BuildError extends Error {
  /** The layer at fault, when there is one. */
  readonly layer?: LayerSpec;

  constructor(message: string, layer?: LayerSpec) {
    super(message);
    this.name = 'BuildError';
    this.layer = layer;
  }
}

/** A Keras layer class TF.js has no equivalent of (Subtract, RandomFlip, ...). */
export class UnsupportedLayerError extends BuildError {
  readonly className: string;

  constructor(layer: LayerSpec, reason?: string) {
    super(
      `${layer.className} (layer '${layer.name}') cannot be built with TF.js: ` +
        (reason ?? `TF.js has no ${layer.className} layer.`),
      layer,
    );
    this.name = 'UnsupportedLayerError';
    this.className = layer.className;
  }
}

/** A layer TF.js has, but with an argument value TF.js does not implement (Conv1D padding='causal', ...). */
export class UnsupportedConfigError extends BuildError {
  readonly key: string;

  constructor(layer: LayerSpec, key: string, reason: string) {
    super(`${layer.className} (layer '${layer.name}'), argument '${key}': ${reason}`, layer);
    this.name = 'UnsupportedConfigError';
    this.key = key;
  }
}

/** The reader could not determine the layer or one of its argument values statically. */
export class UnresolvedLayerError extends BuildError {
  constructor(layer: LayerSpec, reason: string) {
    super(`Layer '${layer.name}' (${layer.className}) could not be read statically: ${reason}`, layer);
    this.name = 'UnresolvedLayerError';
  }
}
