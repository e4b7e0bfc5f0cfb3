/**
 * Weights a user's Layer subclass makes while its `__init__` runs (python/customClass.ts):
 * `self.add_weight(shape=…, trainable=…)`, and `tf.Variable(initial_value, trainable=True)`
 * whose initial value has a shape known there (`w_init(shape=(d, n))`, `tf.zeros((d, n))`).
 * Each is recorded on the layer's instance with the value it returns, so `self.w` in `call` is
 * known to be a tensor of that shape; one whose shape is not known is recorded as a problem,
 * which leaves the layer unknown rather than counted short.
 */
import type { CallArgs } from './runtime';
import { NONE, describe, unknown, type LayerInstance, type Value } from './values';

/** A weight's shape: a tuple of sizes, a single size, or None (a scalar); undefined if not known. */
export function weightShape(v: Value): number[] | undefined {
  const items = v.kind === 'list' ? v.items : v.kind === 'number' ? [v] : v.kind === 'none' ? [] : undefined;
  if (!items?.every((d) => d.kind === 'number' && Number.isSafeInteger(d.value) && d.value >= 0)) return undefined;
  return items.map((d) => (d as { value: number }).value);
}

function record(instance: LayerInstance, dims: number[], trainable: Value, what: string): Value {
  if (trainable.kind !== 'bool') {
    instance.problems.push(`${what} whose trainable flag is not known (${describe(trainable)})`);
    return unknown('a weight ConvLens could not read');
  }
  const value = unknown(`the weight of shape (${dims.join(', ')}) has values only when the model runs`);
  instance.weights.push({ value, dims, trainable: trainable.value });
  return value;
}

/**
 * `self.add_weight(shape=…, trainable=…)`. Keras 3 takes `shape` first and Keras 2 `name`, so a
 * positional string is the name. No shape is a scalar weight, as in both.
 */
export function addWeight(instance: LayerInstance, args: CallArgs): Value {
  const first = args.positional[0];
  const shape = args.keyword.get('shape') ?? (first?.kind === 'string' ? args.positional[1] : first) ?? NONE;
  const dims = weightShape(shape);
  if (!dims) {
    instance.problems.push(`the shape of a weight made in __init__ is not known (${describe(shape)})`);
    return unknown('a weight ConvLens could not read');
  }
  return record(instance, dims, args.keyword.get('trainable') ?? { kind: 'bool', value: true }, 'a weight');
}

/** `tf.Variable(initial_value, trainable=True, …)` / `keras.Variable(initializer, shape, …, trainable)` in `__init__`. */
export function variable(instance: LayerInstance, args: CallArgs, keras: boolean): Value {
  const initial = args.keyword.get(keras ? 'initializer' : 'initial_value') ?? args.positional[0];
  const declared = keras ? args.keyword.get('shape') ?? args.positional[1] : undefined;
  const dims = declared ? weightShape(declared) : initial?.kind === 'unknown' ? initial.shape : undefined;
  if (!dims) {
    instance.problems.push(`the shape of a Variable made in __init__ is not known (${initial ? describe(initial) : 'no initial value'})`);
    return unknown('a weight ConvLens could not read');
  }
  return record(instance, dims, args.keyword.get('trainable') ?? { kind: 'bool', value: true }, 'a Variable');
}

/**
 * The value of an unknown call made while a layer's `__init__` runs, such as an initializer
 * applied to a shape (`w_init(shape=(d, n), dtype="float32")`) or `tf.zeros((d, n))`: the shape
 * is kept for a Variable made from it.
 */
export function shapedValue(reason: string, args: CallArgs): Value {
  const given = args.keyword.get('shape') ?? args.positional[0];
  const shape = given?.kind === 'list' ? weightShape(given) : undefined;
  return shape ? { kind: 'unknown', reason, shape } : unknown(reason);
}
