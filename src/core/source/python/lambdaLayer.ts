/**
 * `layers.Lambda(fn)`: Keras learns the output shape by tracing `fn` on symbolic tensors, so
 * ConvLens follows the function the same way it follows a custom layer's `call`
 * (customLayer.ts), over the Lambda's input shapes. A `def` or a `lambda` whose body uses
 * only what that reader understands (arithmetic, `ops.*`/`tf.*` shape functions, unpacking
 * the input list) gives the shape; anything else keeps the Lambda unknown, with the reason.
 * A Lambda has no weights, so only its shape is read. An explicit `output_shape=` is left as
 * the catalog describes it (opaque), since Keras then trusts the argument rather than the code.
 */
import type { CustomLayerSpec } from '../../model/customLayer';
import type { LayerObject } from '../values';
import { CallReader } from './customLayer';
import { fromValue } from './symbolic';
import { UserFunction } from './scope';

/** Reads `layer`'s function when it is a Lambda the user wrote; leaves other layers alone. */
export function readLambdaLayer(layer: LayerObject, text: string): void {
  if (layer.className !== 'Lambda' || layer.config.has('output_shape')) return;
  const fn = layer.config.get('function');
  if (fn?.kind !== 'function' || !(fn.impl instanceof UserFunction)) return;
  const read = lambdaShape(fn.impl, text);
  if (typeof read === 'string') layer.unresolved = `Lambda ${fn.impl.name}: ${read}`;
  else {
    layer.custom = read;
    layer.unresolved = undefined;
  }
}

function lambdaShape(fn: UserFunction, text: string): CustomLayerSpec | string {
  const reader = new CallReader(text, (name) => fn.closure.lookup(name), new Map());
  const [first, ...rest] = fn.params;
  if (first?.kind !== 'positional') return 'its function takes no tensor argument';
  // Keras passes the layer's input (a tensor or the list of tensors) as the first argument.
  reader.bind(first.name, { t: 'inputs' });
  for (const p of rest) {
    if (p.default === undefined) return `its function's argument ${p.name} is not given`;
    reader.bind(p.name, fromValue(p.default));
  }
  const definition = fn.body.parent;
  const result = fn.isLambda ? reader.evaluate(fn.body) : definition ? reader.returned(definition) : undefined;
  if (!result) return 'its function is not read';
  if (reader.sublayers.length > 0) return 'its function applies layers, whose weights a Lambda does not track';
  const tensor = reader.asTensor(result);
  if (tensor.t === 'unknown') return tensor.reason;
  return { output: tensor.expr, weights: [], sublayers: [] };
}
