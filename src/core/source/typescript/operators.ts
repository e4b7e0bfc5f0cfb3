/**
 * JavaScript operator semantics over evaluator values. Only what model code needs is exact
 * (numbers, strings, booleans, null/undefined); anything involving an unknown or a library
 * object yields an unknown value rather than a guess.
 */
import { LIMITS } from './scope';
import { truthy, unknown, type Value } from '../values';

/**
 * JS truthiness. values.ts' `truthy` follows Python, where an empty list is false;
 * in JS every array and object is true and NaN is false, so those cases are handled here.
 */
export function jsTruthy(v: Value): boolean | undefined {
  if (v.kind === 'list' || v.kind === 'dict') return true;
  if (v.kind === 'number' && Number.isNaN(v.value)) return false;
  return truthy(v);
}

/** `Number(v)` for primitives; undefined when the value is not a primitive we know. */
export function toNumber(v: Value): number | undefined {
  switch (v.kind) {
    case 'number': return v.value;
    case 'bool': return v.value ? 1 : 0;
    case 'none': return 0;
    case 'string': return Number(v.value);
    default: return undefined;
  }
}

/** `String(v)` for primitives and arrays of primitives. */
export function toJsString(v: Value): string | undefined {
  switch (v.kind) {
    case 'number': return String(v.value);
    case 'string': return v.value;
    case 'bool': return String(v.value);
    // The evaluator merges null and undefined into 'none'; undefined is the commoner one in JS.
    case 'none': return 'undefined';
    case 'list': {
      const parts = v.items.map((item) => (item.kind === 'none' ? '' : toJsString(item)));
      return parts.every((p): p is string => p !== undefined) ? parts.join(',') : undefined;
    }
    default: return undefined;
  }
}

export function stringValue(s: string): Value {
  if (s.length > LIMITS.stringLength) return unknown(`a string longer than ${LIMITS.stringLength} characters`);
  return { kind: 'string', value: s };
}

/** `===`: primitives by value, objects by identity; undefined when an unknown is involved. */
export function strictEquals(a: Value, b: Value): boolean | undefined {
  if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'number': case 'string': case 'bool':
      return a.value === (b as typeof a).value;
    case 'none': return true;
    case 'layer': return a.layer === (b as typeof a).layer;
    case 'model': return a.model === (b as typeof a).model;
    case 'tensor': return a.tensor.node === (b as typeof a).tensor.node;
    case 'ref': return a.path === (b as typeof a).path;
    default: return a === b;
  }
}

const bool = (value: boolean): Value => ({ kind: 'bool', value });

/** Binary operators other than assignment and the short-circuiting && || ??. */
export function binaryOp(op: string, a: Value, b: Value): Value {
  if (a.kind === 'unknown') return a;
  if (b.kind === 'unknown') return b;
  switch (op) {
    case '===': case '!==': case '==': case '!=': {
      // Loose equality differs from strict only across kinds; null == undefined is all we model.
      const eq = strictEquals(a, b);
      if (eq === undefined) return unknown('a comparison with an unknown value');
      return bool(op.startsWith('!') ? !eq : eq);
    }
    case '+': {
      if (a.kind === 'string' || b.kind === 'string' || a.kind === 'list' || b.kind === 'list') {
        const sa = toJsString(a);
        const sb = toJsString(b);
        return sa === undefined || sb === undefined ? unknown('string concatenation with a non-string value') : stringValue(sa + sb);
      }
      return arithmetic(op, a, b);
    }
    case '<': case '>': case '<=': case '>=': {
      if (a.kind === 'string' && b.kind === 'string') return bool(compare(op, a.value, b.value));
      const x = toNumber(a);
      const y = toNumber(b);
      return x === undefined || y === undefined ? unknown(`${op} of non-numbers`) : bool(compare(op, x, y));
    }
    default:
      return arithmetic(op, a, b);
  }
}

function compare<T extends number | string>(op: string, x: T, y: T): boolean {
  switch (op) {
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    default: return x >= y;
  }
}

function arithmetic(op: string, a: Value, b: Value): Value {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === undefined || y === undefined) return unknown(`'${op}' of ${a.kind} and ${b.kind}`);
  let r: number;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': r = x / y; break;
    case '%': r = x % y; break;
    case '**': r = x ** y; break;
    case '&': r = x & y; break;
    case '|': r = x | y; break;
    case '^': r = x ^ y; break;
    case '<<': r = x << y; break;
    case '>>': r = x >> y; break;
    case '>>>': r = x >>> y; break;
    default: return unknown(`the operator '${op}' is not evaluated`);
  }
  return { kind: 'number', value: r };
}

/** Prefix operators - + ! ~ and typeof (void and delete are handled by the evaluator). */
export function unaryOp(op: string, v: Value): Value {
  if (op === 'typeof') return typeOf(v);
  if (v.kind === 'unknown') return v;
  if (op === '!') {
    const t = jsTruthy(v);
    return t === undefined ? unknown('negation of an unknown value') : bool(!t);
  }
  const x = toNumber(v);
  if (x === undefined) return unknown(`'${op}' of a ${v.kind}`);
  switch (op) {
    case '-': return { kind: 'number', value: -x };
    case '+': return { kind: 'number', value: x };
    case '~': return { kind: 'number', value: ~x };
    default: return unknown(`the operator '${op}' is not evaluated`);
  }
}

function typeOf(v: Value): Value {
  const name = ((): string | undefined => {
    switch (v.kind) {
      case 'number': return 'number';
      case 'string': return 'string';
      case 'bool': return 'boolean';
      case 'none': return 'undefined';
      case 'function': return 'function';
      case 'unknown': return undefined;
      default: return 'object';
    }
  })();
  return name === undefined ? unknown('typeof an unknown value') : { kind: 'string', value: name };
}
