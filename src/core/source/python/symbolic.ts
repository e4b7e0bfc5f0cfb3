/**
 * The values a custom layer's methods are evaluated over (customLayer.ts): tensors as shape
 * expressions, sizes, shapes, tuples, sublayers and constants, or why a value is not known.
 */
import type { CompareOp, DimExpr, ShapeExpr, TestExpr } from '../../model/customLayer';
import type { LayerObject, ModelObject, Value } from '../values';
import type { SyntaxNode } from './syntax';

/** A value inside `call`, as far as shapes go. */
export type Sym =
  | { t: 'tensor'; expr: ShapeExpr }
  /** The single tensor parameter: the tensor, or the list of the layer's inputs (`a, b = inputs`). */
  | { t: 'inputs' }
  /** A tensor's shape (`ops.shape(x)`, `x.shape`, build's `input_shape`): indexing gives its axes. */
  | { t: 'shapeOf'; of: ShapeExpr }
  | { t: 'dim'; dim: DimExpr }
  | { t: 'tuple'; items: Sym[] }
  /** A sublayer made in `__init__`. */
  | { t: 'layer'; target: LayerObject | ModelObject }
  /**
   * A callable with no weights whose effect on one tensor is a shape expression: `tf.identity`,
   * or a Reshape that build sizes from input_shape (buildSublayers.ts).
   */
  | { t: 'weightless'; what: string; apply: (x: ShapeExpr) => ShapeExpr }
  | { t: 'const'; value: string | boolean }
  /** A comparison of sizes decided only once the input shapes are (`len(x.shape) == 4`). */
  | { t: 'test'; test: TestExpr }
  /** What a `raise` leaves: no value, so a branch that raises gives the other branches' result. */
  | { t: 'raise' }
  | { t: 'unknown'; reason: string };

export function unknownSym(reason: string): Extract<Sym, { t: 'unknown' }> {
  return { t: 'unknown', reason };
}

/** 'an if statement', 'a while statement': for reasons. */
export function statementName(s: SyntaxNode): string {
  const what = s.name.replace(/Statement$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} statement`;
}

/** A value from __init__ or the module as far as shapes go: numbers, None, strings, booleans, tuples of them. */
export function fromValue(v: Value): Sym {
  switch (v.kind) {
    case 'number': return { t: 'dim', dim: { kind: 'value', value: v.value } };
    case 'none': return { t: 'dim', dim: { kind: 'value', value: null } };
    case 'string': return { t: 'const', value: v.value };
    case 'bool': return { t: 'const', value: v.value };
    case 'list': return { t: 'tuple', items: v.items.map(fromValue) };
    case 'layer': return { t: 'layer', target: v.layer };
    case 'model': return { t: 'layer', target: v.model };
    case 'ref': return /^(tf|tensorflow|keras\.ops)\.identity$/.test(v.path) ? { t: 'weightless', what: v.path, apply: (x) => x } : unknownSym('a ref');
    case 'unknown': return unknownSym(v.reason);
    default: return unknownSym(`a ${v.kind}`);
  }
}

export function numberOf(s: Sym): number | undefined {
  return s.t === 'dim' && s.dim.kind === 'value' && s.dim.value !== null ? s.dim.value : undefined;
}

export function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : a / b;
    case '//': return b === 0 ? undefined : Math.floor(a / b);
    case '%': return b === 0 ? undefined : a - b * Math.floor(a / b);
    case '**': return a ** b;
    default: return undefined;
  }
}


/** Whether a value counts as true, as Python decides it; undefined when it depends on the data. */
export function truth(s: Sym): boolean | undefined {
  if (s.t === 'const') return typeof s.value === 'boolean' ? s.value : s.value.length > 0;
  if (s.t === 'dim' && s.dim.kind === 'value') return s.dim.value !== null && s.dim.value !== 0;
  if (s.t === 'tuple') return s.items.length > 0;
  return undefined;
}

export const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=', 'is', 'is not']);

/** A comparison of constants from the constructor (`self.mode == "B"`, `self.rate > 0`, `x is None`). */
export function compare(op: string, a: Sym, b: Sym): Sym {
  const plain = (s: Sym): string | number | boolean | null | undefined =>
    s.t === 'const' ? s.value : s.t === 'dim' && s.dim.kind === 'value' ? s.dim.value : undefined;
  const [x, y] = [plain(a), plain(b)];
  if ((x === undefined || y === undefined) && a.t === 'dim' && b.t === 'dim' && op !== 'is' && op !== 'is not') {
    return { t: 'test', test: { op: op as CompareOp, a: a.dim, b: b.dim } };
  }
  if (x === undefined || y === undefined) return { t: 'unknown', reason: `'${op}' on values only known when the model runs` };
  const order = typeof x === 'number' && typeof y === 'number' ? x - y : undefined;
  switch (op) {
    case '==': case 'is': return { t: 'const', value: x === y };
    case '!=': case 'is not': return { t: 'const', value: x !== y };
    default:
      if (order === undefined) return { t: 'unknown', reason: `'${op}' between values that are not numbers` };
      return { t: 'const', value: op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0 };
  }
}
