/**
 * `x.shape` of a Keras tensor while the model is still being built: the shape engine's answer
 * for the graph up to that tensor, read as a small model of its own.
 */
import type { SourceLanguage, SourceRange } from '../model/spec';
import { analyzeModel } from '../shapes/analyze';
import { toModelSpecs } from './toSpec';
import { NONE, list, str, unknown, type LayerObject, type ModelObject, type SymbolicTensor, type Value } from './values';

/** The shapes already worked out, by tensor. */
export type ShapesKnown = Pick<WeakMap<SymbolicTensor, Value>, 'get'>;

/** What the probe needs from the runtime: a new InputLayer, a model id, the reader's language. */
export interface ProbeMaker {
  inputLayer(config: Map<string, Value>, range: SourceRange): LayerObject;
  modelId(): number;
  readonly language: SourceLanguage;
}

export function probeShape(tensor: SymbolicTensor, known: ShapesKnown, make: ProbeMaker): Value {
  // The graph up to the tensor, cut where a shape is already known: such a tensor stands in
  // as an Input of that shape, so asking shapes further and further down a long graph
  // (MobileViT, DeepLabV3+) analyses only the new part, not the whole graph each time.
  const inputs: SymbolicTensor[] = [];
  const isCut = (t: SymbolicTensor): boolean => {
    // A later output of a layer (`a, b = Split()(x)`) stays with its layer: cut, both outputs
    // would become Inputs with the layer's id.
    if ((t.outputIndex ?? 0) > 0) return false;
    const shape = t === tensor ? undefined : known.get(t);
    return shape?.kind === 'list' && shape.items[0]?.kind === 'none' && shape.items.every((d) => d.kind === 'number' || d.kind === 'none');
  };
  // Every tensor the probe needs, found without recursion (graphs can be thousands of layers deep).
  const reached: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const stack = [tensor];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    reached.push(t);
    if (!t.node.inputLayer && !isCut(t)) stack.push(...t.node.inputs);
  }
  // Copies in creation order (a node is made after its inputs), inputs rewired to the copies.
  // The outputs of one layer share its node, so its copy is made once and each keeps its index.
  const copies = new Map<SymbolicTensor, SymbolicTensor>();
  const nodeCopies = new Map<SymbolicTensor['node'], SymbolicTensor['node']>();
  for (const t of reached.sort((a, b) => a.node.id - b.node.id)) {
    let copy: SymbolicTensor;
    if (t.node.inputLayer) {
      copy = t;
      inputs.push(t);
    } else if (isCut(t)) {
      const shape = known.get(t) as Extract<Value, { kind: 'list' }>;
      const config = new Map<string, Value>([['shape', list(shape.items.slice(1), true)], ['name', str(`shape_of_${t.node.id}`)]]);
      // The producer's id: only this tensor leads to it, and the order of ids stays topological.
      copy = { node: { id: t.node.id, inputLayer: make.inputLayer(config, t.node.range), inputs: [], range: t.node.range } };
      inputs.push(copy);
    } else {
      let node = nodeCopies.get(t.node);
      if (!node) {
        node = { ...t.node, inputs: t.node.inputs.map((i) => copies.get(i)!) };
        nodeCopies.set(t.node, node);
      }
      copy = { ...t, node };
    }
    copies.set(t, copy);
  }
  const output = copies.get(tensor)!;
  inputs.sort((a, b) => a.node.id - b.node.id);
  const probe: ModelObject = { id: make.modelId(), kind: 'functional', range: tensor.node.range, sequence: [], inputs, outputs: [output], kerasName: 'shape' };
  const spec = toModelSpecs([probe], make.language)[0];
  const out = analyzeModel(spec).layers[spec.outputs[0]];
  const shape = (tensor.outputIndex ?? 0) > 0 ? out?.outputShapes?.[tensor.outputIndex!] : out?.outputShape;
  if (!shape) return unknown(`the shape of this tensor is not known${out?.unknownReason ? ` (${out.unknownReason})` : ''}`);
  // A tuple in Keras 3, a TensorShape in tf.keras: isinstance(x.shape, tuple) stays undecided.
  return { kind: 'list', items: shape.map((d) => (d === null ? NONE : { kind: 'number', value: d })), tuple: true, pythonType: 'shape' };
}
