/**
 * A trained model's layer graph, walked by hand: which layers it has (nested models' layers
 * included), which of them give feature maps, and a differentiable way to run the model up to
 * any layer and on from there.
 *
 * Why by hand: `tf.model({inputs: model.inputs, outputs: inner.output})` fails with "Graph
 * disconnected" when the layer lives in a model nested inside the model (Chollet's frozen VGG16
 * base; tf-keras-vis #71, #36, #10), because the inner layer's output belongs to the nested
 * model's own graph, not the outer one. Here each model's graph is evaluated node by node
 * (`layer.apply(values, { training: false })`, so Dropout and BatchNormalization run in
 * inference mode) and a nested model is entered as a graph of its own, so a layer at any depth
 * can be the split point.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DataError } from '../../engine/data/types';
import type { InspectLayer } from './types';

type Layer = tfjs.layers.Layer;
type GraphNode = Layer['inboundNodes'][number];
type Tensor = tfjs.Tensor;

/** A model used as a layer (Sequential or functional): anything with a graph of its own. */
type Graph = Layer & { inputs: tfjs.SymbolicTensor[]; outputs: tfjs.SymbolicTensor[] };

function isGraph(layer: Layer): layer is Graph {
  const l = layer as Partial<Graph>;
  return Array.isArray(l.inputs) && Array.isArray(l.outputs);
}

/** The nodes of `graph`'s own graph, each once, in an order where a node's inputs come first (walked back from its outputs). */
function graphNodes(graph: Graph): GraphNode[] {
  const order: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const visit = (t: tfjs.SymbolicTensor): void => {
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!node || seen.has(node)) return;
    seen.add(node);
    node.inputTensors.forEach(visit);
    order.push(node);
  };
  graph.outputs.forEach(visit);
  return order;
}

function isInputLayer(layer: Layer): boolean {
  return layer.getClassName() === 'InputLayer';
}

/** Where a layer sits: the models it is nested in, outermost first, then the layer itself. */
export interface LayerLocation {
  layer: Layer;
  /** From a layer of the outer model down to `layer` (length 1 for the outer model's own layers). */
  path: Layer[];
  /** The nested model holding the layer, when it is not the outer model. */
  parent?: string;
}

/** Every layer in data-flow order, a nested model's layers right after the model itself; input layers left out. */
export function layerLocations(model: tfjs.LayersModel): LayerLocation[] {
  const out: LayerLocation[] = [];
  // TF.js' Sequential.add adopts a nested model's graph when that model comes first (Chollet's
  // `model.add(conv_base)`): its layers then sit in the outer graph itself. Their parent is
  // still the nested model they belong to.
  const ownerOf = new Map<Layer, string>();
  for (const layer of model.layers) if (isGraph(layer)) for (const inner of (layer as unknown as tfjs.LayersModel).layers) ownerOf.set(inner, layer.name);
  const walk = (graph: Graph, prefix: Layer[]): void => {
    for (const node of graphNodes(graph)) {
      const layer = node.outboundLayer;
      if (isInputLayer(layer)) continue;
      const path = [...prefix, layer];
      const parent = prefix.at(-1)?.name ?? ownerOf.get(layer);
      out.push(parent ? { layer, path, parent } : { layer, path });
      if (isGraph(layer)) walk(layer, path);
    }
  };
  walk(model, []);
  return out;
}

/**
 * The layer called `name` at any depth: a plain name (the first in data-flow order) or a path
 * through nested models, 'vgg16/block5_conv3'. Null when there is none.
 */
export function findLayer(model: tfjs.LayersModel, name: string): LayerLocation | null {
  return (
    layerLocations(model).find(
      (loc) => loc.layer.name === name || `${loc.parent}/${loc.layer.name}` === name || loc.path.map((l) => l.name).join('/') === name,
    ) ?? null
  );
}

/** The node through which `layer` takes part in `graph`; a layer applied twice in one graph has no single output to split at. */
function nodeOf(graph: Graph, layer: Layer): GraphNode {
  const nodes = graphNodes(graph).filter((n) => n.outboundLayer === layer);
  if (nodes.length !== 1)
    throw new DataError(`layer '${layer.name}' is applied ${nodes.length} times in '${graph.name}'; inspect a layer that is applied once`);
  return nodes[0];
}

/** Replaces a node's evaluation: gets the node and a way to compute its inputs (only called when needed). */
type NodeOverride = (node: GraphNode, inputs: () => Tensor[]) => Tensor[] | undefined;

function applyLayer(layer: Layer, inputs: Tensor[]): Tensor[] {
  if (isGraph(layer)) return runGraph(layer, inputs, layer.outputs);
  const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as Tensor | Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** The values of `wanted` (tensors of `graph`'s own graph) for concrete `inputs`, each node computed once, on demand. */
function runGraph(graph: Graph, inputs: Tensor[], wanted: tfjs.SymbolicTensor[], override?: NodeOverride): Tensor[] {
  const values = new Map<number, Tensor>();
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const valueOf = (t: tfjs.SymbolicTensor): Tensor => {
    const known = values.get(t.id);
    if (known) return known;
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!node || node.inputTensors.length === 0) throw new Error(`'${graph.name}': tensor ${t.name} is not computed from the model's inputs`);
    const nodeInputs = (): Tensor[] => node.inputTensors.map(valueOf);
    const outs = override?.(node, nodeInputs) ?? applyLayer(node.outboundLayer, nodeInputs());
    node.outputTensors.forEach((o, i) => values.set(o.id, outs[i]));
    return values.get(t.id) as Tensor;
  };
  return wanted.map(valueOf);
}

/** The model cut at one layer: `tail(head(x), x)` is `model.predict(x)`, and both parts are differentiable. */
export interface Split {
  location: LayerLocation;
  /** Input → the layer's output. */
  head(x: Tensor): Tensor;
  /**
   * The layer's output (`a`) → the model's (first) output. Only the part downstream of the layer
   * takes `a`; branches that do not depend on it (a residual skip from before the layer, the
   * inputs of a nested model) are recomputed from `x`, so a gradient with respect to `a` is exact.
   */
  tail(a: Tensor, x: Tensor): Tensor;
}

export interface SplitOptions {
  /**
   * Computes the model's output from the inputs of the outer model's output layer instead of
   * applying that layer (Grad-CAM takes a classifier's logits: its last Dense without softmax).
   */
  output?: (layer: Layer, inputs: Tensor[]) => Tensor;
}

export function splitAt(model: tfjs.LayersModel, layerName: string, options: SplitOptions = {}): Split {
  const location = findLayer(model, layerName);
  if (!location) throw new DataError(`model '${model.name}' has no layer '${layerName}'`);
  const outer = model as Graph;

  const head = (graph: Graph, inputs: Tensor[], path: Layer[]): Tensor => {
    const [layer, ...rest] = path as [Layer, ...Layer[]];
    const node = nodeOf(graph, layer);
    if (rest.length === 0) {
      if (node.outputTensors.length !== 1) throw new DataError(`layer '${layer.name}' has ${node.outputTensors.length} outputs; inspect a layer with one`);
      return runGraph(graph, inputs, node.outputTensors)[0];
    }
    return head(layer as Graph, runGraph(graph, inputs, node.inputTensors), rest);
  };

  const output = outer.outputs[0];
  const outputNode = output?.sourceLayer.inboundNodes[output.nodeIndex];
  const tail = (graph: Graph, inputs: Tensor[], path: Layer[], a: Tensor): Tensor[] => {
    const [layer, ...rest] = path as [Layer, ...Layer[]];
    const node = nodeOf(graph, layer);
    return runGraph(graph, inputs, graph.outputs, (n, nodeInputs) => {
      if (n === node) return rest.length === 0 ? [a] : tail(layer as Graph, nodeInputs(), rest, a);
      if (graph === outer && n === outputNode && options.output) return [options.output(n.outboundLayer, nodeInputs())];
      return undefined;
    });
  };

  return {
    location,
    head: (x) => head(outer, [x], location.path),
    tail: (a, x) => tail(outer, [x], location.path, a)[0],
  };
}

/** conv: a convolution's 4-D output; pool: a pooling layer's; other: anything else (a nested model included). */
export function layerKind(className: string, shape: readonly number[] | null): InspectLayer['kind'] {
  if (shape?.length !== 3) return 'other';
  if (className.includes('Conv')) return 'conv';
  if (className.includes('Pool')) return 'pool';
  return 'other';
}

/** The layers as InspectModelInfo lists them: data-flow order, nested models' layers after their parent. */
export function describeLayers(model: tfjs.LayersModel): InspectLayer[] {
  return layerLocations(model).map(({ layer, path, parent }) => {
    const graph = (path.length > 1 ? path.at(-2) : model) as Graph;
    const outputs = nodeOf(graph, layer).outputTensors;
    const dims = outputs.length === 1 ? outputs[0].shape.slice(1) : null;
    // A dimension the model leaves open (None) has no size to show or to draw.
    const shape = dims?.every((d): d is number => d !== null) ? dims : null;
    const className = layer.getClassName();
    return { name: layer.name, className, shape, kind: layerKind(className, shape), ...(parent ? { parent } : {}) };
  });
}

/** Layers whose output is a stack of feature maps (height × width × channels): what activations and Grad-CAM can show. */
export function featureMapLayers(layers: readonly InspectLayer[]): InspectLayer[] {
  return layers.filter((l) => l.shape?.length === 3);
}

/**
 * Grad-CAM's default layer: the last layer with a feature-map output of spatial size > 1, from
 * the first convolution on (so a Rescaling in front of a conv-less model does not count). The
 * spatial-size rule skips MobileNetV3's 1×1 logits Conv2D (tf-keras-vis #61, PR #85); allowing
 * non-conv layers picks the activation after the last conv when there is one (keras.io's
 * choice for Xception, 'block14_sepconv2_act'); pooling layers are skipped, as Chollet takes
 * VGG16's block5_conv3 rather than the coarser block5_pool. Null without a convolution.
 */
export function lastConvLayer(layers: readonly InspectLayer[]): string | null {
  const firstConv = layers.findIndex((l) => l.kind === 'conv');
  if (firstConv < 0) return null;
  // Pooling only halves the resolution of what the conv before it saw (Chollet takes block5_conv3, not block5_pool).
  const candidates = layers.slice(firstConv).filter((l) => l.kind !== 'pool' && l.shape?.length === 3 && l.shape[0] * l.shape[1] > 1);
  return candidates.at(-1)?.name ?? null;
}
