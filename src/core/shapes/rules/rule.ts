/** The contract every layer rule follows. */
import type { Args } from '../args';
import type { Shape, SharedWeights } from '../types';

export interface RuleInput {
  className: string;
  args: Args;
  /** Input shapes, batch axis first; at least one. */
  inputs: Shape[];
}

export interface RuleOutput {
  /** The (first) output's shape. */
  shape: Shape;
  /** Every output's shape, when the layer gives several tensors. */
  shapes?: Shape[];
  trainable?: number;
  nonTrainable?: number;
  /** Formula for the parameter count, when the layer has weights. */
  params?: string;
  shapeFormulas?: string[];
  /** Parts of the count that other rows may hold too (a custom layer's shared sublayers). */
  shared?: SharedWeights[];
}

export type LayerRule = (input: RuleInput) => RuleOutput;

/** A layer Keras would reject for these shapes (kernel larger than input, merge mismatch). */
export class ShapeError extends Error {
  constructor(message: string, readonly code = 'invalid-shape') {
    super(message);
  }
}

/** The single input of a layer that takes one tensor, with its rank checked. */
export function single(input: RuleInput, rank?: number, what?: string): Shape {
  const shape = input.inputs[0];
  if (input.inputs.length !== 1) throw new ShapeError(`${input.className} takes one input, got ${input.inputs.length}`);
  if (rank !== undefined && shape.length !== rank) {
    throw new ShapeError(`${input.className} expects a rank-${rank} input${what ? ` (${what})` : ''}, got rank ${shape.length}`);
  }
  return shape;
}

/** The channel count a weighted layer needs; Keras refuses an unknown one. */
export function knownLast(input: RuleInput, shape: Shape): number {
  const c = shape[shape.length - 1];
  if (c === null || c === undefined) throw new ShapeError(`${input.className} needs a known last dimension, got None`);
  return c;
}

export const identity: LayerRule = (input) => ({ shape: [...single(input)] });
