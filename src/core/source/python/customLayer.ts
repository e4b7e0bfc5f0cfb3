/**
 * Reads a user's keras.layers.Layer subclass's `call` (and `build`, `compute_output_shape`)
 * without running it: each statement is followed over symbolic input shapes (expressions in
 * ./symbolicExpressions.ts), and the return value becomes a shape expression
 * (model/customLayer.ts): assignments, loops over sublayer lists, branches the constructor
 * decides, helper methods of the class. Anything else gives
 * a reason instead of a guess, so a model with such a layer is shown incomplete, never with a
 * wrong count.
 */
import type { ShapeExpr } from '../../model/customLayer';
import type { LayerObject, ModelObject, Value } from '../values';
import { joinEnv, joinSym, type Join } from './branches';
import { statementName, truth, unknownSym, type Sym } from './symbolic';
import { SymbolicExpressions } from './symbolicExpressions';
import { children, isToken, type SyntaxNode } from './syntax';

/** How deep `self.helper()` calls are followed. */
const MAX_INLINE_DEPTH = 8;
/** How many undecided ifs one method may split on: each doubles the statements followed after it. */
const MAX_FORKS = 64;

export class CallReader extends SymbolicExpressions {
  private forks = 0;

  constructor(text: string, moduleValue: (name: string) => Value | undefined, selfAttrs: Map<string, Sym>,
    sublayers: (LayerObject | ModelObject)[] = [],
    /** The class's methods, so `self.helper(x)` is followed into its body. */
    private readonly methods = new Map<string, SyntaxNode>(),
    private readonly depth = 0) {
    super(text, moduleValue, selfAttrs, sublayers);
  }

  protected helper(name: string, positional: Sym[], keyword: Map<string, Sym>): Sym | undefined {
    const fn = this.methods.get(name);
    return fn ? this.inline(name, fn, positional, keyword) : undefined;
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
    const all = this.readOutputs(fn);
    if (typeof all === 'string') return all;
    return all.length === 1 ? all[0] : `its call returns ${all.length} tensors`;
  }

  /** The shapes of what `call` returns: one tensor, or each of a tuple of tensors (`return output, kernel`). */
  readOutputs(fn: SyntaxNode): ShapeExpr[] | string {
    const tensors = this.parameters(fn);
    if (tensors.length === 1) this.env.set(tensors[0], { t: 'inputs' });
    else tensors.forEach((name, i) => this.env.set(name, { t: 'tensor', expr: { kind: 'input', index: i } }));
    const r = this.returned(fn);
    if (r.t === 'raise') return 'its call always raises an error';
    const items = r.t === 'tuple' && r.items.length > 1 ? r.items : [r];
    const out: ShapeExpr[] = [];
    for (const item of items) {
      const v = this.asTensor(item);
      if (v.t !== 'tensor') return items.length > 1 ? `its call returns a tuple whose items are not all tensors (${v.reason})` : v.reason;
      out.push(v.expr);
    }
    return out;
  }

  /** Runs statements; a Sym once one returns (an unknown one when a statement cannot be followed). */
  private block(statements: SyntaxNode[]): Sym | undefined {
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i];
      if (isToken(s) || ['Comment', 'PassStatement', 'ExpressionStatement', 'AssertStatement'].includes(s.name)) continue;
      if (s.name === 'AssignStatement') {
        const why = this.assign(s);
        if (why) return unknownSym(why);
      } else if (s.name === 'UpdateStatement') {
        const [target, op, value] = children(s);
        if (target?.name !== 'VariableName' || !op || !value) return unknownSym('an augmented assignment ConvLens does not follow');
        this.env.set(this.word(target), this.binary(this.word(op).replace('=', ''), this.evaluate(target), this.evaluate(value)));
      } else if (s.name === 'ReturnStatement') {
        const value = children(s).slice(1).filter((k) => !isToken(k));
        if (value.length === 0) return unknownSym('it returns nothing');
        // `return output, kernel`: a tuple, as Python makes it.
        return value.length === 1 ? this.evaluate(value[0]) : { t: 'tuple', items: value.map((v) => this.evaluate(v)) };
      } else if (s.name === 'RaiseStatement') {
        return { t: 'raise' };
      } else if (s.name === 'ForStatement') {
        const r = this.forLoop(s);
        if (r) return r;
      } else if (s.name === 'IfStatement') {
        const arms = this.arms(s);
        // Arms that return or raise take the statements after the if with them, one run for
        // each arm; others only set names, joined after the if (no run is repeated).
        if (arms.some((a) => a.body.some((b) => /\b(return|raise)\b/.test(this.word(b))))) return this.ifChain(arms, 0, statements.slice(i + 1));
        const r = this.ifChain(arms, 0, []);
        if (r) return r;
      } else {
        return unknownSym(`it has ${statementName(s)} ConvLens does not follow`);
      }
    }
    return undefined;
  }

  /** The `if`/`elif`/`else` arms of an if statement: a condition (none for else) and a body. */
  private arms(s: SyntaxNode): { test?: SyntaxNode; body: SyntaxNode[] }[] {
    const kids = children(s);
    const out: { test?: SyntaxNode; body: SyntaxNode[] }[] = [];
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if ((k.name === 'if' || k.name === 'elif') && kids[i + 1] && kids[i + 2]?.name === 'Body') {
        out.push({ test: kids[i + 1], body: children(kids[i + 2]) });
        i += 2;
      } else if (k.name === 'else' && kids[i + 1]?.name === 'Body') {
        out.push({ body: children(kids[i + 1]) });
        i += 1;
      }
    }
    return out;
  }

  /**
   * Arm `k` of an if chain, then `rest`. A condition the constructor decides (`if self.use_bias:`)
   * takes one arm; one on sizes or only known at run time (`if training:`) follows both, and
   * joins their values (./branches.ts).
   */
  private ifChain(arms: { test?: SyntaxNode; body: SyntaxNode[] }[], k: number, rest: SyntaxNode[]): Sym | undefined {
    const arm = arms[k];
    if (!arm) return this.block(rest);
    if (!arm.test) return this.block([...arm.body, ...rest]);
    const condition = this.evaluate(arm.test);
    const holds = truth(condition);
    if (holds === true) return this.block([...arm.body, ...rest]);
    if (holds === false) return this.ifChain(arms, k + 1, rest);
    if (++this.forks > MAX_FORKS) return unknownSym(`its call has more than ${MAX_FORKS} branches to follow`);
    const join: Join = condition.t === 'test' ? { kind: 'select', test: condition.test } : { kind: 'agree' };
    const before = new Map(this.env);
    const taken = this.block([...arm.body, ...rest]);
    const afterTaken = new Map(this.env);
    this.replaceEnv(before);
    const other = this.ifChain(arms, k + 1, rest);
    // A raise where the shapes decide is Keras' error for those shapes; one at run time is not followed.
    if (taken?.t === 'raise') return other && join.kind === 'select' ? joinSym(join, { t: 'tensor', expr: { kind: 'raises' } }, other) : other;
    if (other?.t === 'raise') {
      this.replaceEnv(afterTaken);
      return taken && join.kind === 'select' ? joinSym(join, taken, { t: 'tensor', expr: { kind: 'raises' } }) : taken;
    }
    if (taken?.t === 'unknown') return taken;
    if (other?.t === 'unknown') return other;
    if ((taken === undefined) !== (other === undefined)) return unknownSym('it returns in one branch of an if and not in the other');
    this.replaceEnv(joinEnv(join, afterTaken, new Map(this.env)));
    return taken && other ? joinSym(join, taken, other) : undefined;
  }

  private replaceEnv(values: Map<string, Sym>): void {
    this.env.clear();
    for (const [k, v] of values) this.env.set(k, v);
  }

  /**
   * `for block in self.blocks: x = block(x)`, `for attn, ffn in zip(self.attns, self.ffns):`:
   * over a known tuple (sublayers made in a list), one name or a tuple of names.
   */
  private forLoop(s: SyntaxNode): Sym | undefined {
    const kids = children(s);
    const inAt = kids.findIndex((k) => k.name === 'in');
    const body = kids.find((k) => k.name === 'Body');
    const names = kids.slice(1, inAt).filter((k) => k.name !== ',');
    if (inAt < 2 || names.some((k) => k.name !== 'VariableName') || !body || kids[inAt + 2] !== body) return unknownSym('it has a for loop ConvLens does not follow');
    const items = this.evaluate(kids[inAt + 1]);
    if (items.t !== 'tuple') return unknownSym(`it loops over ${items.t === 'unknown' ? items.reason : 'something that is not a known list'}`);
    for (const item of items.items) {
      if (names.length === 1) this.env.set(this.word(names[0]), item);
      else if (item.t === 'tuple' && item.items.length === names.length) names.forEach((n, i) => this.env.set(this.word(n), item.items[i]));
      else return unknownSym(`it unpacks a loop item into ${names.length} names`);
      const r = this.block(children(body));
      if (r) return r;
    }
    return undefined;
  }

  /** Binds names; returns a reason when a statement hides the shapes (an attribute write, say). */
  /** `x = …`, `b, h, w, c = shape`: binds names (build uses it too); why not, if it cannot. */
  assign(s: SyntaxNode): string | undefined {
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
    // `b, h, w, c = ops.shape(x)` holds only for a rank-4 x: each axis carries that rank.
    flat.forEach((t, i) => this.env.set(this.word(t), value.t === 'shapeOf'
      ? { t: 'dim', dim: { kind: 'axis', of: value.of, axis: i, rank: flat.length } }
      : this.item(value, i)));
    return undefined;
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
}
