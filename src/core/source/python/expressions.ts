/**
 * Expression evaluation: literals, operators, subscripts, attribute access and calls.
 * Library values (refs, layers, models, tensors) are handed to the runtime; plain
 * values are computed here; user functions are run by the statement interpreter.
 */
import type { SourceRange } from '../../model/spec';
import { callArgs, type CallArgs } from '../runtime';
import { NONE, list, num, str, truthy, unknown, type Value } from '../values';
import type { UndecidedCondition } from '../undecidedBranches';
import { EvaluatorBase } from './base';
import { BuiltinFunction, callValueMethod, isValueMethod, iterate } from './builtins';
import { comprehension } from './comprehension';
import { instantiateCustomLayer } from './customClass';
import { readLambdaLayer } from './lambdaLayer';
import { checkSize } from './limits';
import { binaryOp, compare, slice, subscript, toText, unaryOp } from './operators';
import { CustomLayerClass, ModelSubclass, UserFunction, type Param } from './scope';
import { children, isToken, parseNumber, isFloatLiteral, parseStringToken, trailingDotFloat, unescape, type SyntaxNode } from './syntax';

const COMPARE_OPS = new Set(['CompareOp', 'in', 'is', 'not']);

export abstract class ExpressionEvaluator extends EvaluatorBase {
  /** Conditions that could not be decided, keyed by their start offset, in the order first met. */
  readonly undecided = new Map<number, UndecidedCondition>();
  /**
   * The other reading of an undecided condition, by its start offset: false takes an `if`'s
   * other branch, true runs a loop over unknown items once.
   */
  branchOverrides: ReadonlyMap<number, boolean> = new Map();

  protected abstract callUser(fn: UserFunction, args: CallArgs, range: SourceRange): Value;

  evaluate(node: SyntaxNode): Value {
    return this.guarded(() => this.evaluateNode(node));
  }

  private evaluateNode(node: SyntaxNode): Value {
    switch (node.name) {
      case 'VariableName': return this.lookup(this.word(node));
      case 'Number': {
        const n = parseNumber(this.word(node));
        return n === undefined ? unknown(`the number ${this.word(node)} is not a real number`) : num(n, isFloatLiteral(this.word(node)));
      }
      case 'String': return str(parseStringToken(this.word(node)));
      case 'FormatString': return this.formatString(node);
      case 'ContinuedString': {
        let out = '';
        for (const part of this.parts(node)) {
          const v = this.evaluate(part);
          if (v.kind !== 'string') return v;
          out += v.value;
        }
        return str(out);
      }
      case 'Boolean': return { kind: 'bool', value: this.word(node) === 'True' };
      case 'None': return NONE;
      case 'ParenthesizedExpression': {
        const [inner] = this.parts(node);
        return inner ? this.evaluate(inner) : unknown('empty parentheses');
      }
      case 'TupleExpression': return this.sequence(children(node), true);
      case 'ArrayExpression': return this.sequence(children(node), false);
      case 'DictionaryExpression': return this.dictionary(node);
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
        return comprehension(this, children(node).slice(1, -1), 'list');
      case 'DictionaryComprehensionExpression': return comprehension(this, children(node).slice(1, -1), 'dict');
      case 'UnaryExpression': return this.unary(node);
      case 'BinaryExpression': return this.binary(node);
      case 'ConditionalExpression': {
        const [yes, cond, no] = this.parts(node);
        if (!yes || !cond || !no) return unknown('incomplete conditional expression');
        return this.evaluate(this.chooseBranch(cond, this.conditionText('else', cond)) === false ? no : yes);
      }
      case 'MemberExpression': return this.member(node);
      case 'CallExpression': return this.call(node);
      case 'LambdaExpression': return this.lambda(node);
      case 'NamedExpression': {
        const [target, value] = this.parts(node);
        if (!target || !value) return unknown('incomplete := expression');
        const v = this.evaluate(value);
        this.assignTarget(target, v);
        return v;
      }
      default:
        if (node.type.isError) return unknown('a syntax error');
        return unknown(`${node.name} is not evaluated by ConvLens`);
    }
  }

  /**
   * The truth of a condition; when it cannot be known the first branch is taken (most
   * model code guards optional parts with flags that default to on), the user is told, and
   * the condition is recorded as undecided, so the reader can read the file again with the
   * other branch (`branchOverrides`) and see which models the choice changes (undecidedBranches.ts).
   * @param shown how the condition reads in a message: "`if use_bn:`".
   */
  chooseBranch(cond: SyntaxNode, shown: string): boolean | undefined {
    const v = this.evaluate(cond);
    const t = truthy(v);
    if (t !== undefined) return t;
    this.noteUndecided(cond, shown, 'branch');
    // Reported in every reading, so a custom layer's __init__ is as doubtful with either branch (base.ts's collectDoubts).
    this.report('info', cond, `ConvLens cannot tell whether this condition holds (${v.kind === 'unknown' ? v.reason : 'unknown value'}); it reads the first branch`);
    return this.branchOverrides.get(cond.from);
  }

  /** Records a condition that could not be decided; returns the reading asked for in `branchOverrides`, if any. */
  protected noteUndecided(at: SyntaxNode, shown: string, kind: 'branch' | 'loop'): boolean | undefined {
    if (!this.undecided.has(at.from)) {
      const line = this.range(at).start.line;
      // The other reading takes an `if`'s other branch, or runs a skipped loop once.
      this.undecided.set(at.from, kind === 'branch'
        ? { shown, line, other: false, readAs: 'with the first branch' }
        : { shown, line, other: true, readAs: 'without running the loop' });
    }
    return this.branchOverrides.get(at.from);
  }

  /** `if cond:` as a message shows it: on one line, clipped. */
  protected conditionText(keyword: string, cond: SyntaxNode): string {
    const clipped = oneLine(this.word(cond));
    return keyword === 'else' ? `\`… if ${clipped} else …\`` : `\`${keyword} ${clipped}:\``;
  }

  /** Items of a tuple or list display, `*spread` included; brackets and commas are skipped. */
  private sequence(nodes: SyntaxNode[], tuple: boolean): Value {
    const items: Value[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      if (n.name === '*' && nodes[i + 1]) {
        const spread = this.evaluate(nodes[++i]);
        const more = iterate(spread);
        if (!more) return unknown(spread.kind === 'unknown' ? spread.reason : `cannot spread ${spread.kind}`);
        checkSize(items.length + more.length, 'a list', 0);
        items.push(...more);
      } else if (!isToken(n)) {
        items.push(this.evaluate(n));
      }
    }
    checkSize(items.length);
    return list(items, tuple);
  }

  private dictionary(node: SyntaxNode): Value {
    const entries = new Map<string, Value>();
    const ranges = new Map<string, SourceRange>();
    const kids = children(node);
    for (let i = 0; i < kids.length; i++) {
      const n = kids[i];
      if (n.name === '**' && kids[i + 1]) {
        const spread = this.evaluate(kids[++i]);
        if (spread.kind !== 'dict') return unknown('a ** entry that is not a known dict');
        for (const [k, v] of spread.entries) entries.set(k, v);
      } else if (!isToken(n) && kids[i + 1]?.name === ':' && kids[i + 2]) {
        const key = this.evaluate(n);
        const valueNode = kids[i + 2];
        const value = this.evaluate(valueNode);
        i += 2;
        if (key.kind !== 'string') return unknown('a dict with keys that are not strings');
        entries.set(key.value, value);
        ranges.set(key.value, this.range(valueNode));
      }
    }
    return { kind: 'dict', entries, ranges };
  }

  /** f-strings: the literal text and the value of each `{expr}`; format specs are not applied. */
  private formatString(node: SyntaxNode): Value {
    const raw = this.word(node);
    let i = 0;
    let isRaw = false;
    while (i < raw.length && raw[i] !== '"' && raw[i] !== "'") if ('rR'.includes(raw[i++])) isRaw = true;
    const quote = raw.startsWith(raw[i]?.repeat(3), i) ? 3 : 1;
    const bodyEnd = node.to - (raw.endsWith(raw[i]?.repeat(quote)) ? quote : 0);
    const literal = (from: number, to: number): string => {
      const s = this.text.slice(from, to).split('{{').join('{').split('}}').join('}');
      return isRaw ? s : unescape(s);
    };
    let out = '';
    let pos = node.from + i + quote;
    for (const rep of children(node)) {
      if (rep.name !== 'FormatReplacement') continue;
      out += literal(pos, rep.from);
      pos = rep.to;
      const kids = children(rep);
      if (kids.some((k) => k.name === 'FormatSpec' || k.name === 'FormatConversion')) {
        return unknown('f-string format specs are not evaluated');
      }
      const expr = kids.find((k) => !isToken(k) && k.name !== '{' && k.name !== '}');
      const text = expr ? toText(this.evaluate(expr)) : undefined;
      if (text === undefined) return unknown('an f-string with a value that is not known');
      checkSize(out.length + text.length, 'a string', 0);
      out += text;
    }
    out += literal(pos, Math.max(pos, bodyEnd));
    checkSize(out.length, 'a string');
    return str(out);
  }

  private unary(node: SyntaxNode): Value {
    const [op, operandNode] = children(node);
    if (!op || !operandNode) return unknown('incomplete expression');
    const operand = this.evaluate(operandNode);
    if (op.name === 'not') {
      const t = truthy(operand);
      return t === undefined ? unknown('not of an unknown value') : { kind: 'bool', value: !t };
    }
    if (operand.kind === 'tensor') return this.tensorOp(`'${this.word(op)}'`, [operand], node);
    return unaryOp(this.word(op), operand);
  }

  private binary(node: SyntaxNode): Value {
    const kids = children(node);
    const left = kids[0];
    const right = kids[kids.length - 1];
    const opNodes = kids.slice(1, -1);
    if (!left || !right || opNodes.length === 0 || right.type.isError) return unknown('incomplete expression');
    if (COMPARE_OPS.has(opNodes[0].name)) return this.comparison(node);
    const op = opNodes.map((n) => this.word(n)).join(' ');
    const a = this.evaluate(left);
    if (op === 'and' || op === 'or') {
      const t = truthy(a);
      if (t === undefined) return unknown(`'${op}' of a value that is not known`);
      return t === (op === 'and') ? this.evaluate(right) : a;
    }
    const b = this.evaluate(right);
    if (a.kind === 'tensor' || b.kind === 'tensor') return this.tensorOp(`'${op}'`, [a, b], node);
    return binaryOp(op, a, b);
  }

  /** `a < b <= c` is parsed left-nested; Python means `a < b and b <= c`. */
  private comparison(node: SyntaxNode): Value {
    const operands: SyntaxNode[] = [];
    const ops: string[] = [];
    let n: SyntaxNode = node;
    for (;;) {
      const kids = children(n);
      const opNodes = kids.slice(1, -1);
      operands.unshift(kids[kids.length - 1]);
      ops.unshift(opNodes.map((o) => this.word(o)).join(' '));
      const left = kids[0];
      const leftKids = left.name === 'BinaryExpression' ? children(left) : [];
      if (leftKids.length >= 3 && COMPARE_OPS.has(leftKids[1].name)) n = left;
      else { operands.unshift(left); break; }
    }
    let a = this.evaluate(operands[0]);
    for (let i = 0; i < ops.length; i++) {
      const b = this.evaluate(operands[i + 1]);
      if (a.kind === 'tensor' || b.kind === 'tensor') return this.tensorOp(`'${ops[i]}'`, [a, b], node);
      const r = compare(ops[i], a, b);
      if (r === undefined) return unknown(`the comparison '${ops[i]}' cannot be decided statically`);
      if (!r) return { kind: 'bool', value: false };
      a = b;
    }
    return { kind: 'bool', value: true };
  }

  /** An operation on tensors (`x + y`, `x[:, 0]`) becomes an unresolved node in the graph. */
  private tensorOp(what: string, operands: Value[], node: SyntaxNode): Value {
    const range = this.range(node);
    return this.runtime.call(unknown(`${what} on tensors is only known when the model runs`), callArgs(operands), range);
  }

  private member(node: SyntaxNode): Value {
    const dotFloat = trailingDotFloat(node, this.text);
    if (dotFloat !== undefined) return num(dotFloat, true);
    const kids = children(node);
    const target = this.evaluate(kids[0]);
    if (kids[1]?.name === '.') {
      const prop = kids[2];
      if (!prop || prop.type.isError) return unknown('a syntax error');
      const name = this.word(prop);
      if (isValueMethod(target, name)) return { kind: 'method', target, name };
      // An ImageDataGenerator is a marked dict: its methods (flow_from_directory) are the runtime's.
      if (target.kind === 'dict' && this.runtime.generators.isGenerator(target)) return this.runtime.getAttribute(target, name);
      if (['number', 'string', 'bool', 'none', 'list', 'dict', 'function'].includes(target.kind)) {
        return unknown(`attribute '${name}' of a ${target.kind} is not evaluated`);
      }
      return this.runtime.getAttribute(target, name);
    }
    // Subscript: seq[i], seq[a:b:c], tensor[:, 0].
    const inside = kids.slice(2, -1);
    if (target.kind === 'tensor') return this.tensorOp('indexing', [target], node);
    if (inside.some((k) => k.name === ',')) return unknown('multi-dimensional indexing is not evaluated');
    if (inside.some((k) => k.name === ':')) {
      const bounds: (Value | undefined)[] = [undefined];
      for (const k of inside) {
        if (k.name === ':') bounds.push(undefined);
        else if (!isToken(k)) bounds[bounds.length - 1] = this.evaluate(k);
      }
      return slice(target, bounds[0], bounds[1], bounds[2]);
    }
    const index = inside.find((k) => !isToken(k));
    return index ? subscript(target, this.evaluate(index)) : unknown('empty subscript');
  }

  private call(node: SyntaxNode): Value {
    const calleeNode = node.firstChild;
    if (!calleeNode) return unknown('a syntax error');
    const callee = this.evaluate(calleeNode);
    const argList = calleeNode.nextSibling;
    const args = argList?.name === 'ArgList' ? this.argList(argList) : callArgs();
    return this.callValue(callee, args, this.range(node));
  }

  protected argList(node: SyntaxNode): CallArgs {
    const args = callArgs();
    const kids = children(node).filter((k) => k.name !== '(' && k.name !== ')');
    // A bare generator argument: f(x for x in xs).
    if (kids.some((k) => k.name === 'for')) {
      args.positional.push(comprehension(this, kids, 'list'));
      args.positionalRanges.push(this.range(node));
      return args;
    }
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      const next = kids[i + 1];
      if ((k.name === '*' || k.name === '**') && next) {
        i++;
        const spread = this.evaluate(next);
        const range = this.lines.range(k.from, next.to);
        if (k.name === '*') {
          // Best effort: an unknown *args adds nothing rather than a wrong number of arguments.
          for (const v of iterate(spread) ?? []) { args.positional.push(v); args.positionalRanges.push(range); }
        } else if (spread.kind === 'dict') {
          for (const [key, v] of spread.entries) { args.keyword.set(key, v); args.keywordRanges.set(key, range); }
        }
      } else if (k.name === 'VariableName' && next?.name === 'AssignOp' && kids[i + 2]) {
        const valueNode = kids[i + 2];
        i += 2;
        const key = this.word(k);
        args.keyword.set(key, this.evaluate(valueNode));
        // The whole `name=value`, so a diagnostic about the argument underlines both.
        args.keywordRanges.set(key, this.lines.range(k.from, valueNode.to));
      } else if (!isToken(k)) {
        args.positional.push(this.evaluate(k));
        args.positionalRanges.push(this.range(k));
      }
    }
    return args;
  }

  /** Calls any value: builtins and user functions here, everything else in the runtime. */
  callValue(callee: Value, args: CallArgs, range: SourceRange): Value {
    if (callee.kind === 'function') {
      if (callee.impl instanceof BuiltinFunction) return callee.impl.fn(args);
      if (callee.impl instanceof UserFunction) return this.callUser(callee.impl, args, range);
      if (callee.impl instanceof CustomLayerClass) {
        return instantiateCustomLayer(callee.impl, args, range, this.runtime, this.text,
          (fn, fnArgs) => {
            let value: Value = unknown('not evaluated');
            const doubts = this.collectDoubts(() => { value = this.callUser(fn, fnArgs, range); });
            return { value, doubts };
          });
      }
      if (callee.impl instanceof ModelSubclass) {
        const models = [...args.positional, ...args.keyword.values()].flatMap((v) => (v.kind === 'model' ? [v.model] : []));
        return { kind: 'trainer', trainer: { className: callee.impl.name, models, range } };
      }
      return unknown(`${callee.name}() is not evaluated`);
    }
    if (callee.kind === 'method' && ['list', 'dict', 'string'].includes(callee.target.kind) && !this.runtime.generators.isGenerator(callee.target)) {
      return callValueMethod(callee.target, callee.name, args) ?? unknown(`${callee.name}() is not evaluated`);
    }
    // Keras' default configuration, so `if K.image_data_format() == 'channels_first'` takes the usual branch.
    if (callee.kind === 'ref' && callee.path.startsWith('keras.') && callee.path.endsWith('.image_data_format')) return str('channels_last');
    const made = this.runtime.call(callee, args, range);
    if (made.kind === 'layer' && callee.kind === 'ref') readLambdaLayer(made.layer, this.text);
    return made;
  }

  private lambda(node: SyntaxNode): Value {
    const kids = children(node);
    const params = kids.find((k) => k.name === 'ParamList');
    const body = kids[kids.length - 1];
    if (!body || isToken(body)) return unknown('incomplete lambda');
    const fn = new UserFunction('<lambda>', this.parameters(params), body, true, this.scope);
    return { kind: 'function', name: 'lambda', impl: fn };
  }

  /** A ParamList: names, defaults (evaluated now), `*args`, bare `*`, `**kwargs`. */
  protected parameters(node: SyntaxNode | undefined): Param[] {
    const params: Param[] = [];
    if (!node) return params;
    const kids = children(node);
    let keywordOnly = false;
    for (let i = 0; i < kids.length; i++) {
      const k = kids[i];
      const next = kids[i + 1];
      if (k.name === '*' || k.name === '**') {
        if (next?.name === 'VariableName') {
          params.push({ name: this.word(next), kind: k.name === '*' ? 'star' : 'kwargs' });
          i++;
        }
        keywordOnly = true;
      } else if (k.name === 'VariableName') {
        const param: Param = { name: this.word(k), kind: keywordOnly ? 'keywordOnly' : 'positional' };
        let j = i + 1;
        if (kids[j]?.name === 'TypeDef') j++;
        if (kids[j]?.name === 'AssignOp' && kids[j + 1]) {
          param.default = this.evaluate(kids[j + 1]);
          j++;
        }
        params.push(param);
        i = j;
      }
    }
    return params;
  }
}

/** Code as a one-line message shows it: whitespace collapsed, clipped to 60 characters. */
export function oneLine(code: string): string {
  const text = code.split(/\s+/).join(' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
