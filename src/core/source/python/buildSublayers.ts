/**
 * Sublayers a custom layer makes in `build(self, input_shape)` (keras.io's Involution):
 * Keras builds them once the input shape is known and counts their weights as it counts
 * those made in `__init__`. Two kinds are read:
 *  - one made from values `__init__` knows (`keras.Sequential([Conv2D(self.channel // r, 1), …])`)
 *    is made by the interpreter, as `__init__`'s sublayers are, and applied by `call` as one;
 *  - a `Reshape(target_shape=…)` sized from input_shape has no weights, so what it does is
 *    the reshape itself, a shape expression over the sizes build computed.
 * Anything else made in build stays unread (the caller reports it), never guessed.
 */
import type { DimExpr, ShapeExpr } from '../../model/customLayer';
import type { Value } from '../values';
import type { CallReader } from './customLayer';
import { fromValue, unknownSym, type Sym } from './symbolic';
import { children, isToken, type SyntaxNode } from './syntax';

/** Evaluates an expression of build with only `self` bound (the interpreter, as for __init__); undefined when it cannot. */
export type EvaluateWithSelf = (expr: SyntaxNode) => { value: Value; doubts: string[] } | undefined;

/** Every name a node's expression reads. */
function namesIn(node: SyntaxNode, reader: CallReader, out = new Set<string>()): Set<string> {
  if (node.name === 'VariableName') out.add(reader.word(node));
  for (const k of children(node)) namesIn(k, reader, out);
  return out;
}

/** The names build binds (its parameters and every assignment target): values the interpreter does not have. */
export function buildLocals(fn: SyntaxNode, reader: CallReader): Set<string> {
  const out = new Set<string>(['input_shape', ...reader.parameters(fn)]);
  const body = children(fn).find((k) => k.name === 'Body');
  for (const s of body ? children(body) : []) {
    if (s.name !== 'AssignStatement') continue;
    const kids = children(s);
    const op = kids.findIndex((k) => k.name === 'AssignOp');
    for (const t of kids.slice(0, Math.max(op, 0))) if (t.name !== 'MemberExpression') namesIn(t, reader, out);
  }
  return out;
}

/** A layer, a model or tf.identity as call sees it; undefined for any other value. */
function callableSym(v: Value): Sym | undefined {
  const s = fromValue(v);
  return s.t === 'layer' || s.t === 'weightless' ? s : undefined;
}

/** `keras.layers.Reshape(target_shape=(h, w, c))` in build: the reshape, over the sizes build computed. */
function reshapeLayer(call: SyntaxNode, reader: CallReader, moduleValue: (name: string) => Value | undefined): Sym | undefined {
  const callee = call.firstChild ? reader.word(call.firstChild).replace(/\s+/g, '') : '';
  const [head, ...rest] = callee.split('.');
  const base = moduleValue(head);
  const path = base?.kind === 'ref' ? [base.path, ...rest].join('.') : '';
  if (!/^keras\.(layers\.)?Reshape$/.test(path)) return undefined;
  const args = children(call).find((k) => k.name === 'ArgList');
  const kids = args ? children(args).filter((k) => !isToken(k) || k.name === 'AssignOp') : [];
  // Only target_shape, by keyword or alone by position: a name= or other argument changes no shape but is not read here.
  let target: SyntaxNode | undefined;
  if (kids.length === 3 && kids[0].name === 'VariableName' && reader.word(kids[0]) === 'target_shape' && kids[1].name === 'AssignOp') target = kids[2];
  else if (kids.length === 1) target = kids[0];
  if (!target) return undefined;
  const shape = reader.evaluate(target);
  if (shape.t !== 'tuple') return undefined;
  const dims: DimExpr[] = [];
  for (const d of shape.items) {
    if (d.t !== 'dim') return undefined;
    dims.push(d.dim);
  }
  // Keras' Reshape keeps the batch axis and reshapes the rest, whose sizes must agree (one -1 inferred).
  const apply = (x: ShapeExpr): ShapeExpr => ({
    kind: 'join', parts: [{ kind: 'axes', of: x, start: 0, stop: 1 }, { kind: 'reshape', of: { kind: 'axes', of: x, start: 1, stop: null }, dims }],
  });
  return { t: 'weightless', what: 'Reshape', apply };
}

/**
 * `self.name = <value>` in build when it makes a sublayer this module reads; undefined when
 * it does not (the caller then evaluates it as any other value of build).
 */
export function buildSublayer(value: SyntaxNode, reader: CallReader, locals: Set<string>,
  moduleValue: (name: string) => Value | undefined, withSelf: EvaluateWithSelf | undefined): Sym | undefined {
  const readsLocals = [...namesIn(value, reader)].some((n) => locals.has(n));
  if (!readsLocals && withSelf) {
    const r = withSelf(value);
    const sym = r?.doubts.length === 0 ? callableSym(r.value) : undefined;
    if (sym) return sym;
  }
  const reshape = value.name === 'CallExpression' ? reshapeLayer(value, reader, moduleValue) : undefined;
  if (reshape || !readsLocals || !/\b(layers\.|Sequential\b)/.test(reader.word(value))) return reshape;
  return unknownSym('its build makes a sublayer sized from input_shape, which ConvLens reads only for Reshape(target_shape=…)');
}
