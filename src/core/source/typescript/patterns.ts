/**
 * Binding and assignment targets: plain names, destructuring patterns (`const [f, k] = pair`,
 * `function block({filters, kernel = 3})`), property and element writes. Kept apart from
 * expressions.ts because declarations, parameters, loops and assignments all share it.
 */
import * as ts from 'typescript';
import { NONE, unknown, type Value } from '../values';
import type { ExpressionEvaluator } from './expressions';
import { stringValue } from './operators';
import { LIMITS, type Scope } from './scope';

/** A property name as a string key: identifiers, string/number literals, computed constants. */
export function propertyKey(ev: ExpressionEvaluator, name: ts.PropertyName, scope: Scope): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  if (ts.isComputedPropertyName(name)) {
    const v = ev.evaluate(name.expression, scope);
    if (v.kind === 'string') return v.value;
    if (v.kind === 'number') return String(v.value);
  }
  return undefined;
}

/** `list[i]` / `str[i]` with JS semantics: out of range reads undefined. */
export function elementOf(target: Value, index: number): Value {
  if (target.kind === 'list') return target.items[index] ?? NONE;
  if (target.kind === 'string') {
    const ch = target.value[index];
    return ch === undefined ? NONE : stringValue(ch);
  }
  return unknown('an element of a value that is not an array');
}

/** Items of a value destructured as an array; strings are iterable too. */
function arrayItems(v: Value): Value[] | undefined {
  if (v.kind === 'list') return v.items;
  if (v.kind === 'string') return [...v.value].map(stringValue);
  return undefined;
}

/** Declares the names of `name` (identifier or pattern) in `scope` with parts of `value`. */
export function bindPattern(ev: ExpressionEvaluator, name: ts.BindingName, value: Value, scope: Scope): void {
  if (ts.isIdentifier(name)) {
    ev.bindName(scope, name.text, value, true);
    return;
  }
  const withDefault = (el: ts.BindingElement, v: Value): Value =>
    (v.kind === 'none' && el.initializer ? ev.evaluate(el.initializer, scope) : v);
  if (ts.isObjectBindingPattern(name)) {
    const used = new Set<string>();
    for (const el of name.elements) {
      if (el.dotDotDotToken) {
        const rest = new Map<string, Value>();
        if (value.kind === 'dict') for (const [k, v] of value.entries) if (!used.has(k)) rest.set(k, v);
        bindPattern(ev, el.name, value.kind === 'dict' ? { kind: 'dict', entries: rest } : unknown('the rest of an unknown object'), scope);
        continue;
      }
      const keyNode = el.propertyName ?? (ts.isIdentifier(el.name) ? el.name : undefined);
      const key = keyNode ? propertyKey(ev, keyNode, scope) : undefined;
      if (key !== undefined) used.add(key);
      const v = key === undefined ? unknown('a computed property name') : ev.member(value, key);
      bindPattern(ev, el.name, withDefault(el, v), scope);
    }
    return;
  }
  const items = arrayItems(value);
  name.elements.forEach((el, i) => {
    if (ts.isOmittedExpression(el)) return;
    if (el.dotDotDotToken) {
      bindPattern(ev, el.name, items ? { kind: 'list', items: items.slice(i), tuple: false } : unknown('the rest of an unknown array'), scope);
      return;
    }
    const v = items ? items[i] ?? NONE : value.kind === 'unknown' ? value : unknown('destructuring a value that is not an array');
    bindPattern(ev, el.name, withDefault(el, v), scope);
  });
}

/**
 * Assigns `value` to an assignment target: a name, `obj.key`, `arr[i]`, or a destructuring
 * literal (`[a, b] = [b, a]`). Writes into library values are ignored: they mean nothing here.
 */
export function assignTarget(ev: ExpressionEvaluator, target: ts.Expression, value: Value, scope: Scope): void {
  if (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target) || ts.isAsExpression(target) || ts.isSatisfiesExpression(target)) {
    assignTarget(ev, target.expression, value, scope);
  } else if (ts.isIdentifier(target)) {
    ev.bindName(scope, target.text, value, false);
  } else if (ts.isPropertyAccessExpression(target)) {
    const obj = ev.evaluate(target.expression, scope);
    if (obj.kind === 'dict' && ts.isIdentifier(target.name)) {
      obj.entries.set(target.name.text, value);
      obj.ranges?.delete(target.name.text);
    } else if (ts.isIdentifier(target.name)) {
      // `layer.trainable = false` freezes a TF.js layer or model.
      ev.setAttribute(obj, target.name.text, value);
    }
  } else if (ts.isElementAccessExpression(target)) {
    const obj = ev.evaluate(target.expression, scope);
    const index = ev.evaluate(target.argumentExpression, scope);
    if (obj.kind === 'list' && index.kind === 'number' && Number.isInteger(index.value) &&
      index.value >= 0 && index.value < LIMITS.arrayLength) {
      while (obj.items.length < index.value) obj.items.push(NONE);
      obj.items[index.value] = value;
    } else if (obj.kind === 'dict' && (index.kind === 'string' || index.kind === 'number')) {
      obj.entries.set(String(index.value), value);
    }
  } else if (ts.isArrayLiteralExpression(target)) {
    const items = arrayItems(value);
    target.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (ts.isSpreadElement(el)) {
        assignTarget(ev, el.expression, items ? { kind: 'list', items: items.slice(i), tuple: false } : unknown('the rest of an unknown array'), scope);
      } else {
        assignTarget(ev, el, items ? items[i] ?? NONE : unknown('destructuring a value that is not an array'), scope);
      }
    });
  } else if (ts.isObjectLiteralExpression(target)) {
    for (const prop of target.properties) {
      if (ts.isShorthandPropertyAssignment(prop)) assignTarget(ev, prop.name, ev.member(value, prop.name.text), scope);
      else if (ts.isPropertyAssignment(prop)) {
        const key = propertyKey(ev, prop.name, scope);
        assignTarget(ev, prop.initializer, key === undefined ? unknown('a computed property name') : ev.member(value, key), scope);
      }
    }
  }
}
