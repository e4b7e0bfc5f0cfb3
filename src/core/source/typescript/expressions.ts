/**
 * Expression evaluation for the TypeScript/JavaScript reader. The statement half lives in
 * interpreter.ts, which extends this class; the split only keeps each file readable.
 * Library values (refs, layers, models, tensors, unknowns) never get JS semantics here:
 * their attributes and calls are handed to the shared ModelRuntime.
 */
import * as ts from 'typescript';
import type { Diagnostic, Severity, SourceRange } from '../../model/spec';
import type { CallArgs, ModelRuntime } from '../runtime';
import { NONE, describe, num, unknown, type Value } from '../values';
import { primitiveMember } from './builtins';
import { moduleMember, moduleValue } from './modules';
import { binaryOp, jsTruthy, stringValue, toJsString, unaryOp } from './operators';
import { FILE_START, rangeOf } from './ranges';
import type { UndecidedCondition } from '../undecidedBranches';
import {
  LIMITS, type Scope, StopEvaluation, cappedList, functionValue, implOf, type BuiltinContext, type FunctionNode, type UserFunction,
} from './scope';
import { assignTarget, bindPattern, elementOf, propertyKey } from './patterns';

export abstract class ExpressionEvaluator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  private steps = 0;
  private nesting = 0;
  private nestingReported = false;
  /** The node evaluated last: where a 'steps exhausted' stop is reported. */
  protected current: ts.Node | undefined;
  /** Conditions that could not be decided, by their start offset, in the order first met (source/undecidedBranches.ts). */
  readonly undecided = new Map<number, UndecidedCondition>();
  /** The truth to use for an undecided condition (by start offset) instead of the one assumed. */
  branchOverrides: ReadonlyMap<number, boolean> = new Map();

  constructor(protected readonly sf: ts.SourceFile, protected readonly runtime: ModelRuntime) {}

  /** Interprets a user function's body with `args`; implemented with the statements. */
  protected abstract invokeUser(fn: UserFunction, args: Value[], node: ts.Node): Value;
  /** Whether code now runs outside every user function (names models, see bindVariable). */
  protected abstract get atModuleLevel(): boolean;

  range(node: ts.Node): SourceRange {
    return rangeOf(this.sf, node);
  }

  /** Records a diagnostic once per message and place (loops and repeated calls would repeat it). */
  report(node: ts.Node, message: string, severity: Severity = 'warning'): void {
    // File-level problems point at the file's start, not at the whole file.
    const range = ts.isSourceFile(node) ? FILE_START : this.range(node);
    const key = `${severity}|${message}|${range.start.line}:${range.start.column}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push({ severity, message, range });
  }

  /**
   * An undecidable condition: the branch `assumed` is read (and the user told), unless the other
   * reading of the file asks for the other one. The reader compares the models of both readings.
   */
  protected undecidedCondition(cond: ts.Expression, keyword: 'if' | '?', assumed: boolean): boolean {
    const at = cond.getStart(this.sf);
    if (!this.undecided.has(at)) {
      const text = cond.getText(this.sf).split(/\s+/).join(' ');
      const clipped = text.length > 60 ? `${text.slice(0, 57)}…` : text;
      this.undecided.set(at, {
        shown: keyword === 'if' ? `\`if (${clipped})\`` : `\`${clipped} ? … : …\``,
        line: this.range(cond).start.line,
        other: !assumed,
        readAs: assumed ? 'with the first branch' : 'with the else branch',
      });
    }
    this.report(cond, `ConvLens could not evaluate this condition statically; it assumed it is ${assumed}`, 'info');
    return this.branchOverrides.get(at) ?? assumed;
  }

  /** Counts one evaluation step; the whole file gets LIMITS.steps. */
  protected step(): void {
    if (++this.steps > LIMITS.steps) throw new StopEvaluation(`evaluation stopped: more than ${LIMITS.steps} evaluation steps`);
  }

  /** Runs `fn` one syntactic level deeper, or returns undefined past LIMITS.nesting (stack safety). */
  protected nested<T>(node: ts.Node, fn: () => T): T | undefined {
    this.current = node;
    this.step();
    if (this.nesting >= LIMITS.nesting) {
      // Reported once: every sibling at this depth would repeat it.
      if (!this.nestingReported) this.report(node, `evaluation stopped: code nested more than ${LIMITS.nesting} levels deep`);
      this.nestingReported = true;
      return undefined;
    }
    this.nesting++;
    try {
      return fn();
    } finally {
      this.nesting--;
    }
  }

  evaluate(node: ts.Expression, scope: Scope): Value {
    return this.nested(node, () => this.evaluateInner(node, scope)) ?? unknown('an expression nested too deeply');
  }

  private evaluateInner(node: ts.Expression, scope: Scope): Value {
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) ||
      ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node) || ts.isAwaitExpression(node)) {
      // Types and `await` do not change the value ConvLens follows.
      return this.evaluate(node.expression, scope);
    }
    if (ts.isNumericLiteral(node)) return num(Number(node.text));
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return stringValue(node.text);
    if (ts.isTemplateExpression(node)) return this.template(node, scope);
    if (ts.isIdentifier(node)) return scope.lookup(node.text) ?? unknown(`'${node.text}' is not defined in this file`);
    if (ts.isArrayLiteralExpression(node)) return this.arrayLiteral(node, scope);
    if (ts.isObjectLiteralExpression(node)) return this.objectLiteral(node, scope);
    if (ts.isPropertyAccessExpression(node)) {
      const target = this.evaluate(node.expression, scope);
      if (node.questionDotToken && target.kind === 'none') return NONE;
      return ts.isIdentifier(node.name) ? this.member(target, node.name.text) : unknown('private fields are not evaluated');
    }
    if (ts.isElementAccessExpression(node)) {
      const target = this.evaluate(node.expression, scope);
      if (node.questionDotToken && target.kind === 'none') return NONE;
      return this.element(target, this.evaluate(node.argumentExpression, scope));
    }
    if (ts.isCallExpression(node)) return this.callExpression(node, scope);
    if (ts.isBinaryExpression(node)) return this.binary(node, scope);
    if (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) return this.unary(node, scope);
    if (ts.isConditionalExpression(node)) {
      const cond = jsTruthy(this.evaluate(node.condition, scope)) ?? this.undecidedCondition(node.condition, '?', true);
      return this.evaluate(cond ? node.whenTrue : node.whenFalse, scope);
    }
    if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return this.makeFunction(node, scope, node.name?.text ?? 'anonymous');
    if (ts.isTypeOfExpression(node)) return unaryOp('typeof', this.evaluate(node.expression, scope));
    if (ts.isVoidExpression(node)) {
      this.evaluate(node.expression, scope);
      return NONE;
    }
    switch (node.kind) {
      case ts.SyntaxKind.TrueKeyword: return { kind: 'bool', value: true };
      case ts.SyntaxKind.FalseKeyword: return { kind: 'bool', value: false };
      case ts.SyntaxKind.NullKeyword: return NONE;
      default: return unknown('an expression ConvLens does not evaluate');
    }
  }

  makeFunction(node: FunctionNode, scope: Scope, name: string): Value {
    const impl: UserFunction = { type: 'user', node, closure: scope, called: false };
    return functionValue(name, impl);
  }

  private template(node: ts.TemplateExpression, scope: Scope): Value {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = toJsString(this.evaluate(span.expression, scope));
      if (part === undefined) return unknown('a template string with a value ConvLens cannot print');
      text += part + span.literal.text;
    }
    return stringValue(text);
  }

  private arrayLiteral(node: ts.ArrayLiteralExpression, scope: Scope): Value {
    const items: Value[] = [];
    for (const el of node.elements) {
      if (ts.isOmittedExpression(el)) items.push(NONE);
      else if (ts.isSpreadElement(el)) {
        const spread = this.spreadItems(this.evaluate(el.expression, scope));
        if (!spread) return unknown('an array spreading a value ConvLens cannot list');
        items.push(...spread);
      } else items.push(this.evaluate(el, scope));
      if (items.length > LIMITS.arrayLength) break;
    }
    return cappedList(items, (m) => this.report(node, m));
  }

  private spreadItems(v: Value): Value[] | undefined {
    if (v.kind === 'list') return v.items;
    if (v.kind === 'string') return [...v.value].map(stringValue);
    return undefined;
  }

  /** Object literals become dicts; `ranges` point at each value for per-argument diagnostics. */
  private objectLiteral(node: ts.ObjectLiteralExpression, scope: Scope): Value {
    const entries = new Map<string, Value>();
    const ranges = new Map<string, SourceRange>();
    for (const prop of node.properties) {
      if (ts.isSpreadAssignment(prop)) {
        const v = this.evaluate(prop.expression, scope);
        if (v.kind === 'dict') {
          for (const [k, item] of v.entries) {
            entries.set(k, item);
            ranges.set(k, v.ranges?.get(k) ?? this.range(prop));
          }
        } else if (v.kind !== 'none') this.report(prop, `ConvLens cannot list the properties spread from ${describe(v)}`, 'info');
        continue;
      }
      const key = propertyKey(this, prop.name, scope);
      if (key === undefined) continue;
      if (ts.isPropertyAssignment(prop)) {
        const v = ts.isFunctionExpression(prop.initializer) || ts.isArrowFunction(prop.initializer)
          ? this.makeFunction(prop.initializer, scope, key)
          : this.evaluate(prop.initializer, scope);
        entries.set(key, v);
        ranges.set(key, this.range(prop.initializer));
      } else if (ts.isShorthandPropertyAssignment(prop)) {
        entries.set(key, this.evaluate(prop.name, scope));
        ranges.set(key, this.range(prop.name));
      } else if (ts.isMethodDeclaration(prop)) {
        entries.set(key, this.makeFunction(prop, scope, key));
        ranges.set(key, this.range(prop));
      }
    }
    return { kind: 'dict', entries, ranges };
  }

  /** `target.name = value` on a library object (a layer's or model's `trainable`). */
  setAttribute(target: Value, name: string, value: Value): void {
    this.runtime.setAttribute(target, name, value);
  }

  /** `target.name`: plain values here, library values in the runtime. */
  member(target: Value, name: string): Value {
    switch (target.kind) {
      case 'dict': return target.entries.get(name) ?? NONE;
      case 'list': case 'string':
        return primitiveMember(target, name) ?? unknown(`'${name}' of ${target.kind === 'list' ? 'an array' : 'a string'} is not evaluated`);
      case 'none': return unknown(`reading '${name}' of undefined`);
      case 'ref': return moduleMember(target, name, this.runtime);
      case 'layer': case 'model': case 'tensor': case 'unknown':
        return this.runtime.getAttribute(target, name);
      default: return unknown(`'${name}' of ${describe(target)} is not evaluated`);
    }
  }

  /** `target[index]`. */
  element(target: Value, index: Value): Value {
    if (index.kind === 'number' && (target.kind === 'list' || target.kind === 'string')) {
      return elementOf(target, index.value);
    }
    if (index.kind === 'string') return this.member(target, index.value);
    // Object keys are strings in JS: `sizes[3]` reads the key '3'.
    if (index.kind === 'number' && target.kind === 'dict') return this.member(target, String(index.value));
    if (target.kind === 'unknown') return target;
    return index.kind === 'unknown' ? index : unknown(`an element of ${describe(target)}`);
  }

  private callExpression(node: ts.CallExpression, scope: Scope): Value {
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      // `await import('@tensorflow/tfjs')`: the promise is unwrapped by `await` anyway.
      const spec = node.arguments[0];
      return spec && ts.isStringLiteralLike(spec) ? moduleValue(spec.text) : unknown('import() of a computed module name');
    }
    const callee = this.evaluate(node.expression, scope);
    if (node.questionDotToken && callee.kind === 'none') return NONE;
    const args: Value[] = [];
    const ranges: SourceRange[] = [];
    for (const arg of node.arguments) {
      if (ts.isSpreadElement(arg)) {
        const items = this.spreadItems(this.evaluate(arg.expression, scope));
        if (!items) return unknown('a call spreading a value ConvLens cannot list');
        for (const item of items) {
          args.push(item);
          ranges.push(this.range(arg));
        }
      } else {
        args.push(this.evaluate(arg, scope));
        ranges.push(this.range(arg));
      }
    }
    return this.callValue(callee, args, ranges, node);
  }

  /** Calls any value: user functions are interpreted, builtins computed, the rest goes to the runtime. */
  callValue(callee: Value, args: Value[], ranges: SourceRange[], node: ts.Node): Value {
    const impl = implOf(callee);
    if (impl?.type === 'user') return this.invokeUser(impl, args, node);
    if (impl?.type === 'builtin') return impl.call(args, this.builtinContext(node));
    if (callee.kind === 'function') return unknown(`${callee.name} is not evaluated`);
    if (callee.kind === 'ref' || callee.kind === 'layer' || callee.kind === 'model' || callee.kind === 'method' || callee.kind === 'unknown') {
      const callArgs: CallArgs = { positional: args, positionalRanges: ranges, keyword: new Map(), keywordRanges: new Map() };
      return this.runtime.call(callee, callArgs, this.range(node));
    }
    return unknown(`${describe(callee)} is not a function`);
  }

  private builtinContext(node: ts.Node): BuiltinContext {
    return {
      call: (fn, args) => this.callValue(fn, args, [], node),
      list: (items) => cappedList(items, (m) => this.report(node, m)),
      warn: (m) => this.report(node, m),
    };
  }

  private binary(node: ts.BinaryExpression, scope: Scope): Value {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) {
      const value = this.evaluate(node.right, scope);
      assignTarget(this, node.left, value, scope);
      return value;
    }
    const compound = COMPOUND_ASSIGNMENTS.get(op);
    if (compound) {
      const current = this.evaluate(node.left, scope);
      const value = this.combine(compound, current, node.right, scope);
      assignTarget(this, node.left, value, scope);
      return value;
    }
    if (op === ts.SyntaxKind.CommaToken) {
      this.evaluate(node.left, scope);
      return this.evaluate(node.right, scope);
    }
    const text = ts.tokenToString(op) ?? '';
    return this.combine(text, this.evaluate(node.left, scope), node.right, scope);
  }

  /** `left op right` with && || ?? short-circuiting: the right side is only evaluated when JS would. */
  private combine(op: string, left: Value, right: ts.Expression, scope: Scope): Value {
    if (op === '&&' || op === '||') {
      const t = jsTruthy(left);
      if (t === undefined) return unknown(`'${op}' of an unknown value`);
      return t === (op === '&&') ? this.evaluate(right, scope) : left;
    }
    if (op === '??') {
      if (left.kind === 'unknown') return left;
      return left.kind === 'none' ? this.evaluate(right, scope) : left;
    }
    return binaryOp(op, left, this.evaluate(right, scope));
  }

  private unary(node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, scope: Scope): Value {
    const op = node.operator;
    if (op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken) {
      const old = binaryOp('-', this.evaluate(node.operand, scope), num(0));
      const updated = binaryOp(op === ts.SyntaxKind.PlusPlusToken ? '+' : '-', old, num(1));
      assignTarget(this, node.operand, updated, scope);
      return ts.isPrefixUnaryExpression(node) ? updated : old;
    }
    return unaryOp(ts.tokenToString(op) ?? '', this.evaluate(node.operand, scope));
  }

  /** Binds a declared or assigned name, telling the runtime so models get their variable names. */
  bindName(scope: Scope, name: string, value: Value, declare: boolean): void {
    if (declare) scope.declare(name, value);
    else scope.assign(name, value);
    this.runtime.bindVariable(name, value, this.atModuleLevel);
  }

  /** Destructuring or plain binding of a declaration, parameter or loop variable. */
  bind(name: ts.BindingName, value: Value, scope: Scope): void {
    bindPattern(this, name, value, scope);
  }
}

const COMPOUND_ASSIGNMENTS = new Map<ts.SyntaxKind, string>([
  [ts.SyntaxKind.PlusEqualsToken, '+'], [ts.SyntaxKind.MinusEqualsToken, '-'], [ts.SyntaxKind.AsteriskEqualsToken, '*'],
  [ts.SyntaxKind.SlashEqualsToken, '/'], [ts.SyntaxKind.PercentEqualsToken, '%'], [ts.SyntaxKind.AsteriskAsteriskEqualsToken, '**'],
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken, '&&'], [ts.SyntaxKind.BarBarEqualsToken, '||'],
  [ts.SyntaxKind.QuestionQuestionEqualsToken, '??'], [ts.SyntaxKind.AmpersandEqualsToken, '&'],
  [ts.SyntaxKind.BarEqualsToken, '|'], [ts.SyntaxKind.CaretEqualsToken, '^'],
  [ts.SyntaxKind.LessThanLessThanEqualsToken, '<<'], [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken, '>>'],
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, '>>>'],
]);
