/**
 * The arguments of a tensor function called in a custom layer's `call` (./callFunctions.ts,
 * ./rearrangeFunctions.ts): by keyword or position, as whole numbers, tensors or shapes.
 */
import type { DimExpr, ShapeExpr } from '../../model/customLayer';
import type { Sym } from './symbolic';

export interface Call {
  fn: string;
  path: string;
  positional: Sym[];
  keyword: Map<string, Sym>;
  /** The tensor a value stands for (a number is a scalar), or why it is not one. */
  tensor(s: Sym): Extract<Sym, { t: 'tensor' | 'unknown' }>;
}

export function unknown(reason: string): Sym {
  return { t: 'unknown', reason };
}

/** The argument by keyword (any of its spellings) or position. */
export function arg(c: Call, position: number, ...names: string[]): Sym | undefined {
  for (const n of names) {
    const v = c.keyword.get(n);
    if (v) return v;
  }
  return c.positional[position];
}

export function int(s: Sym | undefined): number | undefined {
  return s?.t === 'dim' && s.dim.kind === 'value' && s.dim.value !== null && Number.isInteger(s.dim.value) ? s.dim.value : undefined;
}

/** The tensor an argument stands for, or why it is not one. */
export function tensorOf(c: Call, s: Sym | undefined): ShapeExpr | string {
  if (!s) return `${c.path}() without a tensor`;
  const t = c.tensor(s);
  return t.t === 'tensor' ? t.expr : t.reason;
}

/** The tensors a list of arguments stands for, or why the first that is not one is not. */
export function tensorsOf(c: Call, items: Sym[]): ShapeExpr[] | string {
  const out: ShapeExpr[] = [];
  for (const i of items) {
    const t = tensorOf(c, i);
    if (typeof t === 'string') return t;
    out.push(t);
  }
  return out;
}

/** A shape given as a value: a tuple of sizes, one size, or another tensor's shape (`tf.shape(x)`). */
export function shapeValue(s: Sym | undefined, what: string): ShapeExpr | string {
  if (s?.t === 'shapeOf') return s.of;
  const items = s?.t === 'tuple' ? s.items : s?.t === 'dim' ? [s] : undefined;
  if (!items) return `the ${what} is not a known tuple`;
  const dims: DimExpr[] = [];
  for (const d of items) {
    if (d.t !== 'dim') return `the ${what} is not known (${d.t === 'unknown' ? d.reason : 'not a number'})`;
    dims.push(d.dim);
  }
  return { kind: 'dims', dims };
}
