/**
 * The shape language of a user's keras.layers.Layer subclass, as the Python reader understood
 * its class body (source/python/customClass.ts): plain JSON, because it crosses worker and
 * webview boundaries inside a LayerSpec (checked node by node in specSchema.ts). Evaluated
 * over concrete input shapes by customLayer.ts.
 */
import type { LayerSpec } from './spec';

export type DimOp = '+' | '-' | '*' | '//' | 'ceildiv' | '/' | '%' | '**';
/** Python's and math's functions of one number (`int(h * 0.5)`, `math.sqrt(n)`). */
export type DimFn = 'int' | 'floor' | 'ceil' | 'round' | 'sqrt';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A comparison of sizes only known from the input (`len(x.shape) == 4`): decided when the shapes are. */
export interface TestExpr { op: CompareOp; a: DimExpr; b: DimExpr }

/**
 * One axis: a number or None, an axis of a tensor (`ops.shape(x)[1]`, `input_shape[-1]`;
 * `rank` when it came from unpacking, `b, h, w, c = ops.shape(x)`, which needs exactly that
 * rank), a tensor's rank (`len(x.shape)`), or arithmetic on them.
 */
export type DimExpr =
  | { kind: 'value'; value: number | null }
  | { kind: 'axis'; of: ShapeExpr; axis: number; rank?: number }
  | { kind: 'rank'; of: ShapeExpr }
  | { kind: 'op'; op: DimOp; a: DimExpr; b: DimExpr }
  | { kind: 'fn'; fn: DimFn; a: DimExpr }
  /** A value that depends on a branch decided by the shapes. */
  | { kind: 'select'; test: TestExpr; then: DimExpr; else: DimExpr }
  /** A value from branches only decided at run time (`if training:`): it must be the same in each. */
  | { kind: 'agree'; parts: DimExpr[] };

/** One item of `x[…]`; a bound left out is null. */
export type IndexExpr =
  | { kind: 'at'; at: DimExpr }
  | { kind: 'range'; start: DimExpr | null; stop: DimExpr | null; step: DimExpr | null }
  | { kind: 'newaxis' }
  | { kind: 'ellipsis' };

export type ShapeExpr =
  /** The layer's i-th input tensor. */
  /**
   * The layer's i-th input tensor; `listItem` when call took it from its one parameter as from
   * a list (`a, b = inputs`, `inputs[0]`), which a layer given a single tensor would index instead;
   * `onlyInput` for build's `input_shape`, which is a list of shapes when the layer gets several.
   */
  | { kind: 'input'; index: number; listItem?: boolean; onlyInput?: boolean }
  /** What a `raise` statement leaves where the shapes take its branch: Keras' error. */
  | { kind: 'raises' }
  /** A Python number or other scalar: broadcasts to anything. */
  | { kind: 'scalar' }
  /** Element-wise result of several operands, NumPy broadcasting. */
  | { kind: 'broadcast'; parts: ShapeExpr[] }
  /** A shape given axis by axis (`keras.random.normal(shape=(batch, dim))`, `tf.range(n)`). */
  | { kind: 'dims'; dims: DimExpr[] }
  /** `self.dense(x)`: the sublayer `sublayers[index]` applied to these tensors. */
  | { kind: 'sublayer'; index: number; args: ShapeExpr[] }
  /** `reshape(x, dims)`; a -1 is inferred. */
  | { kind: 'reshape'; of: ShapeExpr; dims: DimExpr[] }
  | { kind: 'concat'; parts: ShapeExpr[]; axis: number }
  | { kind: 'stack'; parts: ShapeExpr[]; axis: number }
  | { kind: 'matmul'; a: ShapeExpr; b: ShapeExpr; transposeA: boolean; transposeB: boolean }
  /** mean, sum, max… over `axes` (null: all). */
  | { kind: 'reduce'; of: ShapeExpr; axes: number[] | null; keepdims: boolean }
  | { kind: 'transpose'; of: ShapeExpr; perm: number[] | null }
  | { kind: 'expand'; of: ShapeExpr; axis: number }
  | { kind: 'squeeze'; of: ShapeExpr; axes: number[] | null }
  /** `one_hot(x, depth)`: x's shape with a last axis of `depth`. */
  | { kind: 'oneHot'; of: ShapeExpr; depth: DimExpr }
  /** `x[:, 1:]`, `x[..., None]`. */
  | { kind: 'index'; of: ShapeExpr; items: IndexExpr[] }
  /** A tensor whose shape is `of`'s axes start:stop (`x.shape[1:]`, as a shape to build on). */
  | { kind: 'axes'; of: ShapeExpr; start: number | null; stop: number | null }
  /** `count` sizes of `value`, as `(1,) * (rank - 1)` makes. */
  | { kind: 'fill'; value: DimExpr; count: DimExpr }
  /** The shapes of the parts one after another (`(batch,) + x.shape[1:]`). */
  | { kind: 'join'; parts: ShapeExpr[] }
  /** `reshape(x, target)` where the target is itself a shape expression (`tf.shape(y)`, `(b,) + x.shape[1:]`). */
  | { kind: 'reshapeTo'; of: ShapeExpr; target: ShapeExpr }
  /** `tile(x, reps)`, the repetitions as a shape expression. */
  | { kind: 'tile'; of: ShapeExpr; reps: ShapeExpr }
  /** `take(x, indices, axis)` / `gather(x, indices, axis)`; axis null takes from the flattened tensor. */
  | { kind: 'gather'; of: ShapeExpr; indices: ShapeExpr; axis: number | null }
  | { kind: 'pad'; of: ShapeExpr; widths: [DimExpr, DimExpr][] }
  /** Piece `piece` of a split into `count` equal parts along `axis`. */
  | { kind: 'split'; of: ShapeExpr; axis: number; count: number; piece: number }
  | { kind: 'resize'; of: ShapeExpr; size: [DimExpr, DimExpr]; channelsFirst: boolean }
  | { kind: 'einsum'; equation: string; parts: ShapeExpr[] }
  /** A tensor that depends on a branch decided by the shapes (`if len(x.shape) == 3:`). */
  | { kind: 'select'; test: TestExpr; then: ShapeExpr; else: ShapeExpr }
  /**
   * A tensor from branches only decided at run time (`if training:`): Keras may trace either,
   * so its shape is known only when every branch gives the same one.
   */
  | { kind: 'agree'; parts: ShapeExpr[] };

/** One `self.add_weight(shape=…)`: its shape may depend on the input (`build(self, input_shape)`). */
export interface WeightExpr {
  dims: DimExpr[];
  trainable: boolean;
}

export interface CustomLayerSpec {
  /** How the output shape follows from the input shapes (the first output, when there are several). */
  output: ShapeExpr;
  /**
   * When call returns several tensors (`return output, kernel`): each one's shape, in order.
   * The model's layers take them by position (LayerSpec.inboundOutputs).
   */
  outputs?: ShapeExpr[];
  /** The layer's own weights (add_weight). */
  weights: WeightExpr[];
  /**
   * Layers made in `__init__` that `call` applies; Keras builds each on its first call and
   * counts its weights once, however often it is called.
   */
  sublayers: LayerSpec[];
}
