/**
 * A user's keras.layers.Layer subclass, as the Python reader understood its class body:
 * plain JSON (it crosses worker and webview boundaries inside a LayerSpec). The output
 * shape is a small expression over the layer's input shapes, because the reader sees the
 * class before the shapes of the tensors it is applied to are known.
 */

/** One axis: a number, None, or an axis of an input (`ops.shape(x)[1]`, `input_shape[-1]`: negative counts from the end). */
export type DimExpr = { value: number | null } | { input: number; axis: number };

export type ShapeExpr =
  /** The shape of the layer's i-th input tensor. */
  | { input: number }
  /** A Python number or other scalar: broadcasts to anything. */
  | { scalar: true }
  /** Element-wise result of several operands, NumPy broadcasting. */
  | { broadcast: ShapeExpr[] }
  /** A shape given axis by axis (`keras.random.normal(shape=(batch, dim))`). */
  | { dims: DimExpr[] };

/** One `self.add_weight(shape=…)`: its shape may depend on the input (`build(self, input_shape)`). */
export interface WeightExpr {
  dims: DimExpr[];
  trainable: boolean;
}

export interface CustomLayerSpec {
  /** How the output shape follows from the input shapes. */
  output: ShapeExpr;
  weights: WeightExpr[];
}

type Shape = (number | null)[];

/** NumPy broadcasting with Keras' None: None against 1 or None stays None. Why not, when incompatible. */
function broadcast2(a: Shape, b: Shape): Shape | string {
  const n = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < n; i++) {
    const x = i < n - a.length ? 1 : a[i - (n - a.length)];
    const y = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === null || y === null) out.push(x ?? y);
    else if (x === y) out.push(x);
    else return `shapes (${a.join(', ')}) and (${b.join(', ')}) do not broadcast`;
  }
  return out;
}

function evaluateDim(d: DimExpr, inputs: Shape[]): number | null | string {
  if ('value' in d) return d.value;
  const s = inputs[d.input];
  const axis = s && d.axis < 0 ? s.length + d.axis : d.axis;
  if (!s || axis < 0 || axis >= s.length) return `axis ${d.axis} of input ${d.input + 1} does not exist`;
  return s[axis];
}

/** Trainable and non-trainable weight counts for these inputs, or why not (a None dimension). */
export function countWeights(weights: WeightExpr[], inputs: Shape[]): { trainable: number; nonTrainable: number } | string {
  let trainable = 0;
  let nonTrainable = 0;
  for (const w of weights) {
    let size = 1;
    for (const d of w.dims) {
      const v = evaluateDim(d, inputs);
      if (typeof v === 'string') return v;
      if (v === null) return 'a weight shape depends on a None dimension';
      size *= v;
    }
    if (w.trainable) trainable += size;
    else nonTrainable += size;
  }
  return { trainable, nonTrainable };
}

/** The output shape for these input shapes, or why it cannot be computed. */
export function evaluateShape(expr: ShapeExpr, inputs: Shape[]): Shape | string {
  if ('input' in expr) return inputs[expr.input] ?? `the layer gets no input ${expr.input + 1}`;
  if ('scalar' in expr) return [];
  if ('dims' in expr) {
    const out: Shape = [];
    for (const d of expr.dims) {
      const v = evaluateDim(d, inputs);
      if (typeof v === 'string') return v;
      out.push(v);
    }
    return out;
  }
  let acc: Shape = [];
  for (const part of expr.broadcast) {
    const s = evaluateShape(part, inputs);
    if (typeof s === 'string') return s;
    const b = broadcast2(acc, s);
    if (typeof b === 'string') return b;
    acc = b;
  }
  return acc;
}

function isShapeExpr(v: unknown): v is ShapeExpr {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if ('input' in o) return Number.isSafeInteger(o.input);
  if ('scalar' in o) return o.scalar === true;
  if ('broadcast' in o) return Array.isArray(o.broadcast) && o.broadcast.every(isShapeExpr);
  if ('dims' in o) return isDims(o.dims);
  return false;
}

function isDims(dims: unknown): dims is DimExpr[] {
  return Array.isArray(dims) && dims.every((d: unknown) => typeof d === 'object' && d !== null &&
    (('value' in d && (d.value === null || typeof d.value === 'number')) ||
     ('input' in d && 'axis' in d && Number.isSafeInteger(d.input) && Number.isSafeInteger(d.axis))));
}

/** For the spec schema: a received spec is checked, not trusted. */
export function isCustomLayerSpec(v: unknown): v is CustomLayerSpec {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return isShapeExpr(o.output) && Array.isArray(o.weights) && o.weights.every((w: unknown) =>
    typeof w === 'object' && w !== null && 'dims' in w && 'trainable' in w && isDims(w.dims) && typeof w.trainable === 'boolean');
}
