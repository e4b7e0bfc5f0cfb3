/**
 * The state every part of the Python interpreter shares: the current scope, the step
 * and nesting budgets, diagnostics, source ranges and assignment to targets (used by
 * `=`, `for` targets, comprehensions and `:=` alike).
 */
import type { Diagnostic, Severity, SourceRange } from '../../model/spec';
import type { ModelRuntime } from '../runtime';
import { describe, unknown, type Value } from '../values';
import { builtinValue, iterate } from './builtins';
import { CapExceeded, EvaluationStopped, LIMITS } from './limits';
import type { LineIndex } from './ranges';
import { Scope } from './scope';
import { children, isToken, type SyntaxNode } from './syntax';

export abstract class EvaluatorBase {
  readonly diagnostics: Diagnostic[] = [];
  protected scope: Scope = new Scope();
  private steps = 0;
  private nesting = 0;
  /** Diagnostics already reported, so a warning inside a loop is shown once. */
  private readonly reported = new Set<string>();
  /** While collectDoubts runs: every message reported, shown before or not. */
  private doubts?: string[];

  constructor(
    protected readonly text: string,
    protected readonly lines: LineIndex,
    protected readonly runtime: ModelRuntime,
  ) {}

  abstract evaluate(node: SyntaxNode): Value;

  protected word(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  protected range(node: SyntaxNode): SourceRange {
    return this.lines.range(node.from, node.to);
  }

  report(severity: Severity, where: SyntaxNode | SourceRange, message: string): void {
    const range = 'start' in where ? where : this.range(where);
    this.doubts?.push(message);
    const key = `${severity}|${message}|${range.start.line}:${range.start.column}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push({ severity, message, range });
  }

  /**
   * Counts one evaluation step and one level of syntax nesting around `f`. The step
   * budget ends the whole evaluation; the nesting cap only abandons the statement.
   */
  protected guarded<T>(f: () => T): T {
    if (++this.steps > LIMITS.steps) {
      throw new EvaluationStopped(`evaluation stopped: more than ${LIMITS.steps} evaluation steps; the rest of the file is not read`);
    }
    if (this.nesting >= LIMITS.nesting) throw new CapExceeded(`evaluation stopped: code nested more than ${LIMITS.nesting} levels deep`);
    this.nesting++;
    try {
      return f();
    } finally {
      this.nesting--;
    }
  }

  /**
   * Runs `f` and returns every diagnostic message reported meanwhile (a condition it could not
   * decide, a loop it skipped): a custom layer's `__init__` with one is not read as certain.
   */
  collectDoubts(f: () => void): string[] {
    const outer = this.doubts;
    const mine: string[] = [];
    this.doubts = mine;
    try {
      f();
    } finally {
      this.doubts = outer;
      outer?.push(...mine);
    }
    return mine;
  }

  /** Non-token children: the expressions or statements inside a node. */
  protected parts(node: SyntaxNode): SyntaxNode[] {
    return children(node).filter((c) => !isToken(c));
  }

  /** Runs `f` in a new scope inside the current one (comprehensions have their own scope). */
  inChildScope<T>(f: () => T): T {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      return f();
    } finally {
      this.scope = saved;
    }
  }

  protected lookup(name: string): Value {
    return this.scope.lookup(name) ?? builtinValue(name) ?? unknown(`'${name}' is not defined in this file`);
  }

  protected setVariable(name: string, value: Value): void {
    const scope = this.scope.target(name);
    scope.vars.set(name, value);
    this.runtime.bindVariable(name, value, scope.isModule);
  }

  /**
   * Assigns to the target nodes of one `=` (or a `for`), which may be a comma list:
   * `a, b = ...`, `x = ...`, `x, = ...`.
   */
  assignTargets(nodes: SyntaxNode[], value: Value): void {
    const hasComma = nodes.some((n) => n.name === ',');
    const targets = nodes.filter((n) => n.name !== ',' && n.name !== 'TypeDef');
    if (!hasComma && targets.length === 1) this.assignTarget(targets[0], value);
    else this.unpack(targets, value);
  }

  protected assignTarget(node: SyntaxNode, value: Value): void {
    switch (node.name) {
      case 'VariableName':
        this.setVariable(this.word(node), value);
        return;
      case 'ParenthesizedExpression':
      case 'TupleExpression':
      case 'ArrayExpression': {
        const inner = children(node).filter((c) => !['(', ')', '[', ']'].includes(c.name));
        if (node.name === 'ParenthesizedExpression' && inner.length === 1) this.assignTarget(inner[0], value);
        else this.unpack(inner.filter((n) => n.name !== ','), value);
        return;
      }
      case 'MemberExpression':
        this.assignItem(node, value);
        return;
      default:
        // Anything else (a syntax error, a call) is not a target Python would accept.
        return;
    }
  }

  /**
   * `d["key"] = v` and `lst[i] = v` mutate known containers; `obj.attr = v` goes to the
   * runtime (only `conv_base.trainable = False` means something there).
   */
  private assignItem(node: SyntaxNode, value: Value): void {
    const kids = children(node);
    if (kids[1]?.name === '.' && kids[2]) {
      this.runtime.setAttribute(this.evaluate(kids[0]), this.word(kids[2]), value);
      return;
    }
    if (kids[1]?.name !== '[' || kids.length !== 4) return;
    const container = this.evaluate(kids[0]);
    const key = this.evaluate(kids[2]);
    if (container.kind === 'dict' && key.kind === 'string') container.entries.set(key.value, value);
    else if (container.kind === 'list' && !container.tuple && key.kind === 'number') {
      const i = key.value < 0 ? container.items.length + key.value : key.value;
      if (Number.isInteger(i) && i >= 0 && i < container.items.length) container.items[i] = value;
    }
  }

  /** Tuple unpacking, with at most one starred target: `a, *rest = values`. */
  private unpack(targets: SyntaxNode[], value: Value): void {
    // A '*' token marks the starred target that follows it.
    const starAt = targets.findIndex((t) => t.name === '*');
    const names = targets.filter((t) => t.name !== '*');
    const items = iterate(value);
    const fail = (reason: string): void => names.forEach((t) => this.assignTarget(t, unknown(reason)));
    if (!items) {
      fail(value.kind === 'unknown' ? value.reason : `cannot unpack ${describe(value)} statically`);
      return;
    }
    if (starAt < 0) {
      if (items.length !== names.length) fail(`cannot unpack ${items.length} values into ${names.length} names`);
      else names.forEach((t, i) => this.assignTarget(t, items[i]));
      return;
    }
    const after = names.length - starAt - 1;
    if (items.length < names.length - 1) {
      fail(`cannot unpack ${items.length} values into ${names.length} names`);
      return;
    }
    names.forEach((t, i) => {
      if (i < starAt) this.assignTarget(t, items[i]);
      else if (i === starAt) this.assignTarget(t, { kind: 'list', items: items.slice(starAt, items.length - after), tuple: false });
      else this.assignTarget(t, items[items.length - (names.length - i)]);
    });
  }
}
