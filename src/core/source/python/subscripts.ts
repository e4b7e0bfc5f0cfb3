/**
 * `obj[…]` inside a custom layer's `call`: a tensor sliced (`x[:, 1:]`, `x[..., :3]`,
 * `x[:, None]`), a shape sliced (`x.shape[1:3]`, `input_shape[-1]`), a tuple sliced, or the
 * i-th of the layer's inputs. The subscript's items arrive as syntax nodes split at commas;
 * each becomes an index expression (model/customLayer.ts) or the reason it cannot.
 */
import type { DimExpr, IndexExpr } from '../../model/customLayer';
import { sliceLength } from '../../model/shapeIndexing';
import { numberOf, unknownSym, type Sym } from './symbolic';
import { isToken, type SyntaxNode } from './syntax';

type Evaluate = (n: SyntaxNode) => Sym;

/** The nodes between `[` and `]`, split at the commas: one group per subscript item. */
export function subscriptGroups(inside: SyntaxNode[]): SyntaxNode[][] {
  const groups: SyntaxNode[][] = [[]];
  for (const k of inside) {
    if (k.name === ',') groups.push([]);
    else groups[groups.length - 1].push(k);
  }
  // `x[0,]` is a one-item tuple: a trailing comma adds no item.
  if (groups.length > 1 && groups[groups.length - 1].length === 0) groups.pop();
  return groups;
}

function bound(nodes: SyntaxNode[], evaluate: Evaluate): DimExpr | null | string {
  const exprs = nodes.filter((k) => !isToken(k));
  if (exprs.length === 0) return null;
  if (exprs.length > 1) return 'a slice bound ConvLens does not read';
  if (exprs[0].name === 'None') return null;
  const v = evaluate(exprs[0]);
  if (v.t === 'dim') return v.dim;
  return v.t === 'unknown' ? v.reason : 'indexing with a tensor (a gather) is not evaluated; use ops.take';
}

/** One item: `:`-separated bounds, `...`, `None`, or an index. */
function item(group: SyntaxNode[], evaluate: Evaluate, word: (n: SyntaxNode) => string): IndexExpr | string {
  const colons = group.filter((k) => k.name === ':').length;
  if (colons > 0) {
    const parts: SyntaxNode[][] = [[]];
    for (const k of group) {
      if (k.name === ':') parts.push([]);
      else parts[parts.length - 1].push(k);
    }
    if (parts.length > 3) return 'a slice with more than two colons';
    const [start, stop, step] = [0, 1, 2].map((i) => bound(parts[i] ?? [], evaluate));
    for (const b of [start, stop, step]) if (typeof b === 'string') return b;
    return { kind: 'range', start: start as DimExpr | null, stop: stop as DimExpr | null, step: step as DimExpr | null };
  }
  const exprs = group.filter((k) => !isToken(k));
  if (exprs.length !== 1) return 'an index ConvLens does not read';
  if (exprs[0].name === 'Ellipsis') return { kind: 'ellipsis' };
  if (exprs[0].name === 'None' || /^(tf|np|numpy|ops)\.newaxis$/.test(word(exprs[0]).replace(/\s+/g, ''))) return { kind: 'newaxis' };
  const at = bound(exprs, evaluate);
  return typeof at === 'string' ? at : at === null ? 'an index of None' : { kind: 'at', at };
}

const literal = (d: DimExpr | null): number | null | undefined =>
  d === null ? null : d.kind === 'value' && d.value !== null && Number.isInteger(d.value) ? d.value : undefined;

/** `tuple[a:b:c]` with known bounds: Python's slice of the items. */
function sliceTuple(items: Sym[], r: Extract<IndexExpr, { kind: 'range' }>): Sym {
  const [start, stop, step] = [literal(r.start), literal(r.stop), literal(r.step)];
  if (start === undefined || stop === undefined || step === undefined) return unknownSym('a slice of a tuple with bounds only known when the model runs');
  const n = items.length;
  const length = sliceLength(n, start, stop, step);
  if (typeof length === 'string') return unknownSym(length);
  const s = step ?? 1;
  const first = start === null ? (s > 0 ? 0 : n - 1) : Math.min(Math.max(start < 0 ? start + n : start, s > 0 ? 0 : -1), s > 0 ? n : n - 1);
  return { t: 'tuple', items: Array.from({ length }, (_, i) => items[first + i * s]) };
}

/** `obj[groups]` for a Sym: what indexing gives, or why it is not known. */
export function subscript(obj: Sym, groups: SyntaxNode[][], evaluate: Evaluate, word: (n: SyntaxNode) => string, pick: (v: Sym, i: number) => Sym): Sym {
  const items: IndexExpr[] = [];
  for (const g of groups) {
    const it = item(g, evaluate, word);
    if (typeof it === 'string') return unknownSym(it);
    items.push(it);
  }
  const only = items.length === 1 ? items[0] : undefined;
  if (obj.t === 'unknown') return obj;
  if (only?.kind === 'at' && obj.t !== 'tensor') {
    const i = numberOf({ t: 'dim', dim: only.at });
    if (i === undefined || !Number.isInteger(i)) return unknownSym('an index in call is not a known number');
    return pick(obj, i);
  }
  if (obj.t === 'tuple' && only?.kind === 'range') return sliceTuple(obj.items, only);
  if (obj.t === 'shapeOf' && only?.kind === 'range' && only.step === null) {
    const [start, stop] = [literal(only.start), literal(only.stop)];
    if (start !== undefined && stop !== undefined) return { t: 'shapeOf', of: { kind: 'axes', of: obj.of, start, stop } };
    return unknownSym('a slice of a shape with bounds that are not plain numbers');
  }
  if (obj.t === 'shapeOf') return unknownSym('a shape indexed in a way ConvLens does not read');
  const tensor = obj.t === 'inputs' ? { kind: 'input' as const, index: 0 } : obj.t === 'tensor' ? obj.expr : undefined;
  if (!tensor) return unknownSym(`indexing a ${obj.t === 'layer' ? 'layer' : obj.t === 'tuple' ? 'tuple that way' : 'value'} is not evaluated`);
  return { t: 'tensor', expr: { kind: 'index', of: tensor, items } };
}
