/**
 * Joining the values of an `if` whose condition is not known when the class is read:
 * - a condition on sizes (`if len(x.shape) == 3:`) is decided once the input shapes are, so
 *   each value becomes a `select` of the two branches' values;
 * - a condition only known when the model runs (`if training:`) may go either way (Keras
 *   traces the layer with training unset, fit with it set), so each value becomes an `agree`:
 *   known only where both branches give the same shape, else unknown with the reason.
 * A branch that raises gives no value; the other branch's values stand.
 */
import type { DimExpr, ShapeExpr, TestExpr } from '../../model/customLayer';
import { unknownSym, type Sym } from './symbolic';

export type Join = { kind: 'select'; test: TestExpr } | { kind: 'agree' };

function tensorExpr(s: Sym): ShapeExpr | undefined {
  if (s.t === 'tensor') return s.expr;
  if (s.t === 'inputs') return { kind: 'input', index: 0 };
  if (s.t === 'dim') return { kind: 'scalar' };
  return undefined;
}

function joinShapes(join: Join, a: ShapeExpr, b: ShapeExpr): ShapeExpr {
  return join.kind === 'select' ? { kind: 'select', test: join.test, then: a, else: b } : { kind: 'agree', parts: [a, b] };
}

function joinDims(join: Join, a: DimExpr, b: DimExpr): DimExpr {
  return join.kind === 'select' ? { kind: 'select', test: join.test, then: a, else: b } : { kind: 'agree', parts: [a, b] };
}

/** Nodes compared before two values count as different (their join is then merely larger, not wrong). */
const SAME_BUDGET = 2000;

/**
 * Whether two values are the same expression. Expressions share parts (`x = x + x`), so
 * expanding them can take exponential time: past a budget of nodes they count as different.
 */
export function sameValue(a: unknown, b: unknown, budget = { left: SAME_BUDGET }): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || --budget.left < 0) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], budget));
}

/** One value after the `if`: `a` where the branch was taken, `b` where not. */
export function joinSym(join: Join, a: Sym, b: Sym): Sym {
  if (a.t === 'raise') return b;
  if (b.t === 'raise') return a;
  if (sameValue(a, b)) return a;
  if (a.t === 'unknown') return a;
  if (b.t === 'unknown') return b;
  if (a.t === 'dim' && b.t === 'dim') return { t: 'dim', dim: joinDims(join, a.dim, b.dim) };
  if (a.t === 'shapeOf' && b.t === 'shapeOf') return { t: 'shapeOf', of: joinShapes(join, a.of, b.of) };
  if (a.t === 'tuple' && b.t === 'tuple' && a.items.length === b.items.length) {
    return { t: 'tuple', items: a.items.map((x, i) => joinSym(join, x, b.items[i])) };
  }
  const [x, y] = [tensorExpr(a), tensorExpr(b)];
  if (x && y) return { t: 'tensor', expr: joinShapes(join, x, y) };
  return unknownSym('its branches give different kinds of values');
}

/** The names after the `if`: a name set in one branch only is unknown after it. */
export function joinEnv(join: Join, a: Map<string, Sym>, b: Map<string, Sym>): Map<string, Sym> {
  const out = new Map<string, Sym>();
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const [x, y] = [a.get(name), b.get(name)];
    out.set(name, x && y ? joinSym(join, x, y) : unknownSym(`'${name}' is set in only one branch of an if`));
  }
  return out;
}
