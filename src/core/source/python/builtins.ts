/**
 * The Python builtins and the methods of plain values (list.append, dict.get,
 * str.format ...) that model-building code uses to compute layer arguments. They work
 * on known values only; anything else gives an unknown value with the reason.
 */
import type { CallArgs } from '../runtime';
import { NONE, list, num, str, unknown, type Value } from '../values';
import { checkSize } from './limits';
import { compare, isFloat, toText } from './operators';
import { isinstance } from './typeChecks';

export type BuiltinImpl = (args: CallArgs) => Value;

/** The `impl` of a builtin's function value; user functions have their own class. */
export class BuiltinFunction {
  constructor(readonly name: string, readonly fn: BuiltinImpl) {}
}

/** The items of an iterable value, or undefined when they are not known. */
export function iterate(v: Value): Value[] | undefined {
  switch (v.kind) {
    case 'list': return v.items;
    case 'string': checkSize(v.value.length, 'a string'); return [...v.value].map(str);
    case 'dict': return [...v.entries.keys()].map(str);
    default: return undefined;
  }
}

function intArg(v: Value | undefined): number | undefined {
  if (v?.kind === 'bool') return v.value ? 1 : 0;
  return v?.kind === 'number' && Number.isInteger(v.value) ? v.value : undefined;
}

/** range(stop), range(start, stop[, step]) as the numbers it yields, or why not. */
export function rangeBounds(args: Value[]): { start: number; stop: number; step: number } | string {
  const n = args.map(intArg);
  if (args.length < 1 || args.length > 3 || n.some((x) => x === undefined)) return 'range() arguments are not known integers';
  const [start, stop, step] = args.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) return 'range() step is zero';
  return { start, stop, step };
}

export function rangeLength(b: { start: number; stop: number; step: number }): number {
  return Math.max(0, Math.ceil((b.stop - b.start) / b.step));
}

function range(args: CallArgs): Value {
  const b = rangeBounds(args.positional);
  if (typeof b === 'string') return unknown(b);
  checkSize(rangeLength(b), 'a range');
  const items: Value[] = [];
  for (let i = b.start; b.step > 0 ? i < b.stop : i > b.stop; i += b.step) items.push(num(i));
  return lazy(list(items), 'range');
}

/** A list standing for a Python object of another type (a range, a zip): see values.ts. */
function lazy(v: Value, pythonType: string): Value {
  return v.kind === 'list' ? { ...v, pythonType } : v;
}

function convert(name: string, f: (v: Value) => Value | undefined): BuiltinImpl {
  return (args) => {
    const v = args.positional[0];
    if (!v) return unknown(`${name}() without arguments`);
    return f(v) ?? (v.kind === 'unknown' ? v : unknown(`${name}() of ${v.kind} is not evaluated`));
  };
}

function toNumber(v: Value, integer: boolean): Value | undefined {
  if (v.kind === 'bool') return num(v.value ? 1 : 0, !integer);
  if (v.kind === 'number') return num(integer ? Math.trunc(v.value) : v.value, !integer);
  if (v.kind === 'string') {
    const n = Number(v.value.trim());
    if (v.value.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) return unknown(`cannot convert "${v.value}"`);
    return num(n, !integer);
  }
  return undefined;
}

/** min/max over arguments or one iterable; unknown if any item is not comparable. */
function extreme(name: string, wantGreater: boolean): BuiltinImpl {
  return (args) => {
    const items = args.positional.length === 1 ? iterate(args.positional[0]) : args.positional;
    if (!items || items.length === 0) return unknown(`${name}() of an unknown or empty sequence`);
    let best = items[0];
    for (const v of items.slice(1)) {
      const greater = compare('>', v, best);
      if (greater === undefined) return unknown(`${name}() of values that are not known numbers`);
      if (greater === wantGreater && compare('==', v, best) === false) best = v;
    }
    return best;
  };
}

function sequence(name: string, tuple: boolean): BuiltinImpl {
  return (args) => {
    const v = args.positional[0];
    if (!v) return list([], tuple);
    const items = iterate(v);
    if (items) checkSize(items.length);
    return items ? list([...items], tuple) : unknown(`${name}() of ${v.kind === 'unknown' ? v.reason : v.kind}`);
  };
}

/** Python rounds halves to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const BUILTINS: Record<string, BuiltinImpl> = {
  range,
  // Copies of sequences count toward the allocation budget like any new list.
  len: convert('len', (v) => {
    if (v.kind === 'list') return num(v.items.length);
    if (v.kind === 'string') return num(v.value.length);
    if (v.kind === 'dict') return num(v.entries.size);
    return undefined;
  }),
  int: convert('int', (v) => toNumber(v, true)),
  float: convert('float', (v) => toNumber(v, false)),
  str: (args) => {
    const v = args.positional[0];
    if (!v) return str('');
    const t = toText(v);
    if (t !== undefined) checkSize(t.length, 'a string');
    return t === undefined ? unknown(`str() of ${v.kind}`) : str(t);
  },
  bool: convert('bool', (v) => {
    if (v.kind === 'number') return { kind: 'bool', value: v.value !== 0 };
    if (v.kind === 'bool' || v.kind === 'none') return { kind: 'bool', value: v.kind === 'bool' && v.value };
    if (v.kind === 'string' || v.kind === 'list') return { kind: 'bool', value: v.kind === 'string' ? v.value !== '' : v.items.length > 0 };
    return undefined;
  }),
  abs: convert('abs', (v) => (v.kind === 'number' ? num(Math.abs(v.value), isFloat(v)) : undefined)),
  round: (args) => {
    const [v, digits] = args.positional;
    if (v?.kind !== 'number') return unknown('round() of a value that is not a known number');
    // round(x, n) keeps x's type; round(x) is an int.
    if (digits?.kind === 'number') return num(Math.round(v.value * 10 ** digits.value) / 10 ** digits.value, isFloat(v));
    return num(pyRound(v.value));
  },
  min: extreme('min', false),
  max: extreme('max', true),
  sum: (args) => {
    const items = args.positional[0] ? iterate(args.positional[0]) : undefined;
    if (!items) return unknown('sum() of an unknown sequence');
    let total = 0;
    let float = false;
    for (const v of items) {
      if (v.kind !== 'number') return unknown('sum() of values that are not known numbers');
      total += v.value;
      float ||= isFloat(v);
    }
    return num(total, float);
  },
  list: sequence('list', false),
  tuple: sequence('tuple', true),
  enumerate: (args) => {
    const items = args.positional[0] ? iterate(args.positional[0]) : undefined;
    const start = intArg(args.positional[1] ?? args.keyword.get('start')) ?? 0;
    if (!items) return unknown('enumerate() of an unknown sequence');
    return lazy(list(items.map((v, i) => list([num(start + i), v], true))), 'enumerate');
  },
  zip: (args) => {
    const seqs = args.positional.map(iterate);
    if (seqs.length === 0) return list([]);
    if (seqs.some((s) => s === undefined)) return unknown('zip() of an unknown sequence');
    const n = Math.min(...seqs.map((s) => s!.length));
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(list(seqs.map((s) => s![i]), true));
    return lazy(list(out), 'zip');
  },
  reversed: (args) => {
    const items = args.positional[0] ? iterate(args.positional[0]) : undefined;
    return items ? lazy(list([...items].reverse()), 'reversed') : unknown('reversed() of an unknown sequence');
  },
  dict: (args) => {
    const entries = new Map<string, Value>();
    const first = args.positional[0];
    if (first?.kind === 'dict') for (const [k, v] of first.entries) entries.set(k, v);
    for (const [k, v] of args.keyword) entries.set(k, v);
    return { kind: 'dict', entries };
  },
  print: () => NONE,
  isinstance: (args) => isinstance(args, (t) => (t.kind === 'function' && t.impl instanceof BuiltinFunction ? t.name : undefined)),
};

export function builtinValue(name: string): Value | undefined {
  const fn = BUILTINS[name];
  return fn ? { kind: 'function', name, impl: new BuiltinFunction(name, fn) } : undefined;
}

function isDigits(s: string): boolean {
  return s !== '' && [...s].every((c) => c >= '0' && c <= '9');
}

/** `'{} {name}'.format(...)`, best effort: format specs are not applied. */
function format(template: string, args: CallArgs): Value {
  let out = '';
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) { out += ch; i++; continue; }
    if (ch !== '{') { out += ch; continue; }
    const close = template.indexOf('}', i);
    if (close < 0) return unknown('malformed format string');
    const field = template.slice(i + 1, close);
    if (field.includes(':') || field.includes('!')) return unknown('format specs are not evaluated');
    const v = field === '' ? args.positional[auto++] : isDigits(field) ? args.positional[Number(field)] : args.keyword.get(field);
    const t = v ? toText(v) : undefined;
    if (t === undefined) return unknown(`format field {${field}} is not known`);
    out += t;
    i = close;
  }
  checkSize(out.length, 'a string');
  return str(out);
}

/** Methods of lists, dicts and strings; undefined when the method is not one of these. */
export function callValueMethod(target: Value, name: string, args: CallArgs): Value | undefined {
  const [a, b] = args.positional;
  if (target.kind === 'list') {
    const items = target.items;
    // Tuples are immutable; their mutating methods do not exist.
    if (!target.tuple) {
      switch (name) {
        case 'append': checkSize(items.length + 1, 'a list', 1); if (a) items.push(a); return NONE;
        case 'extend': {
          const more = a ? iterate(a) : undefined;
          if (more) { checkSize(items.length + more.length, 'a list', more.length); items.push(...more); }
          return NONE;
        }
        case 'insert': {
          const i = intArg(a);
          if (i !== undefined && b) items.splice(i < 0 ? Math.max(0, items.length + i) : i, 0, b);
          return NONE;
        }
        case 'pop': {
          const i = intArg(a) ?? -1;
          const [v] = items.splice(i < 0 ? items.length + i : i, 1);
          return v ?? unknown('pop from an empty list');
        }
        case 'reverse': items.reverse(); return NONE;
        case 'copy': return list([...items]);
        default: break;
      }
    }
    if (name === 'index' && a) {
      const i = items.findIndex((v) => compare('==', v, a) === true);
      return i >= 0 ? num(i) : unknown('value is not in the list');
    }
    if (name === 'count' && a) return num(items.filter((v) => compare('==', v, a) === true).length);
    return undefined;
  }
  if (target.kind === 'dict') {
    const key = a?.kind === 'string' ? a.value : undefined;
    switch (name) {
      case 'get': return key !== undefined ? target.entries.get(key) ?? b ?? NONE : unknown('dict key is not a known string');
      case 'keys': return list([...target.entries.keys()].map(str));
      case 'values': return list([...target.entries.values()]);
      case 'items': return list([...target.entries].map(([k, v]) => list([str(k), v], true)));
      case 'copy': return { kind: 'dict', entries: new Map(target.entries) };
      case 'update':
        if (a?.kind === 'dict') for (const [k, v] of a.entries) target.entries.set(k, v);
        for (const [k, v] of args.keyword) target.entries.set(k, v);
        return NONE;
      case 'setdefault':
        if (key === undefined) return unknown('dict key is not a known string');
        if (!target.entries.has(key)) target.entries.set(key, b ?? NONE);
        return target.entries.get(key)!;
      case 'pop': {
        if (key === undefined) return unknown('dict key is not a known string');
        const v = target.entries.get(key) ?? b ?? unknown(`key "${key}" is not in the dict`);
        target.entries.delete(key);
        return v;
      }
      default: return undefined;
    }
  }
  if (target.kind === 'string') {
    const s = target.value;
    switch (name) {
      case 'format': return format(s, args);
      case 'lower': return str(s.toLowerCase());
      case 'upper': return str(s.toUpperCase());
      case 'strip': return str(s.trim());
      case 'startswith': return a?.kind === 'string' ? { kind: 'bool', value: s.startsWith(a.value) } : undefined;
      case 'endswith': return a?.kind === 'string' ? { kind: 'bool', value: s.endsWith(a.value) } : undefined;
      case 'replace': {
        if (a?.kind !== 'string' || b?.kind !== 'string') return undefined;
        const replaced = s.split(a.value).join(b.value);
        checkSize(replaced.length, 'a string');
        return str(replaced);
      }
      case 'join': {
        const parts = a ? iterate(a) : undefined;
        if (!parts || parts.some((p) => p.kind !== 'string')) return unknown('join() of values that are not known strings');
        const strings = parts.map((p) => (p as { value: string }).value);
        checkSize(strings.reduce((n, p) => n + p.length, 0) + s.length * Math.max(0, strings.length - 1), 'a string');
        return str(strings.join(s));
      }
      default: return undefined;
    }
  }
  return undefined;
}

/** Whether a method name exists on the value (so `x.append` is a bound method, not unknown). */
export function isValueMethod(target: Value, name: string): boolean {
  const methods: Record<string, string[]> = {
    list: ['append', 'extend', 'insert', 'pop', 'reverse', 'copy', 'index', 'count'],
    dict: ['get', 'keys', 'values', 'items', 'copy', 'update', 'setdefault', 'pop'],
    string: ['format', 'lower', 'upper', 'strip', 'startswith', 'endswith', 'replace', 'join'],
  };
  return methods[target.kind]?.includes(name) ?? false;
}
