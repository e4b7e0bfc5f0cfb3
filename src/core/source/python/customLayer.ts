/**
 * Reads a user's keras.layers.Layer subclass from its class body, without running it:
 * the output shape from `call`, evaluated over symbolic input shapes (element-wise
 * operations broadcast, `ops.shape(x)[i]` is an input axis, `keras.random.normal(shape=…)`
 * has that shape). Anything else gives a reason instead of a guess, so a model with such a
 * layer is shown incomplete, never with a wrong count.
 */
import type { DimExpr, ShapeExpr } from '../../model/customLayer';
import type { CallArgs } from '../runtime';
import type { Value } from '../values';
import { children, isToken, parseNumber, type SyntaxNode } from './syntax';

/** A value inside `call`, as far as shapes go. */
export type Sym =
  | { t: 'tensor'; expr: ShapeExpr }
  | { t: 'inputs' }
  | { t: 'shapeOf'; input: number }
  | { t: 'dim'; dim: DimExpr }
  | { t: 'tuple'; items: Sym[] }
  | { t: 'unknown'; reason: string };

/** Functions of one tensor whose result has the input's shape. */
const ELEMENTWISE_1 = new Set([
  'exp', 'log', 'square', 'sqrt', 'rsqrt', 'abs', 'tanh', 'sigmoid', 'relu', 'softplus', 'negative',
  'cast', 'stop_gradient', 'sin', 'cos', 'log1p', 'expm1', 'sign', 'softmax', 'gelu', 'silu', 'elu', 'identity',
]);
/** Functions of two tensors, broadcast like the arithmetic operators. */
const ELEMENTWISE_2 = new Set(['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'power', 'pow', 'true_divide']);
const RANDOM = new Set(['normal', 'uniform', 'truncated_normal', 'random_normal', 'random_uniform']);
const ARITH = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);

/** A constructor argument as far as shapes go: numbers, None and tuples of them. */
function fromValue(v: Value): Sym {
  if (v.kind === 'number') return { t: 'dim', dim: { value: v.value } };
  if (v.kind === 'none') return { t: 'dim', dim: { value: null } };
  if (v.kind === 'list') return { t: 'tuple', items: v.items.map(fromValue) };
  return { t: 'unknown', reason: `a constructor argument that is ${v.kind === 'unknown' ? 'unknown' : `a ${v.kind}`}` };
}

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '//': return b === 0 ? undefined : Math.floor(a / b);
    case '**': return a ** b;
    default: return undefined;
  }
}

export class CallReader {
  private readonly env = new Map<string, Sym>();

  constructor(private readonly text: string, private readonly moduleValue: (name: string) => Value | undefined,
    /** `self.units = units` and the like, read from __init__; call and build see them. */
    readonly selfAttrs = new Map<string, Sym>()) {}

  bind(name: string, value: Sym): void {
    this.env.set(name, value);
  }

  /** Binds a method's parameters after self from the constructor call (positional, keyword, default). */
  bindParameters(fn: SyntaxNode, args: CallArgs): void {
    const list = children(fn).find((k) => k.name === 'ParamList');
    const kids = list ? children(list) : [];
    let position = -1; // self comes first
    for (let i = 0; i < kids.length; i++) {
      const p = kids[i];
      if (p.name !== 'VariableName') continue;
      const star = p.prevSibling?.name === '*' || p.prevSibling?.name === '**';
      if (star) continue;
      position++;
      if (position === 0) continue;
      const name = this.word(p);
      const given = args.keyword.get(name) ?? args.positional[position - 1];
      if (given) this.env.set(name, fromValue(given));
      else if (kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) this.env.set(name, this.evaluate(kids[i + 2]));
    }
  }

  word(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  /** The output shape of `def call(self, …)`, or why it is not known. */
  read(fn: SyntaxNode): ShapeExpr | string {
    const params = children(children(fn).find((k) => k.name === 'ParamList')!).filter((k) => !isToken(k));
    // self, then the tensors; parameters with defaults (training=None, mask=None) are not inputs.
    const plain: string[] = [];
    for (const p of params) {
      const next = p.nextSibling;
      if (p.name !== 'VariableName' || next?.name === 'AssignOp') continue;
      if (p.prevSibling?.name === '*' || p.prevSibling?.name === '**') continue;
      plain.push(this.word(p));
    }
    const tensors = plain.slice(1);
    if (tensors.length === 1) this.env.set(tensors[0], { t: 'inputs' });
    else tensors.forEach((name, i) => this.env.set(name, { t: 'tensor', expr: { input: i } }));
    const body = children(fn).find((k) => k.name === 'Body');
    for (const s of body ? children(body) : []) {
      if (s.name === 'AssignStatement') {
        const r = this.assign(s);
        if (r) return r;
      } else if (s.name === 'ReturnStatement') {
        const value = children(s).slice(1).filter((k) => !isToken(k));
        if (value.length !== 1) return 'its call returns several values';
        const v = this.asTensor(this.evaluate(value[0]));
        return v.t === 'tensor' ? v.expr : v.reason;
      } else if (!['ExpressionStatement', 'Comment', 'PassStatement'].includes(s.name) && !isToken(s)) {
        return `its call has a ${s.name} that ConvLens does not follow`;
      }
    }
    return 'its call returns nothing ConvLens can read';
  }

  /** Binds names; returns a reason when a statement hides the shapes (an attribute write, say). */
  private assign(s: SyntaxNode): string | undefined {
    const kids = children(s);
    const op = kids.findIndex((k) => k.name === 'AssignOp');
    if (op < 0 || kids.filter((k) => k.name === 'AssignOp').length > 1) return 'its call has an assignment ConvLens does not follow';
    const targets = kids.slice(0, op).filter((k) => !isToken(k));
    const valueNodes = kids.slice(op + 1).filter((k) => !isToken(k));
    const value: Sym = valueNodes.length === 1 ? this.evaluate(valueNodes[0]) : { t: 'tuple', items: valueNodes.map((v) => this.evaluate(v)) };
    const flat = targets.length === 1 && targets[0].name === 'TupleExpression'
      ? children(targets[0]).filter((k) => !isToken(k)) : targets;
    if (flat.some((t) => t.name !== 'VariableName')) return 'its call assigns to something other than a name';
    if (flat.length === 1) { this.env.set(this.word(flat[0]), value); return undefined; }
    flat.forEach((t, i) => this.env.set(this.word(t), this.item(value, i)));
    return undefined;
  }

  private item(v: Sym, i: number): Sym {
    switch (v.t) {
      case 'inputs': return { t: 'tensor', expr: { input: i } };
      case 'tuple': return v.items[i] ?? { t: 'unknown', reason: 'an index past the end of a tuple' };
      case 'shapeOf': return { t: 'dim', dim: { input: v.input, axis: i } };
      case 'unknown': return v;
      default: return { t: 'unknown', reason: 'indexing a tensor inside call is not evaluated' };
    }
  }

  /** A single-input layer uses `inputs` as the tensor itself. */
  private asTensor(v: Sym): Extract<Sym, { t: 'tensor' }> | Extract<Sym, { t: 'unknown' }> {
    if (v.t === 'tensor' || v.t === 'unknown') return v;
    if (v.t === 'inputs') return { t: 'tensor', expr: { input: 0 } };
    if (v.t === 'dim') return { t: 'tensor', expr: { scalar: true } };
    return { t: 'unknown', reason: 'a tuple or shape is used as a tensor' };
  }

  evaluate(n: SyntaxNode): Sym {
    switch (n.name) {
      case 'Number': {
        const v = parseNumber(this.word(n));
        return v === undefined ? { t: 'unknown', reason: 'a complex number' } : { t: 'dim', dim: { value: v } };
      }
      case 'VariableName': {
        const name = this.word(n);
        const local = this.env.get(name);
        if (local) return local;
        const m = this.moduleValue(name);
        if (m?.kind === 'number') return { t: 'dim', dim: { value: m.value } };
        if (m?.kind === 'none') return { t: 'dim', dim: { value: null } };
        return { t: 'unknown', reason: `'${name}' in call is not known statically` };
      }
      case 'ParenthesizedExpression': {
        const inner = children(n).filter((k) => !isToken(k));
        return inner.length === 1 ? this.evaluate(inner[0]) : { t: 'unknown', reason: 'an empty parenthesis' };
      }
      case 'TupleExpression': case 'ArrayExpression':
        return { t: 'tuple', items: children(n).filter((k) => !isToken(k)).map((k) => this.evaluate(k)) };
      case 'UnaryExpression': {
        const operand = children(n).filter((k) => !isToken(k)).pop();
        if (!operand) return { t: 'unknown', reason: 'an incomplete expression' };
        const v = this.evaluate(operand);
        return v.t === 'dim' ? { t: 'dim', dim: 'value' in v.dim && v.dim.value !== null ? { value: -v.dim.value } : v.dim } : this.elementwise([v]);
      }
      case 'BinaryExpression': {
        const kids = children(n);
        const op = kids[1] ? this.word(kids[1]) : '';
        if (!ARITH.has(op) || kids.length !== 3) return { t: 'unknown', reason: `'${op}' in call is not evaluated` };
        if (op === '@') return { t: 'unknown', reason: 'matrix products in call are not evaluated yet' };
        const [a, b] = [this.evaluate(kids[0]), this.evaluate(kids[2])];
        // Two known numbers (`units * 2`) stay a number; anything with a tensor is element-wise.
        if (a.t === 'dim' && b.t === 'dim' && 'value' in a.dim && 'value' in b.dim && a.dim.value !== null && b.dim.value !== null) {
          const v = arithmetic(op, a.dim.value, b.dim.value);
          return v === undefined ? { t: 'unknown', reason: `'${op}' on numbers in a custom layer is not evaluated` } : { t: 'dim', dim: { value: v } };
        }
        return this.elementwise([a, b]);
      }
      case 'MemberExpression': return this.member(n);
      case 'CallExpression': return this.call(n);
      default: return { t: 'unknown', reason: `${n.name} in call is not evaluated` };
    }
  }

  private member(n: SyntaxNode): Sym {
    const kids = children(n);
    if (kids[1]?.name === '.' && kids[0]?.name === 'VariableName' && this.word(kids[0]) === 'self' && kids[2]) {
      return this.selfAttrs.get(this.word(kids[2])) ?? { t: 'unknown', reason: `self.${this.word(kids[2])} is not known statically` };
    }
    if (kids[1]?.name !== '[') return { t: 'unknown', reason: `attribute ${this.word(n)} in call is not evaluated` };
    const inside = kids.slice(2, -1).filter((k) => !isToken(k));
    if (inside.length !== 1 || kids.slice(2, -1).some((k) => k.name === ':' || k.name === ',')) {
      return { t: 'unknown', reason: 'slicing in call is not evaluated' };
    }
    const index = this.evaluate(inside[0]);
    if (index.t !== 'dim' || !('value' in index.dim) || index.dim.value === null) {
      return { t: 'unknown', reason: 'an index in call is not a known number' };
    }
    const target = this.evaluate(kids[0]);
    // Only an input's shape has a length to count from the end (`input_shape[-1]`).
    if (index.dim.value < 0 && target.t !== 'shapeOf') return { t: 'unknown', reason: 'a negative index in call is not evaluated' };
    return this.item(target, index.dim.value);
  }

  private call(n: SyntaxNode): Sym {
    const [callee, argList] = children(n);
    const path = this.word(callee).replace(/\s+/g, '');
    const fn = path.split('.').pop() ?? '';
    const args = argList ? children(argList) : [];
    const positional: SyntaxNode[] = [];
    const keyword = new Map<string, SyntaxNode>();
    for (let i = 0; i < args.length; i++) {
      const k = args[i];
      if (k.name === 'VariableName' && args[i + 1]?.name === 'AssignOp') { keyword.set(this.word(k), args[i + 2]); i += 2; }
      else if (!isToken(k)) positional.push(k);
    }
    if (!path.includes('.')) return { t: 'unknown', reason: `${path}() in call is not evaluated` };
    if (fn === 'shape') {
      const x = positional[0] ? this.asTensor(this.evaluate(positional[0])) : undefined;
      if (x?.t === 'tensor' && 'input' in x.expr) return { t: 'shapeOf', input: x.expr.input };
      return { t: 'unknown', reason: 'the shape of an intermediate tensor in call is not evaluated' };
    }
    if (RANDOM.has(fn) && path.includes('random')) {
      const shapeNode = keyword.get('shape') ?? positional[0];
      const s = shapeNode ? this.evaluate(shapeNode) : undefined;
      if (s?.t === 'shapeOf') return { t: 'unknown', reason: 'random of a whole shape needs the input rank' };
      if (s?.t !== 'tuple') return { t: 'unknown', reason: `the shape given to ${path} is not known` };
      const dims: DimExpr[] = [];
      for (const d of s.items) {
        if (d.t !== 'dim') return { t: 'unknown', reason: `the shape given to ${path} is not known` };
        dims.push(d.dim);
      }
      return { t: 'tensor', expr: { dims } };
    }
    if (ELEMENTWISE_1.has(fn) && positional.length >= 1) return this.elementwise([this.evaluate(positional[0])]);
    if (ELEMENTWISE_2.has(fn) && positional.length === 2) return this.elementwise(positional.map((p) => this.evaluate(p)));
    return { t: 'unknown', reason: `${path}() in call is not evaluated yet` };
  }

  private elementwise(operands: Sym[]): Sym {
    const exprs: ShapeExpr[] = [];
    for (const o of operands) {
      const t = this.asTensor(o);
      if (t.t === 'unknown') return t;
      exprs.push(t.expr);
    }
    return { t: 'tensor', expr: exprs.length === 1 ? exprs[0] : { broadcast: exprs } };
  }
}
