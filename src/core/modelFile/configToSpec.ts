/**
 * A Keras model config (what `model.get_config()` serialises into a `.keras` file's
 * config.json, a legacy `.h5` file's `model_config` attribute, or a TF.js model.json's
 * `modelTopology`) turned into the ModelSpec that code reading produces, so one shape engine
 * describes both. Handles Sequential (Keras 2.1's bare layer list too) and Functional models,
 * Keras 2's and Keras 3's inbound-node formats, and nested models. A layer class the engine
 * does not know stays in the spec and is reported unknown by it, never a crash.
 */
import type { ConfigObject, ConfigValue, LayerSpec, ModelSpec, SourceRange } from '../model/spec';
import { declaredInputShape } from '../model/inputShape';

/** A model file has no source lines: every range is the file's first position. */
export const FILE_RANGE: SourceRange = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

interface LayerEntry {
  class_name?: string;
  config?: ConfigObject | ConfigValue[];
  name?: string;
  inbound_nodes?: unknown;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Config keys that say how a layer was stored, not what it computes: dropped so they are not taken for arguments. */
const STORAGE_KEYS = ['module', 'registered_name', 'build_config', 'compile_config'];

export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError'; // the CLI and panels show it as the user's file problem, in one line
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keras 2 `[["conv2d", 0, 0, {}]]` or Keras 3 `[{args: [tensor…], kwargs}]`: the names of the layers feeding one call. */
function inboundNames(nodes: unknown): string[][] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return node.filter(Array.isArray).map((t) => String((t as unknown[])[0]));
    const names: string[] = [];
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (isObject(v)) {
        const history = isObject(v.config) ? v.config.keras_history : undefined;
        if (v.class_name === '__keras_tensor__' && Array.isArray(history)) names.push(String(history[0]));
        else Object.values(v).forEach(visit);
      }
    };
    if (isObject(node)) visit(node.args);
    return names;
  });
}

/** `[["input_1", 0, 0]]` (Keras 2), `["input_1", 0, 0]` (a single one) or Keras 3's tensor list: layer names. */
function endpointNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.flatMap((e) => (Array.isArray(e) && typeof e[0] === 'string' ? [e[0]] : isObject(e) ? inboundNames([{ args: [e] }])[0] : []));
}

function layerConfig(entry: LayerEntry): ConfigObject {
  const config: ConfigObject = isObject(entry.config) ? { ...entry.config } : {};
  for (const key of STORAGE_KEYS) delete config[key];
  // Keras 3 stores a dtype policy object ({class_name: 'DTypePolicy', config: {name: 'float32'}}) where code passes a dtype name.
  const dtype = config.dtype;
  if (isObject(dtype) && isObject(dtype.config) && typeof dtype.config.name === 'string') config.dtype = dtype.config.name;
  return config;
}

function layerOf(entry: LayerEntry, depth: number): LayerSpec {
  const className = entry.class_name ?? 'Unknown';
  const config = layerConfig(entry);
  const name = typeof config.name === 'string' ? config.name : entry.name ?? className.toLowerCase();
  const layer: LayerSpec = { className, config, name, tfjsName: name, range: FILE_RANGE, argRanges: {}, inbound: [] };
  if (MODEL_CLASSES.has(className)) layer.nested = modelSpecFromConfig({ class_name: className, config: entry.config as ConfigValue }, name, depth + 1);
  return layer;
}

function sequential(config: unknown, name: string, depth: number): ModelSpec {
  // Keras ≤ 2.2 stored a Sequential's config as the bare list of its layers.
  const entries = (Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : []) as LayerEntry[];
  const layers = entries.map((e) => layerOf(e, depth));
  const spec: ModelSpec = {
    name, kerasName: isObject(config) && typeof config.name === 'string' ? config.name : name, kind: 'sequential', language: 'python', dialect: 'keras',
    range: FILE_RANGE, layers, inputs: [], outputs: [], diagnostics: [],
  };
  // The input shape sits on an InputLayer (which Keras' summary of a Sequential does not list) or the first layer's batch_input_shape.
  if (layers[0]?.className === 'InputLayer') {
    const declared = declaredInputShape(layers[0].config);
    if (declared && 'shape' in declared) {
      spec.inputShape = declared.shape;
      layers.shift();
    }
  }
  const first = layers[0];
  if (first && spec.inputShape === undefined) {
    const declared = declaredInputShape(first.config);
    if (declared && 'shape' in declared) spec.inputShape = declared.shape;
  }
  if (spec.inputShape === undefined) {
    const build = isObject(config) ? config.build_input_shape : undefined;
    if (Array.isArray(build) && build.every((d) => d === null || typeof d === 'number')) spec.inputShape = (build as (number | null)[]).slice(1);
  }
  // As code reading does: a Sequential's output is its last layer's (a nested one's shape comes from there).
  if (layers.length > 0) {
    spec.inputs = [0];
    spec.outputs = [layers.length - 1];
  }
  return spec;
}

function functional(config: Record<string, unknown>, name: string, depth: number): ModelSpec {
  const entries = (Array.isArray(config.layers) ? config.layers : []) as LayerEntry[];
  const layers = entries.map((e) => layerOf(e, depth));
  const index = new Map(layers.map((l, i) => [l.name, i]));
  const at = (n: string, what: string): number => {
    const i = index.get(n);
    if (i === undefined) throw new ModelConfigError(`the model config's ${what} names a layer '${n}' it does not define`);
    return i;
  };
  entries.forEach((entry, i) => {
    const calls = inboundNames(entry.inbound_nodes);
    if (calls.length === 0) return;
    layers[i].inbound = calls[0].map((n) => at(n, `layer '${layers[i].name}'`));
    // A layer called on several inputs (a shared layer) is one row per call in Keras' summary; ConvLens shows its first call.
  });
  return {
    name, kerasName: typeof config.name === 'string' ? config.name : name, kind: 'functional', language: 'python', dialect: 'keras',
    range: FILE_RANGE, layers,
    inputs: endpointNames(config.input_layers).map((n) => at(n, 'input_layers')),
    outputs: endpointNames(config.output_layers).map((n) => at(n, 'output_layers')),
    diagnostics: [],
  };
}

/** `{class_name, config}` of a model (nested ones too) as a ModelSpec named `name`. */
export function modelSpecFromConfig(model: unknown, name: string, depth = 0): ModelSpec {
  if (depth > 16) throw new ModelConfigError('the model config nests models more than 16 deep');
  if (!isObject(model) || typeof model.class_name !== 'string') throw new ModelConfigError('the model config has no class_name: not a Keras model config');
  if (model.class_name === 'Sequential') return sequential(model.config, name, depth);
  if (model.class_name === 'Functional' || model.class_name === 'Model') {
    if (!isObject(model.config)) throw new ModelConfigError(`the ${model.class_name} config has no layers`);
    return functional(model.config, name, depth);
  }
  throw new ModelConfigError(`the file holds a ${model.class_name}, a subclassed model whose layers Keras does not store: only Sequential and Functional models can be read`);
}
