/**
 * Results of the shape engine: what Keras' `model.summary()` would print, plus the
 * arithmetic behind every number and the problems found on the way.
 */
import type { Diagnostic, SourceRange } from '../model/spec';

/** A Keras shape without ambiguity: null is an unknown-size axis (the batch, or `None` in Input). */
export type Dim = number | null;
export type Shape = Dim[];

export interface LayerFormulas {
  /** How the parameter count arises, e.g. '(3·3·1 + 1)·32 = 320'. Absent when the layer has no weights. */
  params?: string;
  /** How each changed axis arises, e.g. 'height, width: ⌊(28 − 3 + 2·0)/1⌋ + 1 = 26'. */
  shape: string[];
}

/** Weights of one layer object inside a row's count that other rows may count too (model/spec.ts's weightsId). */
export interface SharedWeights {
  id: number;
  trainable: number;
  nonTrainable: number;
}

export interface LayerSummary {
  /** Index of the layer in its ModelSpec. */
  index: number;
  name: string;
  tfjsName: string;
  className: string;
  /** Output shape with the batch axis first (null), or null when it cannot be known statically; the first, when there are several. */
  outputShape: Shape | null;
  /** Every output's shape, when the layer gives several tensors (a custom layer whose call returns a tuple). */
  outputShapes?: Shape[];
  /** Null when the count cannot be known (unknown layer, unknown input). */
  params: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  formulas: LayerFormulas;
  /** The formulas in one line, for tables, hovers and JSON. */
  formula: string;
  /** Why the shape or count is unknown, when it is. */
  unknownReason?: string;
  /** Indices of the layers feeding this one. */
  inbound: number[];
  /** Which output of each inbound layer feeds this one, when not the first of each (LayerSpec.inboundOutputs). */
  inboundOutputs?: number[];
  /** Index of the earlier entry that is the same layer or model applied again (its weights count there). */
  sharedWith?: number;
  /**
   * The parts of this row's count that belong to layer objects other rows hold too (a
   * sublayer two custom layers share): the model's totals count each once, as Keras does.
   */
  sharedWeights?: SharedWeights[];
  range: SourceRange;
  /** A whole model used as a layer. */
  nested?: ModelSummary;
}

export interface ModelSummary {
  name: string;
  kerasName: string;
  kind: 'sequential' | 'functional';
  range: SourceRange;
  /** Input shape(s) with batch axis, when known. */
  inputShapes: (Shape | null)[];
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** float32 weights: 4 bytes a parameter. */
  sizeBytes: number;
  /**
   * False when some layer's parameter count is unknown, so the totals are lower bounds, or when the
   * model depends on a condition ConvLens cannot decide (`undecidedBranches`).
   */
  complete: boolean;
  /** Why the model as read may not be the one Keras builds (ModelSpec.undecidedBranches): its totals are those of the first branch, not bounds. */
  undecidedBranches?: string[];
  diagnostics: Diagnostic[];
}
