/**
 * The expression half of a custom layer's symbolic reading (customLayer.ts has the
 * statements): numbers, names, `self.x`, arithmetic on sizes and tensors, indexing shapes,
 * and calls — a sublayer (`self.dense(x)`), a helper method of the class, or a tensor
 * function (./callFunctions.ts). Each gives a Sym (./symbolic.ts), or why it is not known.
 */
import type { DimFn, DimOp, ShapeExpr } from '../../model/customLayer';
import type { LayerObject, ModelObject, Value } from '../values';
import { joinSym } from './branches';
import { tensorFunction, type Call } from './callFunctions';
import { COMPARE, arithmetic, compare, fromValue, numberOf, truth, unknownSym, type Sym } from './symbolic';
import { subscript, subscriptGroups } from './subscripts';
import { children, isToken, parseNumber, parseStringToken, type SyntaxNode } from './syntax';

/** The longest tuple `(1,) * n` makes inside call: shapes and short lists, never a data table. */
const MAX_TUPLE = 1024;
const ARITH = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);
const DIM_OPS = new Set<string>(['+', '-', '*', '//', '/', '%', '**']);
/** Functions of a size (`int(h * 0.5)`, `math.sqrt(num_patches)`): path → DimFn. */
const DIM_FUNCTIONS: Record<string, DimFn> = {
  int: 'int', round: 'round', 'math.floor': 'floor', 'math.ceil': 'ceil', 'math.sqrt': 'sqrt',
  'np.floor': 'floor', 'np.ceil': 'ceil', 'np.sqrt': 'sqrt', 'numpy.sqrt': 'sqrt',
};

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
      case 'inputs': return { t: 'tensor', expr: { kind: 'input', index: i, listItem: true } };
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
    const what = { shapeOf: 'shape', layer: 'layer', weightless: 'layer', const: 'string or flag', tuple: 'tuple', test: 'condition', raise: 'raise' }[v.t];
    return unknownSym(`a ${what} is used as a tensor`);
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
        if (v.t === 'dim' && this.word(op) === '-') return { t: 'dim', dim: { kind: 'op', op: '-', a: { kind: 'value', value: 0 }, b: v.dim } };
        return this.elementwise([v]);
      }
      case 'BinaryExpression': {
        const kids = children(n);
        const op = kids.slice(1, -1).map((k) => this.word(k)).join(' ');
        if (COMPARE.has(op) && kids.length >= 3) return compare(op, this.evaluate(kids[0]), this.evaluate(kids[kids.length - 1]));
        if (!ARITH.has(op) || kids.length !== 3) return unknownSym(`'${op}' in call is not evaluated`);
        return this.binary(op, this.evaluate(kids[0]), this.evaluate(kids[2]));
      }
      case 'ConditionalExpression': {
        // `a if cond else b`: as an if statement (./branches.ts).
        const [a, , test, , b] = children(n);
        if (!a || !test || !b) return unknownSym('an incomplete conditional expression');
        const condition = this.evaluate(test);
        const holds = truth(condition);
        if (holds !== undefined) return this.evaluate(holds ? a : b);
        return joinSym(condition.t === 'test' ? { kind: 'select', test: condition.test } : { kind: 'agree' }, this.evaluate(a), this.evaluate(b));
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
    if (op === '*' && a.t === 'tuple') return this.repeatTuple(a, b);
    if (op === '*' && b.t === 'tuple') return this.repeatTuple(b, a);
    // `(batch,) + x.shape[1:]`: a shape made of sizes and another tensor's axes.
    if (op === '+' && (a.t === 'shapeOf' || b.t === 'shapeOf') && (a.t === 'tuple' || a.t === 'shapeOf') && (b.t === 'tuple' || b.t === 'shapeOf')) {
      const parts: ShapeExpr[] = [];
      for (const x of [a, b]) {
        if (x.t === 'shapeOf') { parts.push(x.of); continue; }
        if (x.t !== 'tuple' || x.items.some((d) => d.t !== 'dim')) return unknownSym('a shape joined with something that is not a size');
        parts.push({ kind: 'dims', dims: x.items.map((d) => (d as Extract<Sym, { t: 'dim' }>).dim) });
      }
      return { t: 'shapeOf', of: { kind: 'join', parts } };
    }
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
      if (prop === 'shape' || prop === 'ndim') {
        const t = this.asTensor(this.evaluate(kids[0]));
        if (t.t !== 'tensor') return t;
        return prop === 'shape' ? { t: 'shapeOf', of: t.expr } : { t: 'dim', dim: { kind: 'rank', of: t.expr } };
      }
      // A dtype (`tf.float32`, `np.int32`) is its name, as `cast` reads it.
      if (kids[0]?.name === 'VariableName' && /^(tf|np|numpy|jnp|keras|ops)$/.test(this.word(kids[0])) && /^(u?int\d+|b?float\d+|bool)$/.test(prop)) {
        return { t: 'const', value: prop };
      }
      const owner = this.evaluate(kids[0]);
      // TensorShape.rank, as tf code writes `x.shape.rank`.
      if (prop === 'rank' && owner.t === 'shapeOf') return { t: 'dim', dim: { kind: 'rank', of: owner.of } };
      return unknownSym(`attribute ${this.word(n)} in call is not evaluated`);
    }
    return subscript(this.evaluate(kids[0]), subscriptGroups(kids.slice(2, -1)), (k) => this.evaluate(k), (k) => this.word(k), (v, i) => this.item(v, i));
  }

  /** `(1,) * n`: a known n repeats the items; a size only known from the input gives a shape of n sizes. */
  private repeatTuple(tuple: Extract<Sym, { t: 'tuple' }>, times: Sym): Sym {
    const n = numberOf(times);
    if (n !== undefined && (!Number.isInteger(n) || n * tuple.items.length > MAX_TUPLE)) return unknownSym(`a tuple repeated ${n} times`);
    if (n !== undefined) return { t: 'tuple', items: Array.from({ length: Math.max(n, 0) }, () => tuple.items).flat() };
    const [only] = tuple.items;
    if (times.t !== 'dim' || tuple.items.length !== 1 || only.t !== 'dim') return unknownSym('a tuple repeated a number of times ConvLens does not know');
    return { t: 'shapeOf', of: { kind: 'fill', value: only.dim, count: times.dim } };
  }

  /** `len(v)`: a tuple's length, a shape's rank, a tensor's first axis. */
  private length(v: Sym): Sym {
    if (v.t === 'tuple') return { t: 'dim', dim: { kind: 'value', value: v.items.length } };
    if (v.t === 'shapeOf') return { t: 'dim', dim: { kind: 'rank', of: v.of } };
    const t = this.asTensor(v);
    return t.t === 'tensor' ? { t: 'dim', dim: { kind: 'axis', of: t.expr, axis: 0 } } : t;
  }

  /** `x.get_shape()`, `x.shape.as_list()`, `shape.as_list()`: a tensor's shape as Keras knows it while building. */
  private shapeMethod(callee: SyntaxNode, args: number): Sym | undefined {
    const [owner, dot, prop] = children(callee);
    if (callee.name !== 'MemberExpression' || dot?.name !== '.' || !owner || !prop || args > 0) return undefined;
    const method = this.word(prop);
    if (method !== 'get_shape' && method !== 'as_list') return undefined;
    const root = /^\w+/.exec(this.word(owner))?.[0] ?? '';
    if (root !== 'self' && !this.env.has(root)) return undefined;
    const v = this.evaluate(owner);
    if (method === 'as_list') return v.t === 'shapeOf' || v.t === 'unknown' ? v : unknownSym('as_list() of something that is not a shape');
    const t = this.asTensor(v);
    return t.t === 'tensor' ? { t: 'shapeOf', of: t.expr } : t;
  }

  /** `int(x)`, `math.sqrt(n)` on a size; a known number is computed at once. */
  private dimFunction(fn: DimFn, v: Sym): Sym {
    if (v.t !== 'dim') return unknownSym(`${fn}() of something that is not a size`);
    const n = numberOf(v);
    if (n !== undefined && fn !== 'sqrt') {
      const r = fn === 'int' ? Math.trunc(n) : fn === 'floor' ? Math.floor(n) : fn === 'ceil' ? Math.ceil(n) : undefined;
      if (r !== undefined) return { t: 'dim', dim: { kind: 'value', value: r } };
    }
    return { t: 'dim', dim: { kind: 'fn', fn, a: v.dim } };
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
    const method = this.shapeMethod(callee, positional.length + keyword.size);
    if (method) return method;
    if (callee.name === 'CallExpression') return unknownSym(`${path} makes a layer inside call, which ConvLens does not read (make it in __init__)`);
    const target = /^[\w.]+$/.test(path) && (path.startsWith('self.') || this.env.has(path)) ? this.evaluate(callee) : undefined;
    if (target?.t === 'layer') return this.applySublayer(target.target, positional, keyword);
    if (target?.t === 'weightless') {
      const x = positional.length === 1 ? this.asTensor(positional[0]) : unknownSym(`${path}() given ${positional.length} tensors`);
      return x.t === 'tensor' ? { t: 'tensor', expr: target.apply(x.expr) } : x;
    }
    const helper = /^self\.(\w+)$/.exec(path)?.[1];
    const inlined = helper === undefined || this.selfAttrs.has(helper) ? undefined : this.helper(helper, positional, keyword);
    if (inlined) return inlined;
    if (target) return unknownSym(`${path}() in call is not evaluated${target.t === 'unknown' ? ` (${target.reason})` : ''}`);
    if (path === 'len' && positional.length === 1) return this.length(positional[0]);
    // zip(a, b) over known tuples (lists of sublayers): the tuples of their items, as Python pairs them.
    if (path === 'zip' && positional.length > 0 && positional.every((p) => p.t === 'tuple')) {
      const lists = positional.filter((p): p is Extract<Sym, { t: 'tuple' }> => p.t === 'tuple');
      const length = Math.min(...lists.map((l) => l.items.length));
      return { t: 'tuple', items: Array.from({ length }, (_, i) => ({ t: 'tuple', items: lists.map((l) => l.items[i]) })) };
    }
    const dimFn = DIM_FUNCTIONS[path];
    if (dimFn && positional.length === 1 && (positional[0].t === 'dim' || path.includes('.'))) {
      if (positional[0].t === 'dim') return this.dimFunction(dimFn, positional[0]);
    } else if (['int', 'float', 'tuple', 'list'].includes(path) && positional.length === 1) {
      return positional[0];
    }
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
