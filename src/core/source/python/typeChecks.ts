/**
 * `isinstance(x, int)` on values whose Python type the reader knows. Model code branches on it
 * (keras.io's MobileViT: `kernel_size if isinstance(kernel_size, int) else ...`), so deciding it
 * keeps such models exact; a value whose type is not known leaves it undecided.
 */
import type { CallArgs } from '../runtime';
import { unknown, type Value } from '../values';

const TYPE_NAMES = new Set(['int', 'float', 'str', 'bool', 'list', 'tuple', 'dict']);

/** Whether `v` is an instance of the builtin type `type`; undefined when its type is not known. */
function instanceOf(v: Value, type: string): boolean | undefined {
  switch (v.kind) {
    // bool is a subclass of int in Python.
    case 'bool': return type === 'bool' || type === 'int';
    case 'number': return type === (v.float ? 'float' : 'int');
    case 'string': return type === 'str';
    case 'none': return false;
    case 'list':
      if (v.pythonType !== undefined) return type === 'list' || type === 'tuple' ? undefined : false;
      return type === (v.tuple ? 'tuple' : 'list');
    // Some dicts stand for library objects (an optimizer, an ImageDataGenerator): not plain dicts.
    case 'dict': return v.entries.has('__class__') ? (type === 'dict' ? undefined : false) : type === 'dict';
    // Keras objects and user functions are none of the builtin types.
    case 'layer': case 'tensor': case 'model': case 'function': return false;
    default: return undefined;
  }
}

/** The builtin type names a class argument stands for (`int`, `(int, float)`), or undefined. */
function typeNames(t: Value, builtinName: (t: Value) => string | undefined): string[] | undefined {
  const name = builtinName(t);
  if (name !== undefined) return TYPE_NAMES.has(name) ? [name] : undefined;
  if (t.kind !== 'list' || !t.tuple) return undefined;
  const names: string[] = [];
  for (const item of t.items) {
    const more = typeNames(item, builtinName);
    if (!more) return undefined;
    names.push(...more);
  }
  return names;
}

/** @param builtinName the builtin a value is (`int`), or undefined for anything else, a user's class included. */
export function isinstance(args: CallArgs, builtinName: (t: Value) => string | undefined): Value {
  const [v, t] = args.positional;
  const names = t ? typeNames(t, builtinName) : undefined;
  if (!v || !names) return unknown('isinstance() of a class ConvLens does not know');
  let result: boolean | undefined = false;
  for (const name of names) {
    const r = instanceOf(v, name);
    if (r === true) return { kind: 'bool', value: true };
    if (r === undefined) result = undefined;
  }
  return result === undefined ? unknown(`isinstance() of ${v.kind === 'unknown' ? `an unknown value (${v.reason})` : `a value whose type is not known`}`) : { kind: 'bool', value: false };
}
