/**
 * Keras 3's `.keras` format (keras/src/saving/saving_lib.py): a zip of `metadata.json`
 * (`keras_version`, `date_saved`), `config.json` (the serialised model) and
 * `model.weights.h5`, where each layer's variables are datasets `vars/0`, `vars/1`, … under
 * `layers/<snake_case(ClassName)>` (`_1`, `_2`, … for repeats, in the order of the model's
 * layers; nested models have their own `layers/`). Since Keras 3.6 a `vars` group also names
 * its layer in a `name` attribute, which wins when present. Read with fflate (unzip) and jsfive.
 */
import { strFromU8, unzipSync } from 'fflate';
import { ModelConfigError } from './configToSpec';
import { child, dtypeName, isDataset, isGroup, openHdf5, stringAttr, type H5Group } from './hdf5';
import { storedCompile } from './compileInfo';
import type { ModelFile, StoredLayer } from './types';

/** keras.src.utils.naming.to_snake_case. */
export function toSnakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface ConfigLayer {
  class_name?: string;
  config?: { name?: string; layers?: ConfigLayer[] } | ConfigLayer[];
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

function layersOf(config: ConfigLayer['config']): ConfigLayer[] {
  if (Array.isArray(config)) return config;
  return Array.isArray(config?.layers) ? config.layers : [];
}

function varsOf(group: H5Group, layer: string): StoredLayer['weights'] {
  const vars = child(group, 'vars');
  if (!isGroup(vars)) return [];
  const keys = vars.keys.filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  return keys.map((k) => {
    const data = child(vars, k);
    if (!isDataset(data)) throw new ModelConfigError(`layer '${layer}': vars/${k} is not a dataset`);
    return { path: `${data.name}`, shape: [...data.shape], dtype: dtypeName(data.dtype), values: () => Float32Array.from(data.value) };
  });
}

/**
 * The stored weights of a model's layers (recursing into nested models), matched to the config's
 * layer names. `byPosition`: the groups belong to the given layers by class and order whatever
 * name the file records (Keras' load_weights onto another model of the same architecture).
 */
function walk(group: H5Group | null, layers: ConfigLayer[], out: StoredLayer[], byPosition = false): void {
  const container = group ? child(group, 'layers') : null;
  const seen = new Map<string, number>();
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') continue; // not among model.layers' saveables
    const name = (Array.isArray(layer.config) ? undefined : layer.config?.name) ?? toSnakeCase(layer.class_name ?? 'layer');
    const base = toSnakeCase(layer.class_name ?? 'layer');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const key = n === 0 ? base : `${base}_${n}`;
    const own = isGroup(container) ? child(container, key) : null;
    const stored = isGroup(own) ? own : null;
    if (MODEL_CLASSES.has(layer.class_name ?? '')) {
      walk(stored, layersOf(layer.config), out, byPosition);
      continue;
    }
    const named = stored && isGroup(child(stored, 'vars')) ? stringAttr(child(stored, 'vars') as H5Group, 'name') : undefined;
    out.push({ layer: byPosition ? name : named ?? name, weights: stored ? varsOf(stored, name) : [] });
  }
}

/**
 * A Keras 3 weights file on its own (`model.save_weights("m.weights.h5")`, the same HDF5 layout
 * as a .keras file's model.weights.h5): it has no config, so the model it is loaded onto names
 * the groups, as Keras' load_weights does.
 */
export function readKerasWeightsH5(bytes: Uint8Array, fileName: string, layers: ConfigLayer[]): StoredLayer[] {
  const weights: StoredLayer[] = [];
  walk(openHdf5(bytes, fileName), layers, weights, true);
  return weights;
}

export function readKerasZip(bytes: Uint8Array, fileName: string): ModelFile {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => ['config.json', 'metadata.json', 'model.weights.h5'].includes(f.name) });
  } catch (e) {
    throw new ModelConfigError(`${fileName} is not a readable zip (a .keras file is one): ${(e as Error).message}`);
  }
  const json = (name: string): unknown => {
    const entry = entries[name];
    if (!entry) throw new ModelConfigError(`${fileName} has no ${name}: not a Keras 3 .keras file`);
    try {
      return JSON.parse(strFromU8(entry));
    } catch (e) {
      throw new ModelConfigError(`${fileName}: ${name} is not JSON (${(e as Error).message})`);
    }
  };
  const config = json('config.json') as ConfigLayer;
  const metadata = json('metadata.json') as { keras_version?: string; date_saved?: string };
  const weights: StoredLayer[] = [];
  let optimizerSaved = false;
  const h5 = entries['model.weights.h5'];
  if (h5) {
    const file = openHdf5(h5, `${fileName}/model.weights.h5`);
    walk(file, layersOf(config.config), weights);
    optimizerSaved = isGroup(child(file, 'optimizer'));
  }
  return {
    info: {
      file: fileName, format: 'keras', formatLabel: 'Keras 3 (.keras)', kerasVersion: metadata.keras_version, savedAt: metadata.date_saved,
      optimizerSaved, weightDtypes: [...new Set(weights.flatMap((l) => l.weights.map((w) => w.dtype)))],
    },
    config,
    compile: storedCompile((config as { compile_config?: unknown }).compile_config),
    weights,
  };
}
