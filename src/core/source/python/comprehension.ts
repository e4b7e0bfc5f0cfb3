/**
 * List, generator and dict comprehensions: `[f * 2 for f in filters if f > 16]`.
 * They run in their own scope, like Python 3, over known sequences only.
 */
import { list, truthy, unknown, type Value } from '../values';
import { iterate } from './builtins';
import { CapExceeded, LIMITS, checkSize } from './limits';
import { isToken, type SyntaxNode } from './syntax';

/** What a comprehension needs from the evaluator. */
export interface ComprehensionHost {
  evaluate(node: SyntaxNode): Value;
  assignTargets(nodes: SyntaxNode[], value: Value): void;
  inChildScope<T>(f: () => T): T;
}

type Clause = { kind: 'for'; targets: SyntaxNode[]; iterable: SyntaxNode[] } | { kind: 'if'; cond: SyntaxNode };

/** Splits `for t in xs if c for u in ys` into clauses. */
function clauses(parts: SyntaxNode[]): Clause[] {
  const out: Clause[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === 'for') {
      const targets: SyntaxNode[] = [];
      for (i++; i < parts.length && parts[i].name !== 'in'; i++) targets.push(parts[i]);
      const iterable: SyntaxNode[] = [];
      for (i++; i < parts.length && parts[i].name !== 'for' && parts[i].name !== 'if'; i++) iterable.push(parts[i]);
      i--;
      out.push({ kind: 'for', targets, iterable });
    } else if (parts[i].name === 'if' && parts[i + 1]) {
      out.push({ kind: 'if', cond: parts[++i] });
    }
  }
  return out;
}

/** `parts` are the children inside the brackets: element (or key ':' value), then clauses. */
export function comprehension(host: ComprehensionHost, parts: SyntaxNode[], kind: 'list' | 'dict'): Value {
  const forAt = parts.findIndex((p) => p.name === 'for');
  if (forAt < 1) return unknown('incomplete comprehension');
  const head = parts.slice(0, forAt).filter((p) => !isToken(p));
  const all = clauses(parts.slice(forAt));
  const items: Value[] = [];
  const entries = new Map<string, Value>();
  let failed: string | undefined;
  let iterations = 0;

  const run = (ci: number): void => {
    if (failed !== undefined) return;
    if (ci === all.length) {
      if (kind === 'list') {
        items.push(host.evaluate(head[0]));
        checkSize(items.length, 'a list', 1);
      } else {
        const key = host.evaluate(head[0]);
        if (key.kind !== 'string' || !head[1]) failed = 'a dict comprehension with keys that are not strings';
        else entries.set(key.value, host.evaluate(head[1]));
      }
      return;
    }
    const clause = all[ci];
    if (clause.kind === 'if') {
      const t = truthy(host.evaluate(clause.cond));
      if (t === undefined) failed = 'a comprehension condition that is not known';
      else if (t) run(ci + 1);
      return;
    }
    const nodes = clause.iterable.filter((n) => !isToken(n));
    const source = nodes.length === 1 ? host.evaluate(nodes[0]) : list(nodes.map((n) => host.evaluate(n)), true);
    const seq = iterate(source);
    if (!seq) {
      failed = source.kind === 'unknown' ? source.reason : `a comprehension over ${source.kind}`;
      return;
    }
    for (const item of [...seq]) {
      if (++iterations > LIMITS.loopIterations) {
        throw new CapExceeded(`evaluation stopped: comprehension runs more than ${LIMITS.loopIterations} times`);
      }
      host.assignTargets(clause.targets, item);
      run(ci + 1);
      if (failed !== undefined) return;
    }
  };

  if (head.length === 0) return unknown('incomplete comprehension');
  host.inChildScope(() => run(0));
  if (failed !== undefined) return unknown(failed);
  return kind === 'list' ? list(items) : { kind: 'dict', entries };
}
