/**
 * Statement interpretation for the TypeScript/JavaScript reader: declarations, control
 * flow, functions and imports. Nothing is executed: statements are walked over evaluator
 * values, with every loop, call and step capped so any input finishes quickly.
 */
import * as ts from 'typescript';
import type { ModelRuntime } from '../runtime';
import { NONE, list, num, unknown, type Value } from '../values';
import { createGlobals } from './builtins';
import { ExpressionEvaluator } from './expressions';
import { moduleMember, moduleValue } from './modules';
import { jsTruthy, stringValue, strictEquals } from './operators';
import { assignTarget } from './patterns';
import { LIMITS, Scope, StopEvaluation, implOf, type UserFunction } from './scope';

/** How a statement finished: normally (undefined) or by jumping somewhere. */
type Completion =
  | undefined
  | { type: 'return'; value: Value }
  | { type: 'break' | 'continue'; label?: string }
  | { type: 'throw' };

export class Interpreter extends ExpressionEvaluator {
  private callDepth = 0;
  /** Module-level functions, in source order, for evaluating the ones the file never calls. */
  private readonly topLevelFunctions: { name: string; fn: UserFunction }[] = [];

  constructor(sf: ts.SourceFile, runtime: ModelRuntime) {
    super(sf, runtime);
  }

  protected get atModuleLevel(): boolean {
    return this.callDepth === 0;
  }

  /** Interprets the file. Never throws: budget exhaustion and internal errors become diagnostics. */
  run(): void {
    const moduleScope = new Scope(createGlobals(), true);
    try {
      const done = this.statements(this.sf.statements, moduleScope);
      if (done?.type === 'throw') this.report(this.sf, 'evaluation stopped at a throw statement at module level', 'info');
      this.callUncalledFunctions();
    } catch (e) {
      if (e instanceof StopEvaluation) this.report(this.current ?? this.sf, e.message);
      else if (e instanceof RangeError) this.report(this.sf, 'evaluation stopped: the code is nested too deeply to follow');
      else this.report(this.sf, `ConvLens could not finish reading this file: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  /**
   * Libraries usually define `function createModel() {...}` and leave the call to another
   * file (or to an event handler). Module-level functions the file never calls and that need
   * no arguments are interpreted once at the end so the models they build are still shown:
   * first the "roots" (not mentioned inside any other function), so `run()` calling
   * `createModel()` yields one model, not two; then whatever is still uncalled. Functions with
   * required parameters (helpers such as `convBlock(x, filters)`) are skipped: with unknown
   * arguments they would only create stray layers.
   */
  private callUncalledFunctions(): void {
    const candidates = () => this.topLevelFunctions.filter(({ fn }) => !fn.called && !fn.node.asteriskToken &&
      fn.node.parameters.every((p) => p.initializer !== undefined || p.questionToken !== undefined || p.dotDotDotToken !== undefined));
    if (candidates().length === 0) return;
    const mentioned = new Set<string>();
    for (const { name, fn } of this.topLevelFunctions) {
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && n.text !== name) mentioned.add(n.text);
        ts.forEachChild(n, visit);
      };
      if (fn.node.body) visit(fn.node.body);
    }
    for (const { name, fn } of candidates()) if (!mentioned.has(name) && !fn.called) this.invokeUser(fn, [], fn.node);
    for (const { fn } of candidates()) if (!fn.called) this.invokeUser(fn, [], fn.node);
  }

  protected invokeUser(fn: UserFunction, args: Value[], node: ts.Node): Value {
    fn.called = true;
    const decl = fn.node;
    if (decl.asteriskToken) return unknown('generator functions are not evaluated');
    if (!decl.body) return unknown('a function without a body');
    if (this.callDepth >= LIMITS.callDepth) {
      this.report(node, `evaluation stopped: calls nested more than ${LIMITS.callDepth} deep`);
      return unknown('a call nested too deeply');
    }
    const scope = new Scope(fn.closure, true);
    this.callDepth++;
    try {
      let i = 0;
      for (const param of decl.parameters) {
        if (ts.isIdentifier(param.name) && param.name.text === 'this') continue; // TS `this:` parameter
        let v: Value;
        if (param.dotDotDotToken) v = list(args.slice(i));
        else {
          v = args[i] ?? NONE;
          if (v.kind === 'none' && param.initializer) v = this.evaluate(param.initializer, scope);
        }
        this.bind(param.name, v, scope);
        i++;
      }
      const body = decl.body;
      if (!ts.isBlock(body)) return this.evaluate(body, scope);
      const done = this.statements(body.statements, scope);
      if (done?.type === 'return') return done.value;
      return done?.type === 'throw' ? unknown('the function throws') : NONE;
    } finally {
      this.callDepth--;
    }
  }

  /** A statement list with its function declarations hoisted, as JS does. */
  private statements(list: readonly ts.Statement[], scope: Scope): Completion {
    for (const s of list) {
      if (ts.isFunctionDeclaration(s) && s.body) {
        // `export default function () {}` has no name to bind but may still build a model.
        const fn = this.makeFunction(s, scope, s.name?.text ?? 'default');
        if (s.name) scope.declare(s.name.text, fn);
        this.noteTopLevel(fn);
      }
    }
    for (const s of list) {
      const done = this.statement(s, scope);
      if (done) return done;
    }
    return undefined;
  }

  private noteTopLevel(fn: Value): void {
    const impl = implOf(fn);
    if (fn.kind === 'function' && impl?.type === 'user' && this.callDepth === 0 && !this.topLevelFunctions.some((t) => t.fn === impl)) {
      this.topLevelFunctions.push({ name: fn.name, fn: impl });
    }
  }

  private statement(node: ts.Statement, scope: Scope, label?: string): Completion {
    return this.nested(node, () => this.statementInner(node, scope, label));
  }

  private statementInner(node: ts.Statement, scope: Scope, label?: string): Completion {
    if (ts.isExpressionStatement(node)) {
      this.evaluate(node.expression, scope);
      return undefined;
    }
    if (ts.isVariableStatement(node)) {
      this.declarations(node.declarationList, scope);
      return undefined;
    }
    if (ts.isBlock(node)) return this.statements(node.statements, new Scope(scope, false));
    if (ts.isIfStatement(node)) return this.ifStatement(node, scope);
    if (ts.isReturnStatement(node)) return { type: 'return', value: node.expression ? this.evaluate(node.expression, scope) : NONE };
    if (ts.isForStatement(node)) return this.forStatement(node, scope, label);
    if (ts.isForOfStatement(node) || ts.isForInStatement(node)) return this.forEachStatement(node, scope, label);
    if (ts.isWhileStatement(node) || ts.isDoStatement(node)) return this.whileStatement(node, scope, label);
    if (ts.isBreakStatement(node)) return { type: 'break', label: node.label?.text };
    if (ts.isContinueStatement(node)) return { type: 'continue', label: node.label?.text };
    if (ts.isLabeledStatement(node)) {
      const done = this.statement(node.statement, scope, node.label.text);
      return done?.type === 'break' && done.label === node.label.text ? undefined : done;
    }
    if (ts.isSwitchStatement(node)) return this.switchStatement(node, scope);
    if (ts.isTryStatement(node)) {
      let done = this.statement(node.tryBlock, scope);
      if (done?.type === 'throw' && node.catchClause) {
        const catchScope = new Scope(scope, false);
        const v = node.catchClause.variableDeclaration;
        if (v) this.bind(v.name, unknown('a caught error'), catchScope);
        done = this.statements(node.catchClause.block.statements, catchScope);
      }
      const fin = node.finallyBlock ? this.statement(node.finallyBlock, scope) : undefined;
      return fin ?? done;
    }
    if (ts.isThrowStatement(node)) return { type: 'throw' };
    if (ts.isImportDeclaration(node)) {
      this.importDeclaration(node, scope);
      return undefined;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      // `import tf = require('@tensorflow/tfjs')`
      const ref = node.moduleReference;
      const v = ts.isExternalModuleReference(ref) && ts.isStringLiteralLike(ref.expression)
        ? moduleValue(ref.expression.text) : unknown('an import ConvLens does not read');
      this.bindName(scope, node.name.text, v, true);
      return undefined;
    }
    if (ts.isExportAssignment(node)) {
      this.evaluate(node.expression, scope);
      return undefined;
    }
    if (ts.isEnumDeclaration(node)) {
      this.enumDeclaration(node, scope);
      return undefined;
    }
    if (ts.isClassDeclaration(node) && node.name) {
      // Custom layers and models are classes; ConvLens cannot see through them.
      scope.declare(node.name.text, unknown(`the class ${node.name.text} is not evaluated`));
    }
    // Function declarations were hoisted; types, interfaces, enums and the rest are skipped.
    return undefined;
  }

  private declarations(declList: ts.VariableDeclarationList, scope: Scope): void {
    const blockScoped = (declList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== 0;
    const target = blockScoped ? scope : scope.functionScope();
    for (const decl of declList.declarations) {
      let v: Value = NONE;
      if (decl.initializer) {
        const init = skipParens(decl.initializer);
        // `const block = (x) => ...` names the function, as JS does.
        v = (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && ts.isIdentifier(decl.name)
          ? this.makeFunction(init, scope, decl.name.text)
          : this.evaluate(decl.initializer, scope);
        if (target.parent?.parent === undefined) this.noteTopLevel(v);
      }
      this.bind(decl.name, v, target);
    }
  }

  /**
   * `if` with a known condition follows JS. With an unknown one ConvLens takes the `then`
   * branch (the case the author wrote code for), unless that branch only exits (return,
   * throw, break) and the `else` branch does not: guards such as `if (!ok) throw ...` are
   * then skipped. Either way an info diagnostic says what was assumed, and the reader reads the
   * file again with the other branch to see which models the choice changes.
   */
  private ifStatement(node: ts.IfStatement, scope: Scope): Completion {
    let cond = jsTruthy(this.evaluate(node.expression, scope));
    if (cond === undefined) {
      const assumed = !(exits(node.thenStatement) && !(node.elseStatement && exits(node.elseStatement)));
      cond = this.undecidedCondition(node.expression, 'if', assumed);
    }
    if (cond) return this.statement(node.thenStatement, scope);
    return node.elseStatement ? this.statement(node.elseStatement, scope) : undefined;
  }

  /** Runs one loop body; returns 'stop' to leave the loop, or a completion to propagate. */
  private loopBody(body: ts.Statement, scope: Scope, label: string | undefined): Completion | 'next' | 'stop' {
    const done = this.statement(body, scope);
    if (!done) return 'next';
    if (done.type === 'continue' && (done.label === undefined || done.label === label)) return 'next';
    if (done.type === 'break' && done.label === undefined) return 'stop';
    return done;
  }

  private tooManyIterations(node: ts.Node, count: number): boolean {
    if (count < LIMITS.loopIterations) return false;
    this.report(node, `evaluation stopped: loop runs more than ${LIMITS.loopIterations} times`);
    return true;
  }

  /** The condition of a while/for loop; an unknown one ends the loop with a warning. */
  private loopCondition(expr: ts.Expression | undefined, scope: Scope): boolean {
    if (!expr) return true;
    const t = jsTruthy(this.evaluate(expr, scope));
    if (t === undefined) this.report(expr, 'ConvLens could not evaluate this loop condition statically; the loop was not followed');
    return t === true;
  }

  private forStatement(node: ts.ForStatement, outer: Scope, label: string | undefined): Completion {
    const scope = new Scope(outer, false);
    if (node.initializer) {
      if (ts.isVariableDeclarationList(node.initializer)) this.declarations(node.initializer, scope);
      else this.evaluate(node.initializer, scope);
    }
    for (let count = 0; this.loopCondition(node.condition, scope); count++) {
      if (this.tooManyIterations(node, count)) break;
      const r = this.loopBody(node.statement, new Scope(scope, false), label);
      if (r === 'stop') break;
      if (r !== 'next') return r;
      if (node.incrementor) this.evaluate(node.incrementor, scope);
    }
    return undefined;
  }

  private forEachStatement(node: ts.ForOfStatement | ts.ForInStatement, scope: Scope, label: string | undefined): Completion {
    const iterable = this.evaluate(node.expression, scope);
    let items: Value[] | undefined;
    if (ts.isForOfStatement(node)) {
      if (iterable.kind === 'list') items = [...iterable.items];
      else if (iterable.kind === 'string') items = [...iterable.value].map(stringValue);
    } else if (iterable.kind === 'dict') items = [...iterable.entries.keys()].map(stringValue);
    else if (iterable.kind === 'list') items = iterable.items.map((_, i) => stringValue(String(i)));
    if (!items) {
      this.report(node.expression, 'ConvLens cannot list what this loop iterates over; the loop was not followed');
      return undefined;
    }
    for (const [count, item] of items.entries()) {
      if (this.tooManyIterations(node, count)) break;
      const iterScope = new Scope(scope, false);
      const init = node.initializer;
      if (ts.isVariableDeclarationList(init)) {
        const decl = init.declarations[0];
        if (decl) this.bind(decl.name, item, iterScope);
      } else assignTarget(this, init, item, iterScope); // `for (x of xs)` with x declared earlier
      const r = this.loopBody(node.statement, iterScope, label);
      if (r === 'stop') break;
      if (r !== 'next') return r;
    }
    return undefined;
  }

  private whileStatement(node: ts.WhileStatement | ts.DoStatement, scope: Scope, label: string | undefined): Completion {
    let first = ts.isDoStatement(node);
    for (let count = 0; first || this.loopCondition(node.expression, scope); count++) {
      first = false;
      if (this.tooManyIterations(node, count)) break;
      const r = this.loopBody(node.statement, new Scope(scope, false), label);
      if (r === 'stop') break;
      if (r !== 'next') return r;
    }
    return undefined;
  }

  private switchStatement(node: ts.SwitchStatement, outer: Scope): Completion {
    const subject = this.evaluate(node.expression, outer);
    const clauses = node.caseBlock.clauses;
    let start = -1;
    for (const [i, clause] of clauses.entries()) {
      if (!ts.isCaseClause(clause)) continue;
      const eq = strictEquals(subject, this.evaluate(clause.expression, outer));
      if (eq === undefined) {
        this.report(node.expression, 'ConvLens could not evaluate this switch statically; it was not followed');
        return undefined;
      }
      if (eq) {
        start = i;
        break;
      }
    }
    if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
    if (start < 0) return undefined;
    const scope = new Scope(outer, false);
    const done = this.statements(clauses.slice(start).flatMap((c) => [...c.statements]), scope);
    return done?.type === 'break' && done.label === undefined ? undefined : done;
  }

  /** `enum Size { Small = 32, Large = Small * 2 }` as a dict; members without initializer count up. */
  private enumDeclaration(node: ts.EnumDeclaration, scope: Scope): void {
    const entries = new Map<string, Value>();
    const enumScope = new Scope(scope, false);
    let next: Value = num(0);
    for (const member of node.members) {
      const key = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
      const v = member.initializer ? this.evaluate(member.initializer, enumScope) : next;
      if (key !== undefined) {
        entries.set(key, v);
        enumScope.declare(key, v);
      }
      next = v.kind === 'number' ? num(v.value + 1) : unknown('an enum member after a non-numeric one');
    }
    scope.declare(node.name.text, { kind: 'dict', entries });
  }

  private importDeclaration(node: ts.ImportDeclaration, scope: Scope): void {
    const clause = node.importClause;
    if (!clause || !ts.isStringLiteralLike(node.moduleSpecifier)) return;
    const mod = moduleValue(node.moduleSpecifier.text);
    if (clause.name) this.bindName(scope, clause.name.text, moduleMember(mod, 'default', this.runtime), true);
    const bindings = clause.namedBindings;
    if (!bindings) return;
    if (ts.isNamespaceImport(bindings)) {
      this.bindName(scope, bindings.name.text, mod, true);
      return;
    }
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      this.bindName(scope, el.name.text, moduleMember(mod, imported, this.runtime), true);
    }
  }
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Whether a statement always jumps away (a guard clause), looking at its top level only. */
function exits(s: ts.Statement): boolean {
  if (ts.isReturnStatement(s) || ts.isThrowStatement(s) || ts.isBreakStatement(s) || ts.isContinueStatement(s)) return true;
  return ts.isBlock(s) && s.statements.some(exits);
}
