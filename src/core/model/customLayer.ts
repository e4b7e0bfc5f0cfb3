/**
 * A user's keras.layers.Layer subclass, as the Python reader understood its class body
 * (its expressions in ./customLayerTypes.ts), evaluated over the shapes it is applied to.
 * The output shape is a small expression over the layer's input shapes, because the reader
 * sees the class before the shapes of the tensors it is applied to are known; sublayers made
 * in `__init__` are ordinary LayerSpecs that the expression applies by index.
 */
import * as ops from './shapeOps';
import * as idx from './shapeIndexing';
import type { DimExpr, DimFn, DimOp, IndexExpr, ShapeExpr, TestExpr, WeightExpr } from './customLayerTypes';
import { formatShapeKeras } from '../shapes/format';

export type * from './customLayerTypes';

type Shape = ops.Shape;

/** More axes than any tensor has: a shape built as `(1,) * n` with a larger n is refused, not allocated. */
const MAX_RANK = 64;

/** Applies a sublayer to known shapes: its output shape, or why not. Supplied by the shape engine. */
export type ApplySublayer = (index: number, inputs: Shape[]) => Shape | string;

export interface Evaluation {
  inputs: Shape[];
  sublayer: ApplySublayer;
  /**
   * Why a sublayer applied in only some branches of an `if training:` cannot be counted (it
   * has weights Keras builds only once that branch runs); undefined when it has none.
   */
  oneBranch?: (index: number) => string | undefined;
}

function arithmetic(op: DimOp, a: number, b: number): number | string {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '//': return b === 0 ? 'a division by zero' : Math.floor(a / b);
    case 'ceildiv': return b === 0 ? 'a division by zero' : Math.ceil(a / b);
    case '/': return b === 0 ? 'a division by zero' : a / b;
    case '%': return b === 0 ? 'a division by zero' : a - b * Math.floor(a / b);
    case '**': return a ** b;
  }
}

/** Python's round() rounds halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function dimFunction(fn: DimFn, a: number): number | string {
  switch (fn) {
    case 'int': return Math.trunc(a);
    case 'floor': return Math.floor(a);
    case 'ceil': return Math.ceil(a);
    case 'round': return roundHalfEven(a);
    case 'sqrt': return a < 0 ? `the square root of ${a}` : Math.sqrt(a);
  }
}

/** Whether a comparison of sizes holds for these shapes; why not known when a size is None. */
export function evaluateTest(t: TestExpr, e: Evaluation): boolean | string {
  const a = evaluateDim(t.a, e);
  if (typeof a === 'string') return a;
  const b = evaluateDim(t.b, e);
  if (typeof b === 'string') return b;
  if (a === null || b === null) return 'its condition compares a size that is None';
  switch (t.op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

function show(v: number | null | Shape): string {
  if (v === null) return 'None';
  return typeof v === 'number' ? String(v) : formatShapeKeras(v);
}

/** Branches Keras may take either way must give the same value; else why not. */
function agree<T extends number | null | Shape>(values: T[], what: string): T | string {
  const first = JSON.stringify(values[0]);
  const other = values.find((v) => JSON.stringify(v) !== first);
  return other === undefined ? values[0] : `its branches decided only when the model runs (if training: …) give different ${what}: ${show(values[0])} and ${show(other)}`;
}

/**
 * Results already computed for one evaluation, by node. A loop like `x = x + block(x)` builds
 * a DAG in which each step refers to the previous one twice; evaluated as a tree its cost
 * would double per step, memoised it is linear in the number of distinct nodes.
 */
const memo = new WeakMap<Evaluation, WeakMap<object, unknown>>();

function memoised<N extends object, R>(node: N, e: Evaluation, compute: (node: N, e: Evaluation) => R): R {
  let seen = memo.get(e);
  if (!seen) memo.set(e, (seen = new WeakMap()));
  if (seen.has(node)) return seen.get(node) as R;
  const result = compute(node, e);
  seen.set(node, result);
  return result;
}

export function evaluateDim(d: DimExpr, e: Evaluation): number | null | string {
  return memoised(d, e, computeDim);
}

function computeDim(d: DimExpr, e: Evaluation): number | null | string {
  switch (d.kind) {
    case 'value': return d.value;
    case 'axis': {
      const s = evaluateShape(d.of, e);
      if (typeof s === 'string') return s;
      if (d.rank !== undefined && d.rank !== s.length) return `it unpacks the shape of a rank-${s.length} tensor into ${d.rank} names`;
      const axis = ops.normalizeAxis(d.axis, s.length);
      return axis === undefined ? `axis ${d.axis} of a rank-${s.length} tensor does not exist` : s[axis];
    }
    case 'rank': {
      const s = evaluateShape(d.of, e);
      return typeof s === 'string' ? s : s.length;
    }
    case 'op': {
      const a = evaluateDim(d.a, e);
      if (typeof a === 'string') return a;
      const b = evaluateDim(d.b, e);
      if (typeof b === 'string') return b;
      // A None (the batch size) stays None through arithmetic.
      return a === null || b === null ? null : arithmetic(d.op, a, b);
    }
    case 'fn': {
      const a = evaluateDim(d.a, e);
      return typeof a === 'string' || a === null ? a : dimFunction(d.fn, a);
    }
    case 'select': {
      const holds = evaluateTest(d.test, e);
      return typeof holds === 'string' ? holds : evaluateDim(holds ? d.then : d.else, e);
    }
    case 'agree': {
      const values: (number | null)[] = [];
      for (const p of d.parts) {
        const v = evaluateDim(p, e);
        if (typeof v === 'string') return v;
        values.push(v);
      }
      return agree(values, 'sizes');
    }
  }
}

/** Sizes that make a shape: whole numbers (a float size is Keras' error too) or None. */
function evaluateDims(dims: DimExpr[], e: Evaluation): Shape | string {
  const out: Shape = [];
  for (const d of dims) {
    const v = evaluateDim(d, e);
    if (typeof v === 'string') return v;
    if (v !== null && !Number.isInteger(v)) return `a size of ${v} is not a whole number`;
    out.push(v);
  }
  return out;
}

/** A bound that must be a whole number (an index, a padding width); null stays null. */
function wholeDim(d: DimExpr | null, e: Evaluation, what: string): number | null | string {
  if (d === null) return null;
  const v = evaluateDim(d, e);
  if (typeof v === 'string') return v;
  if (v === null) return `${what} is only known when the model runs`;
  return Number.isInteger(v) ? v : `${what} of ${v} is not a whole number`;
}

function evaluateIndex(items: IndexExpr[], e: Evaluation): idx.Subscript[] | string {
  const out: idx.Subscript[] = [];
  for (const item of items) {
    if (item.kind === 'newaxis' || item.kind === 'ellipsis') { out.push(item); continue; }
    if (item.kind === 'at') {
      const at = wholeDim(item.at, e, 'an index');
      if (typeof at === 'string' || at === null) return at ?? 'an index of None';
      out.push({ kind: 'at', at });
      continue;
    }
    const bounds = [item.start, item.stop, item.step].map((b) => wholeDim(b, e, 'a slice bound'));
    const bad = bounds.find((b) => typeof b === 'string');
    if (typeof bad === 'string') return bad;
    const [start, stop, step] = bounds as (number | null)[];
    out.push({ kind: 'range', start, stop, step });
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
  return memoised(expr, e, computeShape);
}

/** `f` of the shape `x` evaluates to, or why it has none. */
function withShape(e: Evaluation, x: ShapeExpr, f: (s: Shape) => Shape | string): Shape | string {
  const s = evaluateShape(x, e);
  return typeof s === 'string' ? s : f(s);
}

function computeShape(expr: ShapeExpr, e: Evaluation): Shape | string {
  const many = (xs: ShapeExpr[], f: (s: Shape[]) => Shape | string): Shape | string => {
    const s = evaluateAll(xs, e);
    return typeof s === 'string' ? s : f(s);
  };
  switch (expr.kind) {
    case 'input':
      if (expr.onlyInput && e.inputs.length > 1) return "its build or compute_output_shape reads input_shape as one tensor's shape, but the layer is given several (Keras passes a list of shapes)";
      if (expr.listItem && e.inputs.length === 1) return `its call indexes its one input as a list (inputs[${expr.index}]), but the layer is given a single tensor`;
      return e.inputs[expr.index] ?? `the layer gets no input ${expr.index + 1}`;
    case 'raises': return 'its call raises an error for these input shapes (a raise statement)';
    case 'scalar': return [];
    case 'dims': return evaluateDims(expr.dims, e);
    case 'broadcast': return many(expr.parts, (s) => s.reduce<Shape | string>((acc, x) => (typeof acc === 'string' ? acc : ops.broadcast(acc, x)), []));
    case 'sublayer': return many(expr.args, (s) => e.sublayer(expr.index, s));
    case 'reshape': return withShape(e, expr.of, (x) => {
      const target = evaluateDims(expr.dims, e);
      return typeof target === 'string' ? target : ops.reshape(x, target);
    });
    case 'concat': return many(expr.parts, (s) => ops.concat(s, expr.axis));
    case 'stack': return many(expr.parts, (s) => ops.stack(s, expr.axis));
    case 'matmul': return many([expr.a, expr.b], ([a, b]) => ops.matmul(a, b, expr.transposeA, expr.transposeB));
    case 'reduce': return withShape(e, expr.of, (x) => ops.reduce(x, expr.axes, expr.keepdims));
    case 'transpose': return withShape(e, expr.of, (x) => ops.transpose(x, expr.perm));
    case 'expand': return withShape(e, expr.of, (x) => ops.expandDims(x, expr.axis));
    case 'squeeze': return withShape(e, expr.of, (x) => ops.squeeze(x, expr.axes));
    case 'oneHot': return withShape(e, expr.of, (x) => {
      const depth = evaluateDim(expr.depth, e);
      return typeof depth === 'string' ? depth : [...x, depth];
    });
    default: return evaluateRearranging(expr, e);
  }
}

/** The indexing, rearranging and branching kinds (shapeIndexing.ts). */
function evaluateRearranging(expr: ShapeExpr, e: Evaluation): Shape | string {
  switch (expr.kind) {
    case 'index': return withShape(e, expr.of, (x) => {
      const items = evaluateIndex(expr.items, e);
      return typeof items === 'string' ? items : idx.index(x, items);
    });
    case 'axes': return withShape(e, expr.of, (x) => x.slice(expr.start ?? 0, expr.stop ?? x.length));
    case 'join': {
      const parts = evaluateAll(expr.parts, e);
      return typeof parts === 'string' ? parts : parts.flat();
    }
    case 'fill': {
      const [value, count] = [evaluateDims([expr.value], e), wholeDim(expr.count, e, 'a tuple repetition')];
      if (typeof value === 'string' || typeof count === 'string') return typeof value === 'string' ? value : count as string;
      if ((count ?? 0) > MAX_RANK) return `a shape of ${count} axes`;
      return Array<number | null>(Math.max(count ?? 0, 0)).fill(value[0]);
    }
    case 'reshapeTo': return withShape(e, expr.of, (x) => withShape(e, expr.target, (t) => ops.reshape(x, t)));
    case 'tile': return withShape(e, expr.of, (x) => withShape(e, expr.reps, (r) => idx.tile(x, r)));
    case 'gather': return withShape(e, expr.of, (x) => withShape(e, expr.indices, (i) => idx.gather(x, i, expr.axis)));
    case 'pad': return withShape(e, expr.of, (x) => {
      const widths: [number, number][] = [];
      for (const [a, b] of expr.widths) {
        const [before, after] = [wholeDim(a, e, 'a padding width'), wholeDim(b, e, 'a padding width')];
        if (typeof before === 'string' || typeof after === 'string') return typeof before === 'string' ? before : after as string;
        widths.push([before ?? 0, after ?? 0]);
      }
      return idx.pad(x, widths);
    });
    case 'split': return withShape(e, expr.of, (x) => idx.splitEqual(x, expr.axis, expr.count, expr.piece));
    case 'resize': return withShape(e, expr.of, (x) => {
      const size = evaluateDims(expr.size, e);
      if (typeof size === 'string') return size;
      if (size.includes(null)) return 'a resize to a size only known when the model runs';
      return idx.resize(x, size as [number, number], expr.channelsFirst);
    });
    case 'einsum': {
      const parts = evaluateAll(expr.parts, e);
      return typeof parts === 'string' ? parts : idx.einsum(expr.equation, parts);
    }
    case 'select': {
      const holds = evaluateTest(expr.test, e);
      return typeof holds === 'string' ? holds : evaluateShape(holds ? expr.then : expr.else, e);
    }
    case 'agree': {
      const shapes: Shape[] = [];
      const applied: Set<number>[] = [];
      for (const part of expr.parts) {
        const s = evaluateShape(part, e);
        if (typeof s === 'string') return s;
        shapes.push(s);
        applied.push(appliedSublayers(part, e));
      }
      for (const i of new Set(applied.flatMap((a) => [...a]))) {
        const why = applied.some((a) => !a.has(i)) ? e.oneBranch?.(i) : undefined;
        if (why) return why;
      }
      return agree(shapes, 'shapes');
    }
    default: return `a ${expr.kind} expression is not evaluated`;
  }
}

/**
 * The sublayers that evaluating `expr` (already evaluated, without error) applied: every
 * sublayer node it reaches, following only the branch each `select` took. A walk over distinct
 * nodes, reading the memoised results, so a branch's sublayers are known without evaluating it
 * again (which, nested in a loop of `if training:` blocks, would cost twice as much per step).
 */
function appliedSublayers(expr: ShapeExpr, e: Evaluation): Set<number> {
  const applied = new Set<number>();
  const visited = new Set<object>();
  const stack: unknown[] = [expr];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || visited.has(node)) continue;
    visited.add(node);
    if (Array.isArray(node)) { stack.push(...(node as unknown[])); continue; }
    const n = node as { kind?: unknown; index?: unknown; test?: TestExpr; then?: unknown; else?: unknown };
    if (n.kind === 'sublayer' && typeof n.index === 'number') applied.add(n.index);
    if (n.kind === 'select' && n.test) {
      const holds = evaluateTest(n.test, e);
      stack.push(n.test, holds === true ? n.then : holds === false ? n.else : undefined);
      continue;
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return applied;
}

/**
 * The number of distinct nodes (by identity) in an expression: what evaluating it costs, since
 * evaluation is memoised per node. Counting stops past `limit`.
 */
export function expressionSize(expr: ShapeExpr | DimExpr, limit: number): number {
  const visited = new Set<object>();
  let count = 0;
  const stack: unknown[] = [expr];
  while (stack.length > 0 && count <= limit) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || visited.has(node)) continue;
    visited.add(node);
    if (Array.isArray(node)) { stack.push(...(node as unknown[])); continue; }
    count++;
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) stack.push(v);
  }
  return count;
}

/**
 * The longest chain of nested nodes in an expression (arrays add no depth): how deep evaluating
 * it recurses. A loop of 1,500 residual steps is small as a DAG but deeper than the call stack.
 */
export function expressionDepth(expr: ShapeExpr | DimExpr): number {
  const depth = new Map<object, number>();
  const children = (node: object): object[] =>
    (Array.isArray(node) ? (node as unknown[]) : Object.values(node)).filter((v): v is object => typeof v === 'object' && v !== null);
  const stack: [object, boolean][] = [[expr, false]];
  while (stack.length > 0) {
    const [node, childrenDone] = stack.pop()!;
    if (childrenDone) {
      const below = Math.max(0, ...children(node).map((c) => depth.get(c) ?? 0));
      depth.set(node, below + (Array.isArray(node) ? 0 : 1));
      continue;
    }
    if (depth.has(node)) continue;
    stack.push([node, true]);
    for (const c of children(node)) if (!depth.has(c)) stack.push([c, false]);
  }
  return depth.get(expr) ?? 0;
}
