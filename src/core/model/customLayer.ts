/**
 * A user's keras.layers.Layer subclass, as the Python reader understood its class body:
 * plain JSON (it crosses worker and webview boundaries inside a LayerSpec). The output
 * shape is a small expression over the layer's input shapes, because the reader sees the
 * class before the shapes of the tensors it is applied to are known.
 */

/** One output axis: a number, None, or an axis of an input (`ops.shape(x)[1]`). */
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

export interface CustomLayerSpec {
  /** How the output shape follows from the input shapes. */
  output: ShapeExpr;
  trainable: number;
  nonTrainable: number;
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

/** The output shape for these input shapes, or why it cannot be computed. */
export function evaluateShape(expr: ShapeExpr, inputs: Shape[]): Shape | string {
  if ('input' in expr) return inputs[expr.input] ?? `the layer gets no input ${expr.input + 1}`;
  if ('scalar' in expr) return [];
  if ('dims' in expr) {
    const out: Shape = [];
    for (const d of expr.dims) {
      if ('value' in d) { out.push(d.value); continue; }
      const s = inputs[d.input];
      if (!s || d.axis >= s.length) return `axis ${d.axis} of input ${d.input + 1} does not exist`;
      out.push(s[d.axis]);
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
  if ('dims' in o) {
    return Array.isArray(o.dims) && o.dims.every((d: unknown) => typeof d === 'object' && d !== null &&
      (('value' in d && ((d).value === null || typeof (d).value === 'number')) ||
       ('input' in d && 'axis' in d && Number.isSafeInteger((d as { input: unknown }).input) && Number.isSafeInteger((d as { axis: unknown }).axis))));
  }
  return false;
}

/** For the spec schema: a received spec is checked, not trusted. */
export function isCustomLayerSpec(v: unknown): v is CustomLayerSpec {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return isShapeExpr(o.output) && Number.isSafeInteger(o.trainable) && Number.isSafeInteger(o.nonTrainable);
}
