/**
 * The few JS globals and array/string methods model code uses to compute layer arguments
 * (`Math.floor(n / 2)`, `filters.map(...)`, `layers.push(...)`). Each is a pure function
 * over evaluator values; anything it cannot compute exactly becomes an unknown value.
 */
import { moduleValue } from './modules';
import { jsTruthy, stringValue, strictEquals, toJsString, toNumber } from './operators';
import { LIMITS, Scope, builtin, type BuiltinContext } from './scope';
import { NONE, num, unknown, type Value } from '../values';

const dict = (entries: [string, Value][]): Value => ({ kind: 'dict', entries: new Map(entries) });

/** Math functions applied to numbers only: `Math.max(...shape)` of unknowns stays unknown. */
function mathFn(name: string, fn: (...xs: number[]) => number): [string, Value] {
  return [name, builtin(`Math.${name}`, (args) => {
    const xs = args.map((a) => (a.kind === 'number' ? a.value : undefined));
    return xs.every((x): x is number => x !== undefined) ? num(fn(...xs)) : unknown(`Math.${name} of a value that is not a number`);
  })];
}

/** A fresh global scope per file, so one file's mutation of `Math` cannot leak into the next. */
export function createGlobals(): Scope {
  const g = new Scope(undefined, true);
  g.declare('undefined', NONE);
  g.declare('NaN', num(NaN));
  g.declare('Infinity', num(Infinity));
  g.declare('Math', dict([
    ['PI', num(Math.PI)], ['E', num(Math.E)], ['SQRT2', num(Math.SQRT2)], ['LN2', num(Math.LN2)],
    mathFn('floor', Math.floor), mathFn('ceil', Math.ceil), mathFn('round', Math.round), mathFn('trunc', Math.trunc),
    mathFn('max', Math.max), mathFn('min', Math.min), mathFn('sqrt', Math.sqrt), mathFn('pow', Math.pow),
    mathFn('abs', Math.abs), mathFn('sign', Math.sign), mathFn('log', Math.log), mathFn('log2', Math.log2),
    mathFn('log10', Math.log10), mathFn('exp', Math.exp),
  ]));
  const quiet = builtin('console', () => NONE);
  g.declare('console', dict(['log', 'info', 'warn', 'error', 'debug', 'table', 'time', 'timeEnd'].map((n) => [n, quiet])));
  g.declare('require', builtin('require', (args) => (args[0]?.kind === 'string' ? moduleValue(args[0].value) : unknown('require() of a computed module name'))));
  g.declare('Number', builtin('Number', (args) => {
    const x = args[0] ? toNumber(args[0]) : 0;
    return x === undefined ? unknown('Number() of a non-primitive') : num(x);
  }));
  g.declare('parseInt', builtin('parseInt', (args) => {
    const s = args[0] ? toJsString(args[0]) : undefined;
    const radix = args[1]?.kind === 'number' ? args[1].value : undefined;
    return s === undefined ? unknown('parseInt() of a non-primitive') : num(parseInt(s, radix));
  }));
  g.declare('parseFloat', builtin('parseFloat', (args) => {
    const s = args[0] ? toJsString(args[0]) : undefined;
    return s === undefined ? unknown('parseFloat() of a non-primitive') : num(parseFloat(s));
  }));
  g.declare('String', builtin('String', (args) => {
    const s = args[0] ? toJsString(args[0]) : '';
    return s === undefined ? unknown('String() of a non-primitive') : stringValue(s);
  }));
  g.declare('Boolean', builtin('Boolean', (args) => {
    const t = args[0] ? jsTruthy(args[0]) : false;
    return t === undefined ? unknown('Boolean() of an unknown value') : { kind: 'bool', value: t };
  }));
  g.declare('Array', dict([
    ['isArray', builtin('Array.isArray', (args) => ({ kind: 'bool', value: args[0]?.kind === 'list' }))],
    ['from', builtin('Array.from', arrayFrom)],
  ]));
  g.declare('Object', dict([
    ['keys', builtin('Object.keys', (args, ctx) => (args[0]?.kind === 'dict' ? ctx.list([...args[0].entries.keys()].map(stringValue)) : unknown('Object.keys of a non-object')))],
    ['values', builtin('Object.values', (args, ctx) => (args[0]?.kind === 'dict' ? ctx.list([...args[0].entries.values()]) : unknown('Object.values of a non-object')))],
    ['entries', builtin('Object.entries', (args, ctx) => (args[0]?.kind === 'dict'
      ? ctx.list([...args[0].entries].map(([k, v]) => ({ kind: 'list', items: [stringValue(k), v], tuple: false })))
      : unknown('Object.entries of a non-object')))],
    ['assign', builtin('Object.assign', (args) => {
      const [target, ...sources] = args;
      if (target?.kind !== 'dict') return unknown('Object.assign to a non-object');
      for (const s of sources) if (s.kind === 'dict') for (const [k, v] of s.entries) target.entries.set(k, v);
      return target;
    })],
  ]));
  return g;
}

/** `Array.from(list)`, `Array.from({length: n}, (_, i) => ...)`. */
function arrayFrom(args: Value[], ctx: BuiltinContext): Value {
  const [source, fn] = args;
  let items: Value[];
  if (source?.kind === 'list') items = [...source.items];
  else if (source?.kind === 'string') items = [...source.value].map(stringValue);
  else if (source?.kind === 'dict' && source.entries.get('length')?.kind === 'number') {
    const n = (source.entries.get('length') as { value: number }).value;
    if (!(n >= 0) || n > LIMITS.arrayLength) return overflow(ctx);
    items = Array.from({ length: Math.floor(n) }, () => NONE);
  } else return unknown('Array.from of a value that is not a known array');
  if (fn && fn.kind !== 'none') items = items.map((item, i) => ctx.call(fn, [item, num(i)]));
  return ctx.list(items);
}

/** Members of arrays and strings; undefined when `name` is not one ConvLens evaluates. */
export function primitiveMember(target: Value, name: string): Value | undefined {
  if (target.kind === 'list') {
    if (name === 'length') return num(target.items.length);
    const method = ARRAY_METHODS[name];
    return method ? builtin(name, (args, ctx) => method(target, args, ctx)) : undefined;
  }
  if (target.kind === 'string') {
    if (name === 'length') return num(target.value.length);
    const method = STRING_METHODS[name];
    return method ? builtin(name, (args) => method(target.value, args)) : undefined;
  }
  return undefined;
}

type ListValue = Extract<Value, { kind: 'list' }>;
type ArrayMethod = (arr: ListValue, args: Value[], ctx: BuiltinContext) => Value;

/** The unknown (and warning) of an array that would pass the cap; ctx.list reports it. */
const overflow = (ctx: BuiltinContext): Value => ctx.list(new Array<Value>(LIMITS.arrayLength + 1));

const numArg = (v: Value | undefined): number | undefined => (v?.kind === 'number' ? v.value : undefined);

const ARRAY_METHODS: Record<string, ArrayMethod> = {
  slice: (arr, args, ctx) => ctx.list(arr.items.slice(numArg(args[0]), numArg(args[1]))),
  concat: (arr, args, ctx) => ctx.list(arr.items.concat(...args.map((a) => (a.kind === 'list' ? a.items : [a])))),
  at: (arr, args) => arr.items.at(numArg(args[0]) ?? 0) ?? NONE,
  map: (arr, args, ctx) => ctx.list(arr.items.map((x, i) => ctx.call(args[0] ?? NONE, [x, num(i), arr]))),
  forEach: (arr, args, ctx) => {
    arr.items.forEach((x, i) => ctx.call(args[0] ?? NONE, [x, num(i), arr]));
    return NONE;
  },
  filter: (arr, args, ctx) => {
    const kept: Value[] = [];
    for (const [i, x] of arr.items.entries()) {
      const keep = jsTruthy(ctx.call(args[0] ?? NONE, [x, num(i), arr]));
      if (keep === undefined) return unknown('filter() with a condition ConvLens cannot evaluate');
      if (keep) kept.push(x);
    }
    return ctx.list(kept);
  },
  reduce: (arr, args, ctx) => {
    const items = [...arr.items];
    let acc = args.length > 1 ? args[1] : items.shift();
    if (acc === undefined) return unknown('reduce() of an empty array');
    const start = args.length > 1 ? 0 : 1;
    items.forEach((x, i) => { acc = ctx.call(args[0] ?? NONE, [acc!, x, num(i + start), arr]); });
    return acc;
  },
  push: (arr, args, ctx) => {
    if (arr.items.length + args.length > LIMITS.arrayLength) return overflow(ctx);
    arr.items.push(...args);
    return num(arr.items.length);
  },
  unshift: (arr, args, ctx) => {
    if (arr.items.length + args.length > LIMITS.arrayLength) return overflow(ctx);
    arr.items.unshift(...args);
    return num(arr.items.length);
  },
  pop: (arr) => arr.items.pop() ?? NONE,
  shift: (arr) => arr.items.shift() ?? NONE,
  reverse: (arr) => {
    arr.items.reverse();
    return arr;
  },
  flat: (arr, _args, ctx) => ctx.list(arr.items.flatMap((x) => (x.kind === 'list' ? x.items : [x]))),
  includes: (arr, args) => {
    const found = arr.items.map((x) => strictEquals(x, args[0] ?? NONE));
    if (found.includes(true)) return { kind: 'bool', value: true };
    return found.includes(undefined) ? unknown('includes() of unknown values') : { kind: 'bool', value: false };
  },
  indexOf: (arr, args) => {
    const found = arr.items.map((x) => strictEquals(x, args[0] ?? NONE));
    const i = found.indexOf(true);
    if (i >= 0 && !found.slice(0, i).includes(undefined)) return num(i);
    return found.includes(undefined) ? unknown('indexOf() of unknown values') : num(-1);
  },
  join: (arr, args) => {
    const parts = arr.items.map((x) => (x.kind === 'none' ? '' : toJsString(x)));
    const sep = args[0]?.kind === 'string' ? args[0].value : ',';
    return parts.every((p): p is string => p !== undefined) ? stringValue(parts.join(sep)) : unknown('join() of non-strings');
  },
};

type StringMethod = (s: string, args: Value[]) => Value;

const STRING_METHODS: Record<string, StringMethod> = {
  slice: (s, args) => stringValue(s.slice(numArg(args[0]), numArg(args[1]))),
  toUpperCase: (s) => stringValue(s.toUpperCase()),
  toLowerCase: (s) => stringValue(s.toLowerCase()),
  trim: (s) => stringValue(s.trim()),
  concat: (s, args) => {
    const parts = args.map(toJsString);
    return parts.every((p): p is string => p !== undefined) ? stringValue(s + parts.join('')) : unknown('concat() of non-strings');
  },
  includes: (s, args) => (args[0]?.kind === 'string' ? { kind: 'bool', value: s.includes(args[0].value) } : unknown('includes() of a non-string')),
  startsWith: (s, args) => (args[0]?.kind === 'string' ? { kind: 'bool', value: s.startsWith(args[0].value) } : unknown('startsWith() of a non-string')),
  endsWith: (s, args) => (args[0]?.kind === 'string' ? { kind: 'bool', value: s.endsWith(args[0].value) } : unknown('endsWith() of a non-string')),
  repeat: (s, args) => {
    const n = numArg(args[0]);
    if (n === undefined || !(n >= 0) || s.length * n > LIMITS.stringLength) return unknown('repeat() beyond what ConvLens evaluates');
    return stringValue(s.repeat(n));
  },
  split: (s, args) => (args[0]?.kind === 'string'
    ? { kind: 'list', items: s.split(args[0].value).slice(0, LIMITS.arrayLength).map(stringValue), tuple: false }
    : unknown('split() by a non-string')),
};
