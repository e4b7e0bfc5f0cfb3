/**
 * A user's keras.layers.Layer subclass, as the Python reader understood its class body:
 * plain JSON (it crosses worker and webview boundaries inside a LayerSpec). The output
 * shape is a small expression over the layer's input shapes, because the reader sees the
 * class before the shapes of the tensors it is applied to are known; sublayers made in
 * `__init__` are ordinary LayerSpecs that the expression applies by index.
 */
import type { LayerSpec } from './spec';
import * as ops from './shapeOps';

type Shape = ops.Shape;

export type DimOp = '+' | '-' | '*' | '//' | 'ceildiv';

/** One axis: a number or None, an axis of a tensor (`ops.shape(x)[1]`, `input_shape[-1]`), or arithmetic on axes. */
export type DimExpr =
  | { kind: 'value'; value: number | null }
  | { kind: 'axis'; of: ShapeExpr; axis: number }
  | { kind: 'op'; op: DimOp; a: DimExpr; b: DimExpr };

export type ShapeExpr =
  /** The layer's i-th input tensor. */
  | { kind: 'input'; index: number }
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
  | { kind: 'oneHot'; of: ShapeExpr; depth: DimExpr };

/** One `self.add_weight(shape=…)`: its shape may depend on the input (`build(self, input_shape)`). */
export interface WeightExpr {
  dims: DimExpr[];
  trainable: boolean;
}

export interface CustomLayerSpec {
  /** How the output shape follows from the input shapes. */
  output: ShapeExpr;
  /** The layer's own weights (add_weight). */
  weights: WeightExpr[];
  /**
   * Layers made in `__init__` that `call` applies; Keras builds each on its first call and
   * counts its weights once, however often it is called.
   */
  sublayers: LayerSpec[];
}

/** Applies a sublayer to known shapes: its output shape, or why not. Supplied by the shape engine. */
export type ApplySublayer = (index: number, inputs: Shape[]) => Shape | string;

export interface Evaluation {
  inputs: Shape[];
  sublayer: ApplySublayer;
}

function arithmetic(op: DimOp, a: number, b: number): number | string {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '//': return b === 0 ? 'a division by zero' : Math.floor(a / b);
    case 'ceildiv': return b === 0 ? 'a division by zero' : Math.ceil(a / b);
  }
}

export function evaluateDim(d: DimExpr, e: Evaluation): number | null | string {
  switch (d.kind) {
    case 'value': return d.value;
    case 'axis': {
      const s = evaluateShape(d.of, e);
      if (typeof s === 'string') return s;
      const axis = ops.normalizeAxis(d.axis, s.length);
      return axis === undefined ? `axis ${d.axis} of a rank-${s.length} tensor does not exist` : s[axis];
    }
    case 'op': {
      const a = evaluateDim(d.a, e);
      if (typeof a === 'string') return a;
      const b = evaluateDim(d.b, e);
      if (typeof b === 'string') return b;
      // A None (the batch size) stays None through arithmetic.
      return a === null || b === null ? null : arithmetic(d.op, a, b);
    }
  }
}

function evaluateDims(dims: DimExpr[], e: Evaluation): Shape | string {
  const out: Shape = [];
  for (const d of dims) {
    const v = evaluateDim(d, e);
    if (typeof v === 'string') return v;
    out.push(v);
  }
  return out;
}

function evaluateAll(parts: ShapeExpr[], e: Evaluation): Shape[] | string {
  const out: Shape[] = [];
  for (const p of parts) {
    const s = evaluateShape(p, e);
    if (typeof s === 'string') return s;
    out.push(s);
  }
  return out;
}

/** Trainable and non-trainable counts of the layer's own weights for these inputs, or why not (a None dimension). */
export function countWeights(weights: WeightExpr[], e: Evaluation): { trainable: number; nonTrainable: number } | string {
  let trainable = 0;
  let nonTrainable = 0;
  for (const w of weights) {
    const dims = evaluateDims(w.dims, e);
    if (typeof dims === 'string') return dims;
    if (dims.includes(null)) return 'a weight shape depends on a None dimension';
    const size = (dims as number[]).reduce((p, d) => p * d, 1);
    if (w.trainable) trainable += size;
    else nonTrainable += size;
  }
  return { trainable, nonTrainable };
}

/** The output shape for these input shapes, or why it cannot be computed. */
export function evaluateShape(expr: ShapeExpr, e: Evaluation): Shape | string {
  const one = (x: ShapeExpr, f: (s: Shape) => Shape | string): Shape | string => {
    const s = evaluateShape(x, e);
    return typeof s === 'string' ? s : f(s);
  };
  const many = (xs: ShapeExpr[], f: (s: Shape[]) => Shape | string): Shape | string => {
    const s = evaluateAll(xs, e);
    return typeof s === 'string' ? s : f(s);
  };
  switch (expr.kind) {
    case 'input': return e.inputs[expr.index] ?? `the layer gets no input ${expr.index + 1}`;
    case 'scalar': return [];
    case 'dims': return evaluateDims(expr.dims, e);
    case 'broadcast': return many(expr.parts, (s) => s.reduce<Shape | string>((acc, x) => (typeof acc === 'string' ? acc : ops.broadcast(acc, x)), []));
    case 'sublayer': return many(expr.args, (s) => e.sublayer(expr.index, s));
    case 'reshape': return one(expr.of, (x) => {
      const target = evaluateDims(expr.dims, e);
      return typeof target === 'string' ? target : ops.reshape(x, target);
    });
    case 'concat': return many(expr.parts, (s) => ops.concat(s, expr.axis));
    case 'stack': return many(expr.parts, (s) => ops.stack(s, expr.axis));
    case 'matmul': return many([expr.a, expr.b], ([a, b]) => ops.matmul(a, b, expr.transposeA, expr.transposeB));
    case 'reduce': return one(expr.of, (x) => ops.reduce(x, expr.axes, expr.keepdims));
    case 'transpose': return one(expr.of, (x) => ops.transpose(x, expr.perm));
    case 'expand': return one(expr.of, (x) => ops.expandDims(x, expr.axis));
    case 'squeeze': return one(expr.of, (x) => ops.squeeze(x, expr.axes));
    case 'oneHot': return one(expr.of, (x) => {
      const depth = evaluateDim(expr.depth, e);
      return typeof depth === 'string' ? depth : [...x, depth];
    });
  }
}

/** The number of nodes in an expression with shared parts expanded: what evaluating it costs. */
export function expressionSize(expr: ShapeExpr | DimExpr, limit: number): number {
  let count = 0;
  const stack: unknown[] = [expr];
  while (stack.length > 0 && count <= limit) {
    const node = stack.pop();
    if (Array.isArray(node)) { stack.push(...(node as unknown[])); continue; }
    if (typeof node !== 'object' || node === null) continue;
    count++;
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return count;
}
