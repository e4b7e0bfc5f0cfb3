/**
 * Reads a user's keras.layers.Layer subclass's `call` (and `build`, `compute_output_shape`)
 * without running it: each value is evaluated over symbolic input shapes, and the return
 * value becomes a shape expression (model/customLayer.ts). Tensor functions are in
 * ./callFunctions.ts; `self.sub(x)` applies a sublayer made in `__init__`. Anything else gives
 * a reason instead of a guess, so a model with such a layer is shown incomplete, never with a
 * wrong count.
 */
import type { DimOp, ShapeExpr } from '../../model/customLayer';
import type { LayerObject, ModelObject, Value } from '../values';
import { tensorFunction, type Call } from './callFunctions';
import { COMPARE, arithmetic, compare, fromValue, numberOf, statementName, truth, unknownSym, type Sym } from './symbolic';
import { children, isToken, parseNumber, parseStringToken, type SyntaxNode } from './syntax';

/** How deep `self.helper()` calls are followed. */
const MAX_INLINE_DEPTH = 8;

const ARITH = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);
const DIM_OPS = new Set<string>(['+', '-', '*', '//']);

export class CallReader {
  private readonly env = new Map<string, Sym>();

  constructor(private readonly text: string, private readonly moduleValue: (name: string) => Value | undefined,
    /** `self.units = units` and the like, as `__init__` left them. */
    readonly selfAttrs: Map<string, Sym>,
    /** The sublayers `call` applies, in order of first use; a ShapeExpr names one by its index here. */
    readonly sublayers: (LayerObject | ModelObject)[] = [],
    /** The class's methods, so `self.helper(x)` is followed into its body. */
    private readonly methods = new Map<string, SyntaxNode>(),
    private readonly depth = 0) {}

  bind(name: string, value: Sym): void {
    this.env.set(name, value);
  }

  word(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  /** The plain parameters after self (no default, no star): the tensors of `call`, the shapes of `build`. */
  parameters(fn: SyntaxNode): string[] {
    const list = children(fn).find((k) => k.name === 'ParamList');
    const out: string[] = [];
    for (const p of list ? children(list) : []) {
      if (p.name !== 'VariableName' || p.nextSibling?.name === 'AssignOp') continue;
      if (p.prevSibling?.name === '*' || p.prevSibling?.name === '**') continue;
      out.push(this.word(p));
    }
    return out.slice(1);
  }

  /** What a method returns: its Sym, or why it cannot be followed. */
  returned(fn: SyntaxNode): Sym {
    const body = children(fn).find((k) => k.name === 'Body');
    const r = this.block(body ? children(body) : []);
    return r ?? unknownSym('it returns nothing ConvLens can read');
  }

  /** The output shape of `def call(self, …)`, or why it is not known. */
  read(fn: SyntaxNode): ShapeExpr | string {
    const tensors = this.parameters(fn);
    if (tensors.length === 1) this.env.set(tensors[0], { t: 'inputs' });
    else tensors.forEach((name, i) => this.env.set(name, { t: 'tensor', expr: { kind: 'input', index: i } }));
    const v = this.asTensor(this.returned(fn));
    return v.t === 'tensor' ? v.expr : v.reason;
  }

  /** Runs statements; a Sym once one returns (an unknown one when a statement cannot be followed). */
  private block(statements: SyntaxNode[]): Sym | undefined {
    for (const s of statements) {
      if (isToken(s) || ['Comment', 'PassStatement', 'ExpressionStatement'].includes(s.name)) continue;
      if (s.name === 'AssignStatement') {
        const why = this.assign(s);
        if (why) return unknownSym(why);
      } else if (s.name === 'UpdateStatement') {
        const [target, op, value] = children(s);
        if (target?.name !== 'VariableName' || !op || !value) return unknownSym('an augmented assignment ConvLens does not follow');
        this.env.set(this.word(target), this.binary(this.word(op).replace('=', ''), this.evaluate(target), this.evaluate(value)));
      } else if (s.name === 'ReturnStatement') {
        const value = children(s).slice(1).filter((k) => !isToken(k));
        if (value.length !== 1) return unknownSym(value.length === 0 ? 'it returns nothing' : 'it returns several values');
        return this.evaluate(value[0]);
      } else if (s.name === 'ForStatement') {
        const r = this.forLoop(s);
        if (r) return r;
      } else if (s.name === 'IfStatement') {
        const body = this.branch(s);
        if (typeof body === 'string') return unknownSym(body);
        const r = body ? this.block(children(body)) : undefined;
        if (r) return r;
      } else {
        return unknownSym(`it has ${statementName(s)} ConvLens does not follow`);
      }
    }
    return undefined;
  }

  /**
   * The body an `if`/`elif`/`else` takes when its conditions are known from the constructor
   * (`if self.use_bias:`, `if self.mode == "B":`); why not, when one depends on the data.
   */
  private branch(s: SyntaxNode): SyntaxNode | undefined | string {
    const kids = children(s);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if ((k.name === 'if' || k.name === 'elif') && kids[i + 1] && kids[i + 2]?.name === 'Body') {
        const holds = truth(this.evaluate(kids[i + 1]));
        if (holds === undefined) return `its condition ${this.word(kids[i + 1])} is only known when the model runs`;
        if (holds) return kids[i + 2];
        i += 2;
      } else if (k.name === 'else') {
        return kids[i + 1];
      }
    }
    return undefined;
  }

  /** `for block in self.blocks: x = block(x)`: over a known tuple (sublayers made in a list). */
  private forLoop(s: SyntaxNode): Sym | undefined {
    const kids = children(s);
    const inAt = kids.findIndex((k) => k.name === 'in');
    const body = kids.find((k) => k.name === 'Body');
    const target = kids[1];
    if (inAt !== 2 || target?.name !== 'VariableName' || !body || kids[inAt + 2] !== body) return unknownSym('it has a for loop ConvLens does not follow');
    const items = this.evaluate(kids[inAt + 1]);
    if (items.t !== 'tuple') return unknownSym(`it loops over ${items.t === 'unknown' ? items.reason : 'something that is not a known list'}`);
    for (const item of items.items) {
      this.env.set(this.word(target), item);
      const r = this.block(children(body));
      if (r) return r;
    }
    return undefined;
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
    if (flat.some((t) => t.name !== 'VariableName')) return 'it assigns to something other than a name';
    if (flat.length === 1) { this.env.set(this.word(flat[0]), value); return undefined; }
    flat.forEach((t, i) => this.env.set(this.word(t), this.item(value, i)));
    return undefined;
  }

  private item(v: Sym, i: number): Sym {
    switch (v.t) {
      case 'inputs': return { t: 'tensor', expr: { kind: 'input', index: i } };
      case 'tuple': return v.items[i < 0 ? v.items.length + i : i] ?? unknownSym('an index past the end of a tuple');
      case 'shapeOf': return { t: 'dim', dim: { kind: 'axis', of: v.of, axis: i } };
      case 'unknown': return v;
      default: return unknownSym('indexing a tensor inside call is not evaluated');
    }
  }

  /** A single-input layer uses `inputs` as the tensor itself; a number is a scalar. */
  asTensor(v: Sym): Extract<Sym, { t: 'tensor' | 'unknown' }> {
    if (v.t === 'tensor' || v.t === 'unknown') return v;
    if (v.t === 'inputs') return { t: 'tensor', expr: { kind: 'input', index: 0 } };
    if (v.t === 'dim') return { t: 'tensor', expr: { kind: 'scalar' } };
    return unknownSym(`a ${v.t === 'shapeOf' ? 'shape' : v.t === 'layer' ? 'layer' : v.t === 'const' ? 'string or flag' : 'tuple'} is used as a tensor`);
  }

  evaluate(n: SyntaxNode): Sym {
    switch (n.name) {
      case 'Number': {
        const v = parseNumber(this.word(n));
        return v === undefined ? unknownSym('a complex number') : { t: 'dim', dim: { kind: 'value', value: v } };
      }
      case 'String': return { t: 'const', value: parseStringToken(this.word(n)) };
      case 'Boolean': return { t: 'const', value: this.word(n) === 'True' };
      case 'None': return { t: 'dim', dim: { kind: 'value', value: null } };
      case 'VariableName': {
        const name = this.word(n);
        const local = this.env.get(name);
        if (local) return local;
        const m = this.moduleValue(name);
        if (m && ['number', 'none', 'string', 'bool', 'list'].includes(m.kind)) return fromValue(m);
        return unknownSym(`'${name}' in call is not known statically`);
      }
      case 'ParenthesizedExpression': {
        const inner = children(n).filter((k) => !isToken(k));
        return inner.length === 1 ? this.evaluate(inner[0]) : unknownSym('an empty parenthesis');
      }
      case 'TupleExpression': case 'ArrayExpression':
        return { t: 'tuple', items: children(n).filter((k) => !isToken(k)).map((k) => this.evaluate(k)) };
      case 'UnaryExpression': {
        const [op, operand] = children(n);
        if (!operand) return unknownSym('an incomplete expression');
        const v = this.evaluate(operand);
        if (this.word(op) === 'not') {
          const t = truth(v);
          return t === undefined ? unknownSym(`not ${this.word(operand)} is only known when the model runs`) : { t: 'const', value: !t };
        }
        if (this.word(op) === '+') return v;
        const k = numberOf(v);
        if (k !== undefined && this.word(op) === '-') return { t: 'dim', dim: { kind: 'value', value: -k } };
        return this.elementwise([v]);
      }
      case 'BinaryExpression': {
        const kids = children(n);
        const op = kids.slice(1, -1).map((k) => this.word(k)).join(' ');
        if (COMPARE.has(op) && kids.length >= 3) return compare(op, this.evaluate(kids[0]), this.evaluate(kids[kids.length - 1]));
        if (!ARITH.has(op) || kids.length !== 3) return unknownSym(`'${op}' in call is not evaluated`);
        return this.binary(op, this.evaluate(kids[0]), this.evaluate(kids[2]));
      }
      case 'MemberExpression': return this.member(n);
      case 'CallExpression': return this.call(n);
      default: return unknownSym(`${n.name} in call is not evaluated`);
    }
  }

  private binary(op: string, a: Sym, b: Sym): Sym {
    const [x, y] = [numberOf(a), numberOf(b)];
    // Two known numbers (`units * 2`) stay a number; axes (`height // patch`) an axis expression.
    if (x !== undefined && y !== undefined) {
      const v = arithmetic(op, x, y);
      return v === undefined ? unknownSym(`'${op}' on ${x} and ${y}`) : { t: 'dim', dim: { kind: 'value', value: v } };
    }
    if (a.t === 'dim' && b.t === 'dim') {
      return DIM_OPS.has(op) ? { t: 'dim', dim: { kind: 'op', op: op as DimOp, a: a.dim, b: b.dim } } : unknownSym(`'${op}' on sizes only known from the input`);
    }
    if (op === '+' && a.t === 'tuple' && b.t === 'tuple') return { t: 'tuple', items: [...a.items, ...b.items] };
    if (op === '@') return this.tensorFunction('matmul', 'ops.matmul', [a, b], new Map());
    return this.elementwise([a, b]);
  }

  private member(n: SyntaxNode): Sym {
    const kids = children(n);
    if (kids[1]?.name === '.' && kids[2]) {
      const prop = this.word(kids[2]);
      if (kids[0]?.name === 'VariableName' && this.word(kids[0]) === 'self') {
        return this.selfAttrs.get(prop) ?? unknownSym(`self.${prop} is not known statically`);
      }
      if (prop === 'shape') {
        const t = this.asTensor(this.evaluate(kids[0]));
        return t.t === 'tensor' ? { t: 'shapeOf', of: t.expr } : t;
      }
      return unknownSym(`attribute ${this.word(n)} in call is not evaluated`);
    }
    const inside = kids.slice(2, -1).filter((k) => !isToken(k));
    if (inside.length !== 1 || kids.slice(2, -1).some((k) => k.name === ':' || k.name === ',')) {
      return unknownSym('slicing in call is not evaluated');
    }
    const index = numberOf(this.evaluate(inside[0]));
    if (index === undefined || !Number.isInteger(index)) return unknownSym('an index in call is not a known number');
    return this.item(this.evaluate(kids[0]), index);
  }

  private call(n: SyntaxNode): Sym {
    const [callee, argList] = children(n);
    const args = argList ? children(argList) : [];
    const positional: Sym[] = [];
    const keyword = new Map<string, Sym>();
    for (let i = 0; i < args.length; i++) {
      const k = args[i];
      if (k.name === 'VariableName' && args[i + 1]?.name === 'AssignOp' && args[i + 2]) { keyword.set(this.word(k), this.evaluate(args[i + 2])); i += 2; }
      else if (k.name === '*' || k.name === '**') return unknownSym('a call with * arguments in call is not evaluated');
      else if (!isToken(k)) positional.push(this.evaluate(k));
    }
    const path = this.word(callee).replace(/\s+/g, '');
    if (callee.name === 'CallExpression') return unknownSym(`${path} makes a layer inside call, which ConvLens does not read (make it in __init__)`);
    const target = /^[\w.]+$/.test(path) && (path.startsWith('self.') || this.env.has(path)) ? this.evaluate(callee) : undefined;
    if (target?.t === 'layer') return this.applySublayer(target.target, positional, keyword);
    const helper = /^self\.(\w+)$/.exec(path)?.[1];
    const method = helper === undefined || this.selfAttrs.has(helper) ? undefined : this.methods.get(helper);
    if (method) return this.inline(helper!, method, positional, keyword);
    if (target) return unknownSym(`${path}() in call is not evaluated`);
    if (['int', 'tuple', 'list'].includes(path) && positional.length === 1) return positional[0];
    if (!path.includes('.')) return unknownSym(`${path}() in call is not evaluated`);
    return this.tensorFunction(path.split('.').pop() ?? '', path, positional, keyword);
  }

  /** `self.helper(x)`: the helper method's body, evaluated with its parameters bound to the arguments. */
  private inline(name: string, fn: SyntaxNode, positional: Sym[], keyword: Map<string, Sym>): Sym {
    if (this.depth >= MAX_INLINE_DEPTH) return unknownSym(`self.${name}() calls helpers nested more than ${MAX_INLINE_DEPTH} deep`);
    const inner = new CallReader(this.text, this.moduleValue, this.selfAttrs, this.sublayers, this.methods, this.depth + 1);
    const list = children(fn).find((k) => k.name === 'ParamList');
    const kids = list ? children(list) : [];
    let position = -1; // self comes first
    for (let i = 0; i < kids.length; i++) {
      const p = kids[i];
      if (p.name === '*' || p.name === '**') return unknownSym(`self.${name}() takes * arguments, which are not followed`);
      if (p.name !== 'VariableName') continue;
      if (++position === 0) continue;
      const param = this.word(p);
      const given = keyword.get(param) ?? positional[position - 1];
      const fallback = kids[i + 1]?.name === 'AssignOp' && kids[i + 2] ? inner.evaluate(kids[i + 2]) : undefined;
      const v = given ?? fallback;
      if (!v) return unknownSym(`self.${name}() is called without its argument ${param}`);
      inner.bind(param, v);
    }
    const r = inner.returned(fn);
    return r.t === 'unknown' ? unknownSym(`self.${name}(): ${r.reason}`) : r;
  }

  /**
   * `self.sub(x)`: the sublayer's input tensors are the positional arguments (MultiHeadAttention
   * also takes query=, value=, key=); training= and mask arguments change no shape.
   */
  private applySublayer(target: LayerObject | ModelObject, positional: Sym[], keyword: Map<string, Sym>): Sym {
    const given = [...positional];
    for (const k of ['query', 'value', 'key']) {
      const v = keyword.get(k);
      if (v) given.push(v);
    }
    const args: ShapeExpr[] = [];
    for (const g of given.length === 1 && given[0].t === 'tuple' ? given[0].items : given) {
      const t = this.asTensor(g);
      if (t.t === 'unknown') return t;
      args.push(t.expr);
    }
    let index = this.sublayers.indexOf(target);
    if (index < 0) index = this.sublayers.push(target) - 1;
    return { t: 'tensor', expr: { kind: 'sublayer', index, args } };
  }

  private tensorFunction(fn: string, path: string, positional: Sym[], keyword: Map<string, Sym>): Sym {
    const call: Call = { fn, path, positional, keyword, tensor: (s) => this.asTensor(s) };
    return tensorFunction(call);
  }

  elementwise(operands: Sym[]): Sym {
    const exprs: ShapeExpr[] = [];
    for (const o of operands) {
      const t = this.asTensor(o);
      if (t.t === 'unknown') return t;
      exprs.push(t.expr);
    }
    return { t: 'tensor', expr: exprs.length === 1 ? exprs[0] : { kind: 'broadcast', parts: exprs } };
  }
}
