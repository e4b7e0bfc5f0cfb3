/**
 * TF.js' layers format: model.json with `modelTopology` (the Keras model config, directly or
 * under `model_config` as the converter writes it) and a `weightsManifest` of shards whose
 * weights are named `<layer>/<variable>` (pre-1.0 converters list them out of layer order:
 * they are matched by name). Values are read from the shards only when asked for.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ModelConfigError } from './configToSpec';
import type { ModelFile, StoredLayer } from './types';

interface Manifest {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export function readTfjsModelJson(text: string, fileName: string): ModelFile {
  let json: { modelTopology?: Record<string, unknown>; weightsManifest?: Manifest[]; format?: string; generatedBy?: string };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (e) {
    throw new ModelConfigError(`${fileName} is not JSON (${(e as Error).message})`);
  }
  const topology = json.modelTopology;
  if (typeof topology !== 'object' || topology === null || !Array.isArray(json.weightsManifest)) {
    throw new ModelConfigError(`${fileName} is not a TF.js layers model (a model.json has "modelTopology" and "weightsManifest")`);
  }
  const config = 'model_config' in topology ? topology.model_config : topology;
  const byLayer = new Map<string, StoredLayer>();
  // The shards are read once, when the first value is asked for (a summary needs shapes only).
  let shards: Buffer | undefined;
  const allShards = (): Buffer => (shards ??= Buffer.concat(json.weightsManifest!.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(fileName), p))))));
  let offset = 0;
  for (const group of json.weightsManifest) {
    for (const w of group.weights) {
      const start = offset;
      const size = w.shape.reduce((a, b) => a * b, 1);
      offset += size * (BYTES[w.dtype] ?? 4);
      const layer = w.name.includes('/') ? w.name.slice(0, w.name.lastIndexOf('/')) : w.name;
      const values = (): Float32Array => {
        const all = allShards();
        return new Float32Array(all.buffer.slice(all.byteOffset + start, all.byteOffset + start + size * 4));
      };
      const entry = byLayer.get(layer) ?? { layer, weights: [] };
      entry.weights.push({ path: w.name, shape: w.shape, dtype: w.dtype, values });
      byLayer.set(layer, entry);
    }
  }
  const weights = [...byLayer.values()];
  return {
    info: {
      file: fileName, format: 'tfjs', formatLabel: 'TF.js layers (model.json)',
      kerasVersion: typeof topology.keras_version === 'string' ? topology.keras_version : undefined,
      backend: typeof topology.backend === 'string' ? topology.backend : undefined,
      optimizerSaved: false, weightDtypes: [...new Set(weights.flatMap((l) => l.weights.map((w) => w.dtype)))],
    },
    config,
    weights,
  };
}
