/**
 * The expression half of a custom layer's symbolic reading (customLayer.ts has the
 * statements): numbers, names, `self.x`, arithmetic on sizes and tensors, indexing shapes,
 * and calls — a sublayer (`self.dense(x)`), a helper method of the class, or a tensor
 * function (./callFunctions.ts). Each gives a Sym (./symbolic.ts), or why it is not known.
 */
import type { DimOp, ShapeExpr } from '../../model/customLayer';
import type { LayerObject, ModelObject, Value } from '../values';
import { tensorFunction, type Call } from './callFunctions';
import { COMPARE, arithmetic, compare, fromValue, numberOf, truth, unknownSym, type Sym } from './symbolic';
import { children, isToken, parseNumber, parseStringToken, type SyntaxNode } from './syntax';

const ARITH = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);
const DIM_OPS = new Set<string>(['+', '-', '*', '//']);

export abstract class SymbolicExpressions {
  protected readonly env = new Map<string, Sym>();

  constructor(protected readonly text: string, protected readonly moduleValue: (name: string) => Value | undefined,
    /** `self.units = units` and the like, as `__init__` left them. */
    readonly selfAttrs: Map<string, Sym>,
    /** The sublayers `call` applies, in order of first use; a ShapeExpr names one by its index here. */
    readonly sublayers: (LayerObject | ModelObject)[] = []) {}

  /** `self.name(…)` for a method of the class: its result, or undefined when there is no such method. */
  protected abstract helper(name: string, positional: Sym[], keyword: Map<string, Sym>): Sym | undefined;

  bind(name: string, value: Sym): void {
    this.env.set(name, value);
  }

  word(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  protected item(v: Sym, i: number): Sym {
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

  protected binary(op: string, a: Sym, b: Sym): Sym {
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
    const inlined = helper === undefined || this.selfAttrs.has(helper) ? undefined : this.helper(helper, positional, keyword);
    if (inlined) return inlined;
    if (target) return unknownSym(`${path}() in call is not evaluated`);
    if (['int', 'tuple', 'list'].includes(path) && positional.length === 1) return positional[0];
    if (!path.includes('.')) return unknownSym(`${path}() in call is not evaluated`);
    return this.tensorFunction(path.split('.').pop() ?? '', path, positional, keyword);
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
