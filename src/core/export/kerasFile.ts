/**
 * A Keras 3 `.keras` file from a TF.js layers model (a ConvLens run's model.json): a zip of
 * metadata.json, config.json and model.weights.h5, stored uncompressed in that order as
 * Keras' saving_lib writes it. The weights are the model.json's own arrays, placed by layer
 * name and checked against the shapes the config implies before anything is written.
 */
import { strToU8, zipSync } from 'fflate';
import type { OpenedModelFile } from '../modelFile/open';
import type { StoredLayer } from '../modelFile/types';
import { compileConfig, type RunCompile } from './compileConfig';
import { ExportError } from './errors';
import { modelConfig, type OriginalLayers, type Saveable } from './kerasConfig';
import { kerasWeightsH5, type OptimizerVariables, type Variable } from './weightsH5';

/** The Keras version whose file layout the export follows (checked against files Keras 3.12 wrote). */
export const KERAS_FORMAT_VERSION = '3.12.0';

/** Keras' `date_saved`: `%Y-%m-%d@%H:%M:%S` (local time in Keras; UTC here). */
function dateSaved(now: Date): string {
  return now.toISOString().slice(0, 19).replace('T', '@');
}

/** Every saveable's name that holds variables (nested models' layers too). */
function layerNames(s: Saveable): string[] {
  return s.layers ? s.layers.flatMap(layerNames) : [s.name];
}

/** Variables by layer name, checked: each stored array belongs to a layer of the config, each is float32. */
function variablesOf(stored: StoredLayer[], model: Saveable): (layer: string) => Variable[] {
  const byName = new Map(stored.map((l) => [l.layer, l]));
  const names = new Set(layerNames(model));
  for (const l of stored) {
    if (!names.has(l.layer)) throw new ExportError(`the model.json stores weights for '${l.layer}', which its topology does not define`);
    for (const w of l.weights) if (w.dtype !== 'float32') throw new ExportError(`weight ${w.path} is ${w.dtype}; ConvLens exports float32 weights only`);
  }
  return (layer) => (byName.get(layer)?.weights ?? []).map((w) => {
    const values = w.values();
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new ExportError(`weight ${w.path}: the weight file holds ${values.length} values for shape ${w.shape.join('×')}`);
    return { shape: w.shape, values };
  });
}

export interface KerasExport {
  bytes: Uint8Array;
  /** Layers written and arrays written, for the command's report. */
  layers: number;
  arrays: number;
  compiled: boolean;
  /** Whether the optimizer's state went in too. */
  optimizerState: boolean;
}

/**
 * The `.keras` file's bytes for an opened TF.js model.json and, when known, the run's compile
 * settings and its optimizer's state (which Keras loads only into a compiled model).
 */
export async function kerasFileBytes(opened: OpenedModelFile, compile: RunCompile | undefined, optimizer?: OptimizerVariables, originals?: OriginalLayers, now = new Date()): Promise<KerasExport> {
  const { config, saveables } = modelConfig(opened.file.config, opened.summary, 0, originals);
  const compiled = compileConfig(compile);
  if (compiled) config.compile_config = compiled;
  const state = compiled ? optimizer : undefined;
  const variables = variablesOf(opened.file.weights, saveables);
  let arrays = 0;
  const counted = (layer: string): Variable[] => {
    const v = variables(layer);
    arrays += v.length;
    return v;
  };
  const h5 = await kerasWeightsH5(saveables, counted, state);
  const metadata = { keras_version: KERAS_FORMAT_VERSION, date_saved: dateSaved(now), exported_by: 'ConvLens' };
  const bytes = zipSync({
    'metadata.json': strToU8(JSON.stringify(metadata)),
    'config.json': strToU8(JSON.stringify(config)),
    'model.weights.h5': h5,
  }, { level: 0 });
  return { bytes, layers: layerNames(saveables).length, arrays, compiled: compiled !== undefined, optimizerState: state !== undefined };
}
