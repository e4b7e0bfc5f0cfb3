/**
 * Library functions the runtime evaluates itself, as tables: TF activation ops and the
 * Keras activations they compute, keras.ops comparisons of known numbers, os.path.join.
 */
import { str, type Value } from './values';

export /** TensorFlow activation ops, by every path TF exports them under, and the Keras activation each computes. */
const TF_ACTIVATION_OPS = new Map<string, string>([
  ...['relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign'].map((a): [string, string] => [`tf.nn.${a}`, a]),
  ...['sigmoid', 'tanh'].flatMap((a): [string, string][] => [[`tf.nn.${a}`, a], [`tf.math.${a}`, a], [`tf.${a}`, a]]),
  ['tf.nn.silu', 'silu'], ['tf.nn.swish', 'silu'],
]);

export /** keras.activations functions called on a Keras tensor, and the TF op each runs (its layer's name in TF 2 Keras). */
const KERAS_ACTIVATION_OPS = new Map<string, string>([
  ['relu', 'tf.nn.relu'], ['relu6', 'tf.nn.relu6'], ['elu', 'tf.nn.elu'], ['selu', 'tf.nn.selu'], ['softplus', 'tf.math.softplus'],
  ['softsign', 'tf.nn.softsign'], ['sigmoid', 'tf.math.sigmoid'], ['tanh', 'tf.math.tanh'], ['swish', 'tf.nn.silu'], ['silu', 'tf.nn.silu'],
]);

export /** keras.ops comparisons, for two known numbers. */
const COMPARISONS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  equal: (a, b) => a === b, not_equal: (a, b) => a !== b, greater: (a, b) => a > b,
  greater_equal: (a, b) => a >= b, less: (a, b) => a < b, less_equal: (a, b) => a <= b,
};

export /** Python's posixpath.join of known strings: an absolute part starts over; undefined when a part is not a known string. */
function pythonPathJoin(parts: Value[]): Value | undefined {
  if (parts.length === 0 || parts.some((p) => p.kind !== 'string')) return undefined;
  let out = '';
  for (const part of parts as Extract<Value, { kind: 'string' }>[]) {
    if (part.value.startsWith('/') || out === '') out = part.value;
    else out = out.endsWith('/') ? out + part.value : `${out}/${part.value}`;
  }
  return str(out);
}
