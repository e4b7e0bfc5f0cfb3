/**
 * Python operators on evaluator values: arithmetic, concatenation and repetition,
 * comparisons and subscripts. Each returns an unknown value (with the reason) when the
 * operands are not known well enough; none of them throws except for the size cap.
 */
import { list, num, str, unknown, type Value } from '../values';
import { LIMITS, checkSize } from './limits';

/** bool is an int subclass in Python: True + 1 == 2. */
function asNumber(v: Value): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  return undefined;
}

/** Python's floor modulo takes the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && (m < 0) !== (b < 0) ? m + b : m;
}

/** Whether a value is a Python float (bool and int are not). */
export function isFloat(v: Value): boolean {
  return v.kind === 'number' && v.float === true;
}

/**
 * Python's result type: `/` always gives a float, `**` with a negative exponent too, and any
 * other arithmetic gives a float when an operand is one (3 // 2 is 1, 3.0 // 2 is 1.0).
 */
function arithmetic(op: string, a: number, b: number, float: boolean): Value {
  switch (op) {
    case '+': return num(a + b, float);
    case '-': return num(a - b, float);
    case '*': return num(a * b, float);
    case '/': return b === 0 ? unknown('division by zero') : num(a / b, true);
    case '//': return b === 0 ? unknown('division by zero') : num(Math.floor(a / b), float);
    case '%': return b === 0 ? unknown('division by zero') : num(pyMod(a, b), float);
    case '**': return num(a ** b, float || b < 0);
    default: break;
  }
  if (float) return unknown(`'${op}' on a float is a TypeError in Python`);
  // Bitwise operators: exact only on integers that fit JavaScript's 32-bit operators.
  const small = Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) < 2 ** 31 && Math.abs(b) < 2 ** 31;
  if (!small) return unknown(`'${op}' on these numbers is not evaluated`);
  switch (op) {
    case '&': return num(a & b);
    case '|': return num(a | b);
    case '^': return num(a ^ b);
    case '<<': return b < 31 ? num(a * 2 ** b) : unknown('shift too large');
    case '>>': return num(a >> Math.min(b, 31));
    default: return unknown(`operator '${op}' is not evaluated`);
  }
}

function repeat(seq: Value, times: number): Value {
  const n = Math.max(0, Math.floor(times));
  if (seq.kind === 'string') {
    checkSize(seq.value.length * n, 'a string');
    return str(seq.value.repeat(n));
  }
  if (seq.kind !== 'list') return unknown('repetition of a non-sequence');
  checkSize(seq.items.length * n);
  const items: Value[] = [];
  for (let i = 0; i < n; i++) items.push(...seq.items);
  return list(items, seq.tuple);
}

/** `a op b` for plain values; tensors are handled by the interpreter before this. */
export function binaryOp(op: string, a: Value, b: Value): Value {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return arithmetic(op, x, y, isFloat(a) || isFloat(b));
  if (a.kind === 'unknown') return a;
  if (b.kind === 'unknown') return b;
  if (op === '+') {
    if (a.kind === 'string' && b.kind === 'string') {
      checkSize(a.value.length + b.value.length, 'a string');
      return str(a.value + b.value);
    }
    if (a.kind === 'list' && b.kind === 'list' && a.tuple === b.tuple) {
      checkSize(a.items.length + b.items.length);
      return list([...a.items, ...b.items], a.tuple);
    }
  }
  if (op === '*') {
    if (y !== undefined && (a.kind === 'list' || a.kind === 'string')) return repeat(a, y);
    if (x !== undefined && (b.kind === 'list' || b.kind === 'string')) return repeat(b, x);
  }
  if (op === '%' && a.kind === 'string') return percentFormat(a.value, b.kind === 'list' && b.tuple ? b.items : [b]);
  return unknown(`'${op}' between ${a.kind} and ${b.kind} is not evaluated`);
}

export function unaryOp(op: string, v: Value): Value {
  const x = asNumber(v);
  if (x === undefined) return v.kind === 'unknown' ? v : unknown(`'${op}' of a ${v.kind} is not evaluated`);
  if (op === '-') return num(-x, isFloat(v));
  if (op === '+') return num(x, isFloat(v));
  if (op === '~' && Number.isInteger(x) && Math.abs(x) < 2 ** 31) return num(~x);
  return unknown(`'${op}' is not evaluated`);
}

/** Python `==`: undefined when it cannot be decided statically. */
export function equals(a: Value, b: Value, depth = 0): boolean | undefined {
  if (depth > 20) return undefined;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (a.kind === 'string' && b.kind === 'string') return a.value === b.value;
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'list' && b.kind === 'list') {
    if (a.tuple !== b.tuple || a.items.length !== b.items.length) return false;
    let all: boolean | undefined = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = equals(a.items[i], b.items[i], depth + 1);
      if (e === false) return false;
      if (e === undefined) all = undefined;
    }
    return all;
  }
  if (a.kind === 'ref' && b.kind === 'ref') return a.path === b.path;
  if (a.kind !== b.kind) return (x === undefined) === (y === undefined) ? undefined : false;
  return a === b ? true : undefined;
}

function contains(container: Value, item: Value): boolean | undefined {
  if (container.kind === 'string' && item.kind === 'string') return container.value.includes(item.value);
  if (container.kind === 'dict' && item.kind === 'string') return container.entries.has(item.value);
  if (container.kind !== 'list') return undefined;
  let result: boolean | undefined = false;
  for (const v of container.items) {
    const e = equals(v, item);
    if (e === true) return true;
    if (e === undefined) result = undefined;
  }
  return result;
}

function order(a: Value, b: Value): number | undefined {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (a.kind === 'string' && b.kind === 'string') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  return undefined;
}

/** One comparison (`<`, `==`, `in`, `is not` ...); chains are split by the interpreter. */
export function compare(op: string, a: Value, b: Value): boolean | undefined {
  switch (op) {
    case '==': return equals(a, b);
    case '!=': { const e = equals(a, b); return e === undefined ? undefined : !e; }
    case 'in': return contains(b, a);
    case 'not in': { const c = contains(b, a); return c === undefined ? undefined : !c; }
    case 'is': return identical(a, b);
    case 'is not': { const i = identical(a, b); return i === undefined ? undefined : !i; }
    default: break;
  }
  const o = order(a, b);
  if (o === undefined) return undefined;
  switch (op) {
    case '<': return o < 0;
    case '<=': return o <= 0;
    case '>': return o > 0;
    case '>=': return o >= 0;
    default: return undefined;
  }
}

/** `is`: exact for None and booleans (what user code tests), else only for the same object. */
function identical(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  if (a.kind === 'bool' && b.kind === 'bool') return a.value === b.value;
  return a === b ? true : undefined;
}

/** `seq[i]` with Python's negative indices, or `d["key"]`. */
export function subscript(target: Value, index: Value): Value {
  if (target.kind === 'unknown') return target;
  if (target.kind === 'dict') {
    if (index.kind !== 'string') return unknown('dict key is not a known string');
    return target.entries.get(index.value) ?? unknown(`key "${index.value}" is not in the dict`);
  }
  const i = asNumber(index);
  if (i === undefined || !Number.isInteger(i)) return unknown('index is not a known integer');
  if (target.kind === 'list') {
    const item = target.items[i < 0 ? target.items.length + i : i];
    return item ?? unknown(`index ${i} is out of range`);
  }
  if (target.kind === 'string') {
    const ch = target.value[i < 0 ? target.value.length + i : i];
    return ch === undefined ? unknown(`index ${i} is out of range`) : str(ch);
  }
  return unknown(`indexing a ${target.kind} is not evaluated`);
}

/** Python's slice index normalisation for `seq[start:stop:step]`. */
export function slice(target: Value, start: Value | undefined, stop: Value | undefined, step: Value | undefined): Value {
  if (target.kind !== 'list' && target.kind !== 'string') {
    return target.kind === 'unknown' ? target : unknown(`slicing a ${target.kind} is not evaluated`);
  }
  const len = target.kind === 'list' ? target.items.length : target.value.length;
  const bound = (v: Value | undefined): number | null | undefined => {
    if (v === undefined || v.kind === 'none') return null;
    const n = asNumber(v);
    return n !== undefined && Number.isInteger(n) ? n : undefined;
  };
  const s0 = bound(start);
  const e0 = bound(stop);
  const st = bound(step) ?? 1;
  if (s0 === undefined || e0 === undefined || st === undefined || st === 0) return unknown('slice bounds are not known');
  const clamp = (n: number, lo: number, hi: number): number => Math.min(Math.max(n, lo), hi);
  const norm = (n: number, lo: number, hi: number): number => clamp(n < 0 ? n + len : n, lo, hi);
  const indices: number[] = [];
  if (st > 0) {
    const s = s0 === null ? 0 : norm(s0, 0, len);
    const e = e0 === null ? len : norm(e0, 0, len);
    for (let i = s; i < e; i += st) indices.push(i);
  } else {
    const s = s0 === null ? len - 1 : norm(s0, -1, len - 1);
    const e = e0 === null ? -1 : norm(e0, -1, len - 1);
    for (let i = s; i > e; i += st) indices.push(i);
  }
  if (target.kind === 'string') return str(indices.map((i) => target.value[i]).join(''));
  return list(indices.map((i) => target.items[i]), target.tuple);
}

/** `str(v)` and f-string text for values that have a known Python text. */
export function toText(v: Value, depth = 0): string | undefined {
  // A list that contains itself has no finite text here (Python prints [...]).
  if (depth > 20) return undefined;
  switch (v.kind) {
    case 'string': return v.value;
    case 'number': return Number.isFinite(v.value) ? String(v.value) : v.value > 0 ? 'inf' : v.value < 0 ? '-inf' : 'nan';
    case 'bool': return v.value ? 'True' : 'False';
    case 'none': return 'None';
    case 'list': {
      const parts: string[] = [];
      let length = 0;
      for (const item of v.items) {
        const part = item.kind === 'string' ? `'${item.value}'` : toText(item, depth + 1);
        // Unknown parts, and texts too long to build, have no text here.
        if (part === undefined || (length += part.length + 2) > LIMITS.listSize) return undefined;
        parts.push(part);
      }
      if (v.tuple) return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
      return `[${parts.join(', ')}]`;
    }
    default: return undefined;
  }
}

/** `'block%d_conv%s' % (i, j)`: %s, %d, %i, %r and %% without widths or precision. */
function percentFormat(template: string, args: Value[]): Value {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '%') { out += ch; continue; }
    const conv = template[++i];
    if (conv === '%') { out += '%'; continue; }
    const v = args[next++];
    if (!v || !'sdir'.includes(conv ?? 'x')) return unknown('%-formatting is not evaluated here');
    if (conv !== 's' && conv !== 'r' && v.kind !== 'number') return unknown('%d of a value that is not a known number');
    const text = v.kind === 'number' && conv !== 's' && conv !== 'r' ? String(Math.trunc(v.value)) : toText(v);
    if (text === undefined) return unknown('%-formatting of a value that is not known');
    out += conv === 'r' && v.kind === 'string' ? `'${text}'` : text;
  }
  checkSize(out.length, 'a string');
  return next === args.length ? str(out) : unknown('%-formatting with the wrong number of values');
}
