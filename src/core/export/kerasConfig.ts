/**
 * A TF.js layers model's topology (what a ConvLens run's model.json holds) as the config.json
 * of a Keras 3 `.keras` file, and the tree of the model's saveables in the order Keras walks
 * them when it writes model.weights.h5 (keras/src/saving/saving_lib.py): a model's `layers`
 * (a Sequential's without its InputLayer, a Functional's with them), each under
 * `snake_case(ClassName)` with `_1`, `_2`, … for repeats — the inverse of ../modelFile/kerasZip.ts.
 * Shapes (a Functional's tensors, each layer's build_config) come from the shape engine's
 * summary of the same topology, so no TF.js is needed.
 */
import { toSnakeCase } from '../modelFile/kerasZip';
import type { ModelSummary, Shape } from '../shapes/types';
import { ExportError } from './errors';
import { inputLayer, kerasLayer, originalLayer, type JsonObject, type KerasLayer, type OriginalLayer } from './kerasLayers';

type Json = JsonObject[string];

/** One object Keras saves variables for: its group key, its name (the `vars` group's `name`), its sub-layers when it is a model. */
export interface Saveable {
  key: string;
  /** The layer's (or model's) name, which is also the TF.js layer whose weights it takes. */
  name: string;
  /** A nested model's layers. */
  layers?: Saveable[];
}

export interface KerasModelConfig {
  config: JsonObject;
  saveables: Saveable;
}

interface TfjsLayer {
  class_name: string;
  name?: string;
  config: JsonObject;
  inbound_nodes?: [string, number, number, unknown?][][];
}

const MERGE_CLASSES = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Subtract', 'Dot']);
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** A config's string field, or `fallback` when it is absent or not a string. */
function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keras' class of a TF.js model entry: TF.js calls a functional model 'Model'. */
function kerasClass(className: string): string {
  return className === 'Model' ? 'Functional' : className;
}

/** Keys as Keras' _save_container_state gives them: snake_case(class), then _1, _2, … per class. */
function keyed(entries: { className: string; name: string; layers?: Saveable[] }[]): Saveable[] {
  const used = new Map<string, number>();
  return entries.map((e) => {
    const base = toSnakeCase(kerasClass(e.className));
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return { key: n === undefined ? base : `${base}_${n + 1}`, name: e.name, ...(e.layers ? { layers: e.layers } : {}) };
  });
}

function shapeJson(shape: Shape | null | undefined, where: string): Json[] {
  if (!shape) throw new ExportError(`the shape after ${where} is not known, so Keras could not rebuild the model`);
  return shape;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

interface Built {
  entry: KerasLayer & JsonObject;
  saveable: { className: string; name: string; layers?: Saveable[] };
}

/** Layers to write as the code wrote them, by name (TF.js trained a stand-in for them). */
export type OriginalLayers = ReadonlyMap<string, OriginalLayer>;

/** A layer of `summaryLayer`'s model, or a nested model, in Keras 3's form. */
function layerEntry(layer: TfjsLayer, nested: ModelSummary | undefined, depth: number, originals: OriginalLayers): Built {
  const name = text(layer.config.name, text(layer.name, layer.class_name));
  if (MODEL_CLASSES.has(layer.class_name)) {
    if (!nested) throw new ExportError(`the nested model '${name}' could not be described`);
    const inner = modelConfig({ class_name: layer.class_name, config: layer.config }, nested, depth + 1, originals);
    return { entry: inner.config as KerasLayer & JsonObject, saveable: { className: layer.class_name, name, layers: inner.saveables.layers } };
  }
  const original = layer.class_name === 'Activation' ? originals.get(name) : undefined;
  if (original) return { entry: originalLayer(name, original) as KerasLayer & JsonObject, saveable: { className: original.className, name } };
  return { entry: kerasLayer(layer.class_name, layer.config) as KerasLayer & JsonObject, saveable: { className: layer.class_name, name } };
}

function sequential(config: JsonObject, summary: ModelSummary, depth: number, originals: OriginalLayers): KerasModelConfig {
  const all = (Array.isArray(config.layers) ? config.layers : []) as unknown as TfjsLayer[];
  const rest = all[0]?.class_name === 'InputLayer' ? all.slice(1) : all;
  const batch = shapeJson(summary.inputShapes[0], 'the input');
  const names = new Set(all.map((l) => text(l.config.name, '')));
  const layers: JsonObject[] = [inputLayer(uniqueName('input_layer', names), batch) as unknown as JsonObject];
  const children = rest.map((layer, i) => {
    const row = summary.layers[i];
    const built = layerEntry(layer, row?.nested, depth, originals);
    const input = i === 0 ? batch : shapeJson(summary.layers[i - 1]?.outputShape, `layer '${summary.layers[i - 1]?.name}'`);
    layers.push({ ...built.entry, build_config: { input_shape: input } });
    return built.saveable;
  });
  const name = text(config.name, 'sequential');
  return {
    config: {
      module: 'keras', class_name: 'Sequential',
      config: { name, trainable: true, dtype: 'float32', layers, build_input_shape: batch },
      registered_name: null, build_config: { input_shape: batch },
    },
    saveables: { key: '', name, layers: keyed(children) },
  };
}

function functional(config: JsonObject, summary: ModelSummary, depth: number, originals: OriginalLayers): KerasModelConfig {
  const all = (Array.isArray(config.layers) ? config.layers : []) as unknown as TfjsLayer[];
  const rows = new Map(summary.layers.map((row) => [row.name, row]));
  const classes = new Map(all.map((l) => [text(l.config.name, text(l.name, l.class_name)), l.class_name]));
  const shapeOf = (name: string): Json[] => shapeJson(rows.get(name)?.outputShape, `layer '${name}'`);
  // TF.js gives a nested model a node of its own when it is built, so its first call is node 1;
  // a Keras 3 model has no such node (its first call is node 0), except that a Functional's
  // get_config numbers the nodes named in input_layers/output_layers from 1 (functional.py).
  const builtInNodes = (name: string): number => (MODEL_CLASSES.has(classes.get(name) ?? '') ? 1 : 0);
  const tensor = ([from, node, index]: [string, number, number, unknown?]): JsonObject => ({
    class_name: '__keras_tensor__',
    config: { shape: shapeOf(from), dtype: 'float32', keras_history: [from, node - builtInNodes(from), index] },
  });
  const layers: JsonObject[] = [];
  const children = all.map((layer, i) => {
    const name = text(layer.config.name, text(layer.name, layer.class_name));
    if (layer.class_name === 'InputLayer') {
      const batch = shapeJson(summary.layers[i]?.outputShape, `input '${name}'`);
      layers.push({ ...inputLayer(name, batch), name, inbound_nodes: [] });
      return { className: 'InputLayer', name };
    }
    const built = layerEntry(layer, summary.layers[i]?.nested, depth, originals);
    const calls = (layer.inbound_nodes ?? []).map((node) => node.map(tensor));
    const nodes = calls.map((tensors) => ({ args: MERGE_CLASSES.has(layer.class_name) ? [tensors] : tensors, kwargs: {} }));
    const inputShapes = calls[0]?.map((t) => (t.config as JsonObject).shape) ?? [];
    const buildInput = MERGE_CLASSES.has(layer.class_name) ? inputShapes : inputShapes[0];
    layers.push({ ...built.entry, build_config: { input_shape: buildInput ?? null }, name, inbound_nodes: nodes });
    return built.saveable;
  });
  const endpoint = ([from, node, index]: Json[]): Json[] => {
    const name = text(from, '');
    const keras = typeof node === 'number' ? node - builtInNodes(name) + (kerasClass(classes.get(name) ?? '') === 'Functional' ? 1 : 0) : node;
    return [from, keras, index];
  };
  const endpoints = (v: Json): Json[] => (Array.isArray(v) ? v.map((e) => (Array.isArray(e) ? endpoint(e) : e)) : []);
  const name = text(config.name, 'functional');
  return {
    config: {
      module: 'keras.src.models.functional', class_name: 'Functional',
      config: { name, trainable: true, layers, input_layers: endpoints(config.input_layers), output_layers: endpoints(config.output_layers) },
      registered_name: 'Functional', build_config: { input_shape: null },
    },
    saveables: { key: '', name, layers: keyed(children) },
  };
}

/**
 * `{class_name, config}` of a TF.js model (Sequential or functional 'Model') in Keras 3's form,
 * with its saveables; `originals` are layers to write as the code wrote them.
 */
export function modelConfig(topology: unknown, summary: ModelSummary, depth = 0, originals: OriginalLayers = new Map()): KerasModelConfig {
  if (depth > 16) throw new ExportError('the model nests models more than 16 deep');
  if (!isObject(topology) || !isObject(topology.config)) throw new ExportError('the model.json has no model config to export');
  if (topology.class_name === 'Sequential') return sequential(topology.config, summary, depth, originals);
  if (topology.class_name === 'Model' || topology.class_name === 'Functional') return functional(topology.config, summary, depth, originals);
  throw new ExportError(`the model is a ${text(topology.class_name, 'model of no class')}: only Sequential and functional models can be exported to Keras`);
}
