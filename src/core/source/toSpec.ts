/**
 * Turns the runtime's model objects (graphs of layer applications) into plain ModelSpecs,
 * listing layers in the order Keras' `model.summary()` does.
 */
import type { CompileSpec, OptimizerSpec, TrainerCompileSpec, FitSpec, ConfigObject, ConfigValue, Dialect, LayerSpec, ModelSpec, SourceLanguage, SourceRange } from '../model/spec';
import { camelToSnake, toSnakeCase } from '../model/catalog';
import { declaredInputShape, type DeclaredInputShape } from '../model/inputShape';
import type { CompileCall, TrainerCompileCall, FitCall, GraphNode, LayerObject, ModelObject, Value } from './values';

export function toModelSpecs(models: ModelObject[], language: SourceLanguage): ModelSpec[] {
  const dialect: Dialect = language === 'python' ? 'keras' : 'tfjs';
  const cache = new Map<number, ModelSpec>();
  const convert = (m: ModelObject, depth: number): ModelSpec => {
    let spec = cache.get(m.id);
    if (!spec) {
      spec = m.kind === 'sequential' ? sequentialSpec(m, language, dialect, convert, depth) : functionalSpec(m, language, dialect, convert, depth);
      cache.set(m.id, spec);
    }
    return spec;
  };
  return models.map((m) => convert(m, 0));
}

/**
 * A layer or model a custom layer made in its `__init__` (model/customLayer.ts's sublayers):
 * the same LayerSpec it would be in a model, fed by the custom layer's `call` instead of inbound layers.
 */
export function sublayerSpec(item: LayerObject | ModelObject, language: SourceLanguage): LayerSpec {
  if (!('sequence' in item)) return layerSpec(item, item.range, []);
  const dialect: Dialect = language === 'python' ? 'keras' : 'tfjs';
  const convert: Convert = (m, depth) => (m.kind === 'sequential' ? sequentialSpec : functionalSpec)(m, language, dialect, convert, depth);
  return nestedSpec(item, item.range, [], convert, 0);
}

type Convert = (m: ModelObject, depth: number) => ModelSpec;
/** Guards against a model nested in itself (only possible through confused code). */
const MAX_NESTING = 8;

function baseSpec(m: ModelObject, language: SourceLanguage, dialect: Dialect): ModelSpec {
  return {
    name: m.varName ?? m.kerasName, kerasName: m.kerasName, kind: m.kind, language, dialect,
    range: m.range, layers: [], inputs: [], outputs: [],
    compile: m.compile ? compileSpec(m.compile) : undefined,
    ...(m.trainerCompile ? { trainerCompile: trainerCompileSpec(m.trainerCompile) } : {}),
    ...(m.fit ? { fit: fitSpec(m.fit) } : {}),
    ...(m.trainable === false ? { trainable: false } : {}),
    ...(m.pretrained ? { pretrained: m.pretrained } : {}),
    ...(m.weightsFile ? { weightsFile: m.weightsFile } : {}),
    diagnostics: [],
  };
}

function layerSpec(layer: LayerObject, range: SourceRange, inbound: number[]): LayerSpec {
  const argRanges: Record<string, SourceRange> = {};
  for (const [k, r] of layer.argRanges) argRanges[k] = r;
  const spec: LayerSpec = {
    className: layer.className, config: configObject(layer.config), name: layer.name, tfjsName: layer.tfjsName,
    range, argRanges, inbound,
  };
  if (layer.unresolved) spec.unresolved = layer.unresolved;
  if (layer.custom) spec.custom = layer.custom;
  return spec;
}

function nestedSpec(model: ModelObject, range: SourceRange, inbound: number[], convert: Convert, depth: number): LayerSpec {
  const base: LayerSpec = {
    className: model.kind === 'sequential' ? 'Sequential' : 'Functional',
    config: model.trainable === false ? { trainable: false } : {}, name: model.kerasName, tfjsName: model.kerasName, range, argRanges: {}, inbound,
  };
  if (depth >= MAX_NESTING) return { ...base, unresolved: 'models nested too deeply' };
  return { ...base, nested: convert(model, depth + 1) };
}

function sequentialSpec(m: ModelObject, language: SourceLanguage, dialect: Dialect, convert: Convert, depth: number): ModelSpec {
  const spec = baseSpec(m, language, dialect);
  const firstUse = new Map<number, number>();
  m.sequence.forEach((item, i) => {
    const inbound = i === 0 ? [] : [i - 1];
    const ls = 'sequence' in item ? nestedSpec(item, item.range, inbound, convert, depth) : layerSpec(item, item.range, inbound);
    markShared(ls, item.id, i, firstUse);
    spec.layers.push(ls);
  });
  markSharedSublayers(m.sequence, spec.layers);
  const declared = sequentialInputShape(m);
  if (declared && 'shape' in declared) spec.inputShape = declared.shape;
  else if (declared?.problem === 'unknown') spec.inputShapeUnknown = `${declared.key} is not known statically (${declared.detail})`;
  if (spec.layers.length > 0) {
    spec.inputs = [0];
    spec.outputs = [spec.layers.length - 1];
  }
  return spec;
}

/**
 * The input shape a Sequential declares, from an Input, `input_shape`, `batch_input_shape` or
 * `input_dim`: a shape without the batch axis, or why it is not known. A malformed one is
 * the shape engine's to report.
 */
function sequentialInputShape(m: ModelObject): DeclaredInputShape {
  const fromInput = m.sequentialInput ? declaredInputShape(configObject(m.sequentialInput.config)) : undefined;
  if (fromInput) return fromInput;
  const first = m.sequence[0];
  if (!first || 'sequence' in first) return undefined;
  return declaredInputShape(configObject(first.config));
}

/**
 * A custom layer's row counts its sublayers' weights, as Keras' summary does; a sublayer that
 * is also applied elsewhere in the model, or held by another custom layer, is one set of
 * weights that the totals count once (Keras' model.weights holds each variable once). Such an
 * object is marked with its id (`weightsId`) wherever it appears, so the shape engine can
 * leave it out of the totals after its first count.
 */
function markSharedSublayers(objects: (LayerObject | ModelObject | undefined)[], layers: LayerSpec[]): void {
  const owners = new Map<number, Set<number>>();
  const own = (id: number, owner: number): void => {
    const set = owners.get(id) ?? new Set<number>();
    set.add(owner);
    owners.set(id, set);
  };
  const holders: LayerObject[] = [];
  const visit = (custom: LayerObject, depth: number): void => {
    if (holders.includes(custom) || !custom.instance?.sublayers || depth > MAX_NESTING) return;
    holders.push(custom);
    for (const sub of custom.instance.sublayers) {
      own(sub.id, custom.id);
      if (!('sequence' in sub)) visit(sub, depth + 1);
    }
  };
  // -1: the model itself.
  objects.forEach((o, i) => {
    if (!o) return;
    own(o.id, -1);
    if (!('sequence' in o) && layers[i].sharedWith === undefined) visit(o, 1);
  });
  const shared = (id: number): boolean => (owners.get(id)?.size ?? 0) > 1;
  objects.forEach((o, i) => {
    if (o && shared(o.id)) layers[i].weightsId = o.id;
  });
  for (const h of holders) {
    h.instance!.sublayers!.forEach((sub, k) => {
      const spec = h.custom?.sublayers[k];
      if (spec && shared(sub.id)) spec.weightsId = sub.id;
    });
  }
}

/**
 * A layer or a whole model applied again (a siamese tower) is one set of weights: later
 * applications point at the first, so the totals count them once, as Keras does.
 */
function markShared(ls: LayerSpec, objectId: number, index: number, firstUse: Map<number, number>): void {
  const first = firstUse.get(objectId);
  if (first !== undefined) ls.sharedWith = first;
  else firstUse.set(objectId, index);
}

function functionalSpec(m: ModelObject, language: SourceLanguage, dialect: Dialect, convert: Convert, depth: number): ModelSpec {
  const spec = baseSpec(m, language, dialect);
  // Every node reachable backwards from the outputs; node ids grow in creation order,
  // which is a topological order because a node is created after its inputs.
  const reached = new Map<number, GraphNode>();
  const stack = m.outputs.map((t) => t.node);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (reached.has(node.id)) continue;
    reached.set(node.id, node);
    for (const t of node.inputs) stack.push(t.node);
  }
  const ordered = [...reached.values()].sort((a, b) => a.id - b.id);
  const indexOf = new Map<number, number>();
  const firstUse = new Map<number, number>();
  ordered.forEach((node, i) => {
    indexOf.set(node.id, i);
    const inbound = node.inputs.map((t) => indexOf.get(t.node.id)!);
    // An input that is a later tensor of a layer giving several (`x, kernel = Involution(…)(x)`).
    const picks = node.inputs.some((t) => (t.outputIndex ?? 0) > 0) ? node.inputs.map((t) => t.outputIndex ?? 0) : undefined;
    if (node.inputLayer) {
      spec.layers.push(layerSpec(node.inputLayer, node.range, []));
    } else if (node.nestedModel) {
      const ls = nestedSpec(node.nestedModel, node.range, inbound, convert, depth);
      if (picks) ls.inboundOutputs = picks;
      markShared(ls, node.nestedModel.id, i, firstUse);
      spec.layers.push(ls);
    } else if (node.layer) {
      const ls = layerSpec(node.layer, node.range, inbound);
      if (picks) ls.inboundOutputs = picks;
      markShared(ls, node.layer.id, i, firstUse);
      spec.layers.push(ls);
    }
  });
  markSharedSublayers(ordered.map((node) => node.layer ?? node.nestedModel), spec.layers);
  spec.inputs = m.inputs.map((t) => indexOf.get(t.node.id)).filter((i): i is number => i !== undefined);
  spec.outputs = m.outputs.map((t) => indexOf.get(t.node.id)!);
  // Inputs the graph reaches but the model call did not list are still inputs of the graph.
  ordered.forEach((node, i) => {
    if (node.inputLayer && !spec.inputs.includes(i)) spec.inputs.push(i);
  });
  return spec;
}

export function toConfigValue(v: Value): ConfigValue {
  switch (v.kind) {
    case 'number': return v.value;
    case 'string': return v.value;
    case 'bool': return v.value;
    case 'none': return null;
    case 'list': return v.items.map(toConfigValue);
    case 'dict': return configObject(v.entries);
    case 'unknown': return { unknown: v.reason };
    // `activation=tf.nn.relu` or `keras.activations.relu`: the function's name is what matters.
    case 'ref': return v.path.slice(v.path.lastIndexOf('.') + 1);
    // A layer given as an argument (`Bidirectional(LSTM(64))`): as Keras serialises one.
    case 'layer': return { class_name: v.layer.className, config: { ...configObject(v.layer.config), name: v.layer.name } };
    default: return { unknown: `${v.kind} used as an argument` };
  }
}

function configObject(entries: Map<string, Value>): ConfigObject {
  const out: ConfigObject = {};
  for (const [k, v] of entries) out[k] = toConfigValue(v);
  return out;
}

function className(v: Value | undefined): string | undefined {
  if (v?.kind === 'string') return v.value;
  // `loss=keras.losses.categorical_crossentropy`: the function's name is the loss.
  if (v?.kind === 'ref') return v.path.slice(v.path.lastIndexOf('.') + 1);
  if (v?.kind === 'dict') {
    const cls = v.entries.get('__class__');
    if (cls?.kind === 'string') return cls.value;
  }
  return undefined;
}

/** 'BinaryCrossentropy', 'binaryCrossentropy' and 'binary_crossentropy' all become 'binary_crossentropy'. */
function lossName(name: string): string {
  return /^[A-Z]/.test(name) ? toSnakeCase(name) : camelToSnake(name);
}

function optimizerSpec(v: Value | undefined): OptimizerSpec {
  const spec: OptimizerSpec = {};
  const optimizer = className(v);
  if (optimizer) spec.optimizer = optimizer.toLowerCase();
  if (v?.kind === 'dict') {
    const lr = v.entries.get('learning_rate') ?? v.entries.get('lr');
    if (lr?.kind === 'number') spec.learningRate = lr.value;
  }
  return spec;
}

/** The loss's snake_case name and its from_logits flag, where the code says them. */
function lossSpec(v: Value | undefined): { loss?: string; fromLogits?: boolean } {
  const spec: { loss?: string; fromLogits?: boolean } = {};
  const loss = className(v);
  if (loss) spec.loss = lossName(loss);
  if (v?.kind === 'dict') {
    const fromLogits = v.entries.get('from_logits');
    if (fromLogits?.kind === 'bool') spec.fromLogits = fromLogits.value;
  }
  return spec;
}

function compileSpec(call: CompileCall): CompileSpec {
  const spec: CompileSpec = { range: call.range, ...optimizerSpec(call.optimizer), ...lossSpec(call.loss) };
  if (call.metrics?.kind === 'list') {
    spec.metrics = call.metrics.items.map(className).filter((s): s is string => s !== undefined);
  }
  return spec;
}

function trainerCompileSpec(call: TrainerCompileCall): TrainerCompileSpec {
  const optimizers: Record<string, OptimizerSpec> = {};
  for (const [key, v] of call.keyword) if (key.endsWith('optimizer')) optimizers[key] = optimizerSpec(v);
  return { trainerClass: call.trainerClass, optimizers, ...lossSpec(call.keyword.get('loss_fn') ?? call.keyword.get('loss')), range: call.range };
}

/** A positive whole number, or undefined when the code's value is not one (or not known). */
function count(v: Value | undefined): number | undefined {
  return v?.kind === 'number' && Number.isInteger(v.value) && v.value > 0 ? v.value : undefined;
}

const MONITORS: Record<string, NonNullable<FitSpec['earlyStoppingMonitor']>> = {
  val_loss: 'val_loss', loss: 'loss', val_acc: 'val_acc', val_accuracy: 'val_acc', acc: 'acc', accuracy: 'acc',
};

function fitSpec(call: FitCall): FitSpec {
  const kw = call.keyword;
  const spec: FitSpec = { range: call.range };
  const epochs = count(kw.get('epochs'));
  if (epochs !== undefined) spec.epochs = epochs;
  // A generator's batches are its flow's batch_size (Keras refuses batch_size= beside a generator).
  const batchSize = count(kw.get('batch_size')) ?? call.data?.generator?.flow?.batchSize;
  if (batchSize !== undefined) spec.batchSize = batchSize;
  const split = kw.get('validation_split');
  if (split?.kind === 'number' && split.value > 0 && split.value < 1) spec.validationSplit = split.value;
  const steps = count(kw.get('steps_per_epoch'));
  if (steps !== undefined) spec.stepsPerEpoch = steps;
  const validationSteps = count(kw.get('validation_steps'));
  if (validationSteps !== undefined) spec.validationSteps = validationSteps;
  const callbacks = kw.get('callbacks');
  const items = callbacks?.kind === 'list' ? callbacks.items : callbacks ? [callbacks] : [];
  for (const cb of items) {
    const name = className(cb);
    if (cb.kind !== 'dict' || !name || !/^early_?stopping$/i.test(name)) continue;
    // Keras' default patience is 0 (stop at the first epoch without improvement); ConvLens' 0 means off, so 0 becomes 1.
    const patience = cb.entries.get('patience');
    spec.earlyStoppingPatience = patience?.kind === 'number' && patience.value >= 1 ? Math.round(patience.value) : 1;
    const monitor = cb.entries.get('monitor');
    const known = monitor?.kind === 'string' ? MONITORS[monitor.value] : undefined;
    if (known) spec.earlyStoppingMonitor = known;
  }
  if (call.legacyGenerator) spec.legacyGenerator = true;
  if (call.data) spec.data = call.data;
  if (call.validationData) spec.validationData = call.validationData;
  return spec;
}
