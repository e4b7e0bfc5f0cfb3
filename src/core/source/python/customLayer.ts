/**
 * Reads a user's keras.layers.Layer subclass from its class body, without running it:
 * the output shape from `call`, evaluated over symbolic input shapes (element-wise
 * operations broadcast, `ops.shape(x)[i]` is an input axis, `keras.random.normal(shape=…)`
 * has that shape). Anything else gives a reason instead of a guess, so a model with such a
 * layer is shown incomplete, never with a wrong count.
 */
import type { CustomLayerSpec, DimExpr, ShapeExpr } from '../../model/customLayer';
import type { Value } from '../values';
import { children, isToken, parseNumber, type SyntaxNode } from './syntax';

/** A value inside `call`, as far as shapes go. */
type Sym =
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

class CallReader {
  private readonly env = new Map<string, Sym>();

  constructor(private readonly text: string, private readonly moduleValue: (name: string) => Value | undefined) {}

  private word(n: SyntaxNode): string {
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

  private evaluate(n: SyntaxNode): Sym {
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
        return this.elementwise([this.evaluate(kids[0]), this.evaluate(kids[2])]);
      }
      case 'MemberExpression': return this.member(n);
      case 'CallExpression': return this.call(n);
      default: return { t: 'unknown', reason: `${n.name} in call is not evaluated` };
    }
  }

  private member(n: SyntaxNode): Sym {
    const kids = children(n);
    if (kids[1]?.name !== '[') return { t: 'unknown', reason: `attribute ${this.word(n)} in call is not evaluated` };
    const inside = kids.slice(2, -1).filter((k) => !isToken(k));
    if (inside.length !== 1 || kids.slice(2, -1).some((k) => k.name === ':' || k.name === ',')) {
      return { t: 'unknown', reason: 'slicing in call is not evaluated' };
    }
    const index = this.evaluate(inside[0]);
    if (index.t !== 'dim' || !('value' in index.dim) || index.dim.value === null || index.dim.value < 0) {
      return { t: 'unknown', reason: 'an index in call is not a known non-negative number' };
    }
    return this.item(this.evaluate(kids[0]), index.dim.value);
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

/** Whether a class statement's base is keras' Layer (`layers.Layer`, `keras.layers.Layer`, `Layer`). */
export function isLayerSubclass(base: Value): boolean {
  return base.kind === 'ref' && /^keras\.(layers\.)?Layer$/.test(base.path);
}

function methods(classNode: SyntaxNode, text: string): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const body = children(classNode).find((k) => k.name === 'Body');
  for (let s of body ? children(body) : []) {
    if (s.name === 'DecoratedStatement' && s.lastChild) s = s.lastChild;
    if (s.name !== 'FunctionDefinition') continue;
    const name = children(s).find((k) => k.name === 'VariableName');
    if (name) out.set(text.slice(name.from, name.to), s);
  }
  return out;
}

/**
 * What a Layer subclass builds, or why ConvLens cannot say. Weights (add_weight, sublayers
 * made in __init__) are reported as not read yet rather than counted as zero.
 */
export function readCustomLayer(classNode: SyntaxNode, text: string, moduleValue: (name: string) => Value | undefined): CustomLayerSpec | string {
  const defs = methods(classNode, text);
  for (const m of ['__init__', 'build']) {
    const fn = defs.get(m);
    if (!fn) continue;
    const src = text.slice(fn.from, fn.to);
    if (/\badd_weight\s*\(|\badd_variable\s*\(|\btf\.Variable\s*\(/.test(src)) return `its weights (made in ${m}) are not counted yet`;
    if (/self\.\w+\s*=\s*(keras\.|tf\.keras\.)?layers\.\w+\s*\(|self\.\w+\s*=\s*keras\.(Sequential|Model)\s*\(/.test(src)) {
      return `its sublayers (made in ${m}) are not counted yet`;
    }
  }
  if (defs.has('compute_output_shape')) return 'its compute_output_shape is not read yet';
  const call = defs.get('call');
  if (!call) return 'it has no call method ConvLens can read';
  const out = new CallReader(text, moduleValue).read(call);
  return typeof out === 'string' ? out : { output: out, trainable: 0, nonTrainable: 0 };
}
