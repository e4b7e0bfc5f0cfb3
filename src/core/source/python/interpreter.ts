/**
 * Statement execution and user-function calls. Control flow (break, continue, return)
 * is passed back as a value rather than thrown, so loops stay cheap; exceptions are only
 * used for the caps, which abandon one statement (CapExceeded) or the file (EvaluationStopped).
 */
import type { SourceRange } from '../../model/spec';
import { callArgs, type CallArgs } from '../runtime';
import { NONE, list, str, truthy, unknown, type Value } from '../values';
import { BuiltinFunction, iterate, rangeBounds } from './builtins';
import { ExpressionEvaluator, oneLine } from './expressions';
import { importBindings } from './imports';
import { CapExceeded, EvaluationStopped, LIMITS, checkSize } from './limits';
import { binaryOp } from './operators';
import { isLayerSubclass } from './customClass';
import { CustomLayerClass, ModelSubclass, Scope, UserFunction } from './scope';
import { children, isToken, type SyntaxNode } from './syntax';

/** How a statement ended: normally (undefined), by break/continue, or by return. */
type Flow = undefined | 'break' | 'continue' | { returned: Value };

export class Interpreter extends ExpressionEvaluator {
  private callDepth = 0;
  /** Caps hit so far; a loop whose body hits one stops instead of hitting it every iteration. */
  private capHits = 0;

  /** Runs a whole Script node. Never throws. */
  run(script: SyntaxNode): void {
    this.scope.vars.set('__name__', str('__main__'));
    try {
      this.block(children(script));
    } catch (e) {
      if (!(e instanceof EvaluationStopped)) throw e;
      this.report('warning', script, e.message);
    }
  }

  /** Runs statements in order until one breaks the flow. */
  private block(statements: SyntaxNode[]): Flow {
    for (const s of statements) {
      const flow = this.statement(s);
      if (flow !== undefined) return flow;
    }
    return undefined;
  }

  private body(node: SyntaxNode | undefined): Flow {
    return node ? this.block(children(node)) : undefined;
  }

  /**
   * One statement, with the caps applied: a CapExceeded (or an internal failure) drops
   * this statement with a warning and the next one runs.
   */
  private statement(node: SyntaxNode): Flow {
    try {
      return this.guarded(() => this.execute(node));
    } catch (e) {
      if (e instanceof EvaluationStopped) throw e;
      if (e instanceof CapExceeded) {
        this.capHits++;
        this.report('warning', node, e.message);
      }
      else this.report('warning', node, `ConvLens could not evaluate this statement (internal error: ${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  private execute(node: SyntaxNode): Flow {
    switch (node.name) {
      case 'ExpressionStatement': {
        const [expr] = this.parts(node);
        if (expr) this.evaluate(expr);
        return undefined;
      }
      // `a = 1; b = 2` on one line.
      case 'StatementGroup': return this.block(children(node));
      case 'AssignStatement': this.assign(node); return undefined;
      case 'UpdateStatement': this.update(node); return undefined;
      case 'IfStatement': return this.ifStatement(node);
      case 'ForStatement': return this.forStatement(node);
      case 'WhileStatement': return this.whileStatement(node);
      case 'FunctionDefinition': this.define(node); return undefined;
      case 'ClassDefinition': this.classDefinition(node); return undefined;
      // Decorators (@tf.function ...) do not change what the definition builds.
      case 'DecoratedStatement': return node.lastChild ? this.statement(node.lastChild) : undefined;
      case 'WithStatement': return this.withStatement(node);
      case 'TryStatement': return this.tryStatement(node);
      case 'ImportStatement':
        for (const b of importBindings(node, this.text)) this.setVariable(b.name, b.value);
        return undefined;
      case 'ScopeStatement':
        if (node.firstChild?.name === 'global') {
          for (const n of children(node)) if (n.name === 'VariableName') this.scope.globals.add(this.word(n));
        }
        return undefined;
      case 'ReturnStatement': return { returned: this.valueOf(children(node).slice(1)) };
      // A function that raises returns nothing usable; at module level the rest is still read.
      case 'RaiseStatement': return this.scope.isModule ? undefined : { returned: unknown('the function raises an exception') };
      case 'BreakStatement': return 'break';
      case 'ContinueStatement': return 'continue';
      default:
        // pass, assert, del, comments, error nodes and statements outside the subset.
        return undefined;
    }
  }

  /**
   * `class X(layers.Layer)` is read from its body (customLayer.ts); `class X(keras.Model)`
   * (a recipe's trainer with its own train_step) only keeps the models and compile call an
   * instance is given; any other class stays unknown, so what it builds is never guessed.
   */
  private classDefinition(node: SyntaxNode): void {
    const nameNode = children(node).find((k) => k.name === 'VariableName');
    if (!nameNode) return;
    const name = this.word(nameNode);
    const bases = children(node).find((k) => k.name === 'ArgList');
    const baseNodes = bases ? children(bases).filter((k) => !isToken(k)) : [];
    const base = baseNodes.length === 1 ? this.evaluate(baseNodes[0]) : undefined;
    if (base?.kind === 'ref' && /^keras\.(models\.)?Model$/.test(base.path)) {
      this.setVariable(name, { kind: 'function', name, impl: new ModelSubclass(name) });
      return;
    }
    if (!base || !isLayerSubclass(base)) {
      this.setVariable(name, unknown(`custom class ${name} is not analysed`));
      return;
    }
    const scope = this.scope;
    const body = children(node).find((k) => k.name === 'Body');
    const initNode = (body ? children(body) : []).find((s) => s.name === 'FunctionDefinition' &&
      children(s).some((k) => k.name === 'VariableName' && this.word(k) === '__init__'));
    const initBody = initNode && children(initNode).find((k) => k.name === 'Body');
    const init = initNode && initBody
      ? new UserFunction('__init__', this.parameters(children(initNode).find((k) => k.name === 'ParamList')), initBody, false, scope)
      : undefined;
    this.setVariable(name, { kind: 'function', name, impl: new CustomLayerClass(name, node, (n) => scope.lookup(n), init) });
  }

  /** The value of a comma list (`return a, b`, right side of `=`): a tuple when there is a comma. */
  private valueOf(nodes: SyntaxNode[]): Value {
    const exprs = nodes.filter((n) => !isToken(n) || n.type.isError);
    if (nodes.some((n) => n.name === ',')) return list(exprs.map((n) => this.evaluate(n)), true);
    return exprs[0] ? this.evaluate(exprs[0]) : NONE;
  }

  /** `a = b = value`: every group before the last '=' is a target list. */
  private assign(node: SyntaxNode): void {
    const groups: SyntaxNode[][] = [[]];
    for (const k of children(node)) {
      if (k.name === 'AssignOp') groups.push([]);
      else groups[groups.length - 1].push(k);
    }
    if (groups.length < 2) return; // an annotation without a value: `x: int`
    const value = this.valueOf(groups[groups.length - 1]);
    for (const targets of groups.slice(0, -1)) this.assignTargets(targets, value);
  }

  /** `x += v`; on a list it extends it in place, like Python. */
  private update(node: SyntaxNode): void {
    const kids = children(node);
    const opAt = kids.findIndex((k) => k.name === 'UpdateOp');
    if (opAt !== 1) return;
    const target = kids[0];
    const op = this.word(kids[1]).slice(0, -1);
    const current = this.evaluate(target);
    const value = this.valueOf(kids.slice(2));
    if (op === '+' && current.kind === 'list' && !current.tuple) {
      const more = iterate(value);
      if (more) {
        checkSize(current.items.length + more.length, 'a list', more.length);
        current.items.push(...more);
        return;
      }
    }
    const result = current.kind === 'tensor' || value.kind === 'tensor'
      ? this.runtime.call(unknown(`'${op}=' on tensors is only known when the model runs`), callArgs([current, value]), this.range(node))
      : binaryOp(op, current, value);
    this.assignTarget(target, result);
  }

  private ifStatement(node: SyntaxNode): Flow {
    const kids = children(node);
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      if ((k.name === 'if' || k.name === 'elif') && kids[i + 1] && kids[i + 2]?.name === 'Body') {
        const cond = kids[i + 1];
        const body = kids[i + 2];
        if (this.isGuard(body)) {
          // A guard that only raises is taken only when its condition is known to hold.
          if (truthy(this.evaluate(cond)) === true) return this.body(body);
        } else if (this.chooseBranch(cond, this.conditionText(k.name, cond)) !== false) {
          return this.body(body);
        }
        i += 2;
      } else if (k.name === 'else') {
        return this.body(kids[i + 1]);
      }
    }
    return undefined;
  }

  private isGuard(body: SyntaxNode): boolean {
    return this.parts(body)[0]?.name === 'RaiseStatement';
  }

  private forStatement(node: SyntaxNode): Flow {
    const kids = children(node);
    const inAt = kids.findIndex((k) => k.name === 'in');
    const bodyAt = kids.findIndex((k) => k.name === 'Body');
    if (inAt < 0 || bodyAt < 0) return undefined;
    const targets = kids.slice(1, inAt);
    const iterNodes = kids.slice(inAt + 1, bodyAt);
    const items = this.loopItems(iterNodes, node);
    if (!items) {
      // Not run; the other reading runs it once, to see which models it builds (undecidedBranches.ts).
      const header = this.text.slice(node.from, kids[bodyAt].from).replace(/:\s*$/, '');
      if (!this.noteUndecided(node, `\`${oneLine(header)}:\``, 'loop')) return undefined;
      this.assignTargets(targets, unknown('the loop runs over values that are not known statically'));
      const flow = this.body(kids[bodyAt]);
      return flow === 'break' || flow === 'continue' ? undefined : flow;
    }
    let count = 0;
    for (const item of items) {
      if (++count > LIMITS.loopIterations) {
        this.report('warning', node, `evaluation stopped: loop runs more than ${LIMITS.loopIterations} times`);
        return undefined;
      }
      this.assignTargets(targets, item);
      const hits = this.capHits;
      const flow = this.body(kids[bodyAt]);
      if (flow === 'break' || this.capHits !== hits) return undefined;
      if (flow !== undefined && flow !== 'continue') return flow;
    }
    // for ... else: runs when the loop was not broken.
    return kids[bodyAt + 1]?.name === 'else' ? this.body(kids[bodyAt + 2]) : undefined;
  }

  /**
   * What a `for` iterates over. `range(...)` is generated lazily, so `range(10**12)`
   * reaches the loop cap instead of allocating.
   */
  private loopItems(nodes: SyntaxNode[], loop: SyntaxNode): Iterable<Value> | undefined {
    const exprs = nodes.filter((n) => !isToken(n));
    let source: Value;
    if (exprs.length === 1 && exprs[0].name === 'CallExpression' && exprs[0].firstChild) {
      const callee = this.evaluate(exprs[0].firstChild);
      const argNode = exprs[0].firstChild.nextSibling;
      const args = argNode?.name === 'ArgList' ? this.argList(argNode) : callArgs();
      if (callee.kind === 'function' && callee.impl instanceof BuiltinFunction && callee.name === 'range') {
        const b = rangeBounds(args.positional);
        if (typeof b !== 'string') return lazyRange(b.start, b.stop, b.step);
      }
      source = this.callValue(callee, args, this.range(exprs[0]));
    } else {
      source = this.valueOf(nodes);
    }
    const items = iterate(source);
    if (!items) {
      this.report('warning', loop, `this loop is not evaluated: it runs over ${source.kind === 'unknown' ? `an unknown value (${source.reason})` : `a ${source.kind}`}`);
      return undefined;
    }
    return [...items];
  }

  private whileStatement(node: SyntaxNode): Flow {
    const kids = children(node);
    const cond = kids[1];
    const bodyAt = kids.findIndex((k) => k.name === 'Body');
    if (!cond || bodyAt < 0) return undefined;
    for (let count = 0; ; count++) {
      const v = this.evaluate(cond);
      const t = truthy(v);
      if (t === undefined) {
        this.report('warning', node, 'this loop is not evaluated: its condition is not known statically');
        if (count > 0 || !this.noteUndecided(cond, `\`while ${oneLine(this.word(cond))}:\``, 'loop')) return undefined;
        const flow = this.body(kids[bodyAt]);
        return flow === 'break' || flow === 'continue' ? undefined : flow;
      }
      if (!t) break;
      if (count >= LIMITS.loopIterations) {
        this.report('warning', node, `evaluation stopped: loop runs more than ${LIMITS.loopIterations} times`);
        return undefined;
      }
      const hits = this.capHits;
      const flow = this.body(kids[bodyAt]);
      if (flow === 'break' || this.capHits !== hits) return undefined;
      if (flow !== undefined && flow !== 'continue') return flow;
    }
    return kids[bodyAt + 1]?.name === 'else' ? this.body(kids[bodyAt + 2]) : undefined;
  }

  private withStatement(node: SyntaxNode): Flow {
    const kids = children(node);
    for (let i = 1; i < kids.length && kids[i].name !== 'Body'; i++) {
      if (kids[i].name === 'as' && kids[i + 1]) {
        this.assignTarget(kids[++i], unknown('the value of a with statement is not known'));
      } else if (!isToken(kids[i])) {
        this.evaluate(kids[i]);
      }
    }
    return this.body(kids.find((k) => k.name === 'Body'));
  }

  /** The try body runs (nothing raises statically), then `else` and `finally`. */
  private tryStatement(node: SyntaxNode): Flow {
    const kids = children(node);
    let flow = this.body(kids.find((k) => k.name === 'Body'));
    for (let i = 0; i < kids.length; i++) {
      if ((kids[i].name === 'else' && flow === undefined) || kids[i].name === 'finally') {
        const more = this.body(kids[i + 1]);
        if (more !== undefined) flow = more;
      }
    }
    return flow;
  }

  private define(node: SyntaxNode): void {
    const kids = children(node);
    const name = kids.find((k) => k.name === 'VariableName');
    const body = kids.find((k) => k.name === 'Body');
    if (!name || !body) return;
    const params = this.parameters(kids.find((k) => k.name === 'ParamList'));
    const fn = new UserFunction(this.word(name), params, body, false, this.scope);
    this.setVariable(fn.name, { kind: 'function', name: fn.name, impl: fn });
  }

  /** Runs a user function in a new scope inside its closure. */
  protected callUser(fn: UserFunction, args: CallArgs, range: SourceRange): Value {
    if (this.callDepth >= LIMITS.callDepth) {
      // Returned, not thrown: runaway recursion unwinds through ordinary returns.
      const message = `evaluation stopped: function calls nested more than ${LIMITS.callDepth} deep`;
      this.report('warning', range, message);
      return unknown(message);
    }
    const scope = new Scope(fn.closure);
    bindArguments(fn, args, scope);
    const saved = this.scope;
    this.scope = scope;
    this.callDepth++;
    try {
      if (fn.isLambda) return this.evaluate(fn.body);
      const flow = this.body(fn.body);
      return typeof flow === 'object' ? flow.returned : NONE;
    } finally {
      this.callDepth--;
      this.scope = saved;
    }
  }
}

/** Python's argument binding: positional, then keywords, then defaults, *args and **kwargs. */
function bindArguments(fn: UserFunction, args: CallArgs, scope: Scope): void {
  const positional = fn.params.filter((p) => p.kind === 'positional');
  const star = fn.params.find((p) => p.kind === 'star');
  const kwargs = fn.params.find((p) => p.kind === 'kwargs');
  args.positional.forEach((v, i) => {
    if (i < positional.length) scope.vars.set(positional[i].name, v);
  });
  if (star) scope.vars.set(star.name, list(args.positional.slice(positional.length), true));
  const extra = new Map<string, Value>();
  for (const [k, v] of args.keyword) {
    const p = fn.params.find((q) => q.name === k && (q.kind === 'positional' || q.kind === 'keywordOnly'));
    if (p) scope.vars.set(k, v);
    else extra.set(k, v);
  }
  if (kwargs) scope.vars.set(kwargs.name, { kind: 'dict', entries: extra });
  for (const p of fn.params) {
    if ((p.kind === 'positional' || p.kind === 'keywordOnly') && !scope.vars.has(p.name)) {
      scope.vars.set(p.name, p.default ?? unknown(`argument '${p.name}' of ${fn.name}() is not given`));
    }
  }
}

function* lazyRange(start: number, stop: number, step: number): Generator<Value> {
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) yield { kind: 'number', value: i };
}
