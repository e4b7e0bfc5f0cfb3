/**
 * What a model or layer says about itself, as Keras answers it: `model.layers`,
 * `model.get_layer(name=...)`, `model.input(s)` / `model.output(s)`, `layer.input` /
 * `layer.output`. This is how real code builds one model from another's tensors
 * (`keras.Model(model.get_layer("image").input, model.get_layer("dense2").output)`).
 */
import type { GraphNode, LayerObject, ModelObject, SymbolicTensor, Value } from './values';
import { list, str, unknown } from './values';

/** The tensors each application of a layer or model produced, in call order, by object id. */
export type Applications = ReadonlyMap<number, readonly SymbolicTensor[]>;

/** Every node a functional model reaches backwards from its outputs, in creation (topological) order. */
export function reachableNodes(outputs: readonly SymbolicTensor[]): GraphNode[] {
  const reached = new Map<number, GraphNode>();
  const stack = outputs.map((t) => t.node);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (reached.has(node.id)) continue;
    reached.set(node.id, node);
    for (const t of node.inputs) stack.push(t.node);
  }
  return [...reached.values()].sort((a, b) => a.id - b.id);
}

/**
 * `model.layers`: each layer or nested model once, in summary order. A functional model lists
 * its InputLayers; a Sequential does not (Keras omits the InputLayer it creates).
 */
export function modelLayers(model: ModelObject): (LayerObject | ModelObject)[] {
  if (model.kind === 'sequential') return [...new Set(model.sequence)];
  const out = new Set<LayerObject | ModelObject>();
  for (const node of reachableNodes(model.outputs)) {
    const item = node.inputLayer ?? node.nestedModel ?? node.layer;
    if (item) out.add(item);
  }
  return [...out];
}

export function asValue(item: LayerObject | ModelObject): Value {
  return 'sequence' in item ? { kind: 'model', model: item } : { kind: 'layer', layer: item };
}

const itemName = (item: LayerObject | ModelObject): string => ('sequence' in item ? item.kerasName : item.name);

/** `model.get_layer(name)` or `model.get_layer(index=i)`; Keras raises for a name it lacks, we say why it is unknown. */
export function getLayer(model: ModelObject, key: Value | undefined): Value {
  const layers = modelLayers(model);
  if (key?.kind === 'string') {
    const found = layers.find((l) => itemName(l) === key.value);
    return found ? asValue(found) : unknown(`model ${model.kerasName} has no layer named "${key.value}"`);
  }
  if (key?.kind === 'number' && Number.isInteger(key.value)) {
    const found = layers[key.value];
    return found ? asValue(found) : unknown(`model ${model.kerasName} has no layer at index ${key.value}`);
  }
  return unknown('get_layer() needs a known name or index');
}

/** One tensor as itself, several as a list: how Keras returns `input` and `output`. */
function tensors(ts: readonly SymbolicTensor[]): Value {
  return ts.length === 1 ? { kind: 'tensor', tensor: ts[0] } : list(ts.map((tensor) => ({ kind: 'tensor', tensor })));
}

/**
 * `layer.input` / `layer.output` (Keras 3: of the layer's first application), and `layer.name`.
 * An InputLayer's input and output are both its tensor.
 */
export function layerAttribute(layer: LayerObject | ModelObject, name: string, applications: Applications): Value | undefined {
  if (name === 'name') return str(itemName(layer));
  if (name !== 'input' && name !== 'output') return undefined;
  const first = applications.get(layer.id)?.[0];
  if (!first) return unknown(`${itemName(layer)}.${name}: the layer has not been applied to a tensor`);
  if (name === 'output' || first.node.inputLayer) return tensors([first]);
  return tensors(first.node.inputs);
}

/** `model.input(s)` / `model.output(s)` of a functional model (a Sequential is traced first, by the runtime). */
export function modelTensors(model: ModelObject, name: 'input' | 'inputs' | 'output' | 'outputs'): Value {
  const ts = name.startsWith('input') ? model.inputs : model.outputs;
  if (ts.length === 0) return unknown(`the ${name} of model ${model.kerasName} are not known`);
  return name.endsWith('s') ? list(ts.map((tensor) => ({ kind: 'tensor', tensor }))) : tensors(ts);
}
