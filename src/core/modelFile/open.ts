/**
 * Opening a saved model file (`.keras`, `.h5`/`.hdf5`, TF.js `model.json`) for the summary:
 * read it with the format's reader, turn its model config into a ModelSpec, describe that
 * with the same shape engine as code, and check the stored weights against what the config
 * implies (a layer whose stored weights hold another number of values than its formula
 * gives is a clear diagnostic, not a silent mismatch).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Diagnostic, ModelSpec } from '../model/spec';
import { analyzeModel } from '../shapes/analyze';
import { formatCount } from '../shapes/format';
import type { ModelSummary } from '../shapes/types';
import { FILE_RANGE, ModelConfigError, modelSpecFromConfig } from './configToSpec';
import { readKerasZip } from './kerasZip';
import { readLegacyH5 } from './legacyH5';
import { readTfjsModelJson } from './tfjsJson';
import type { ModelFile, StoredLayer } from './types';

export interface OpenedModelFile {
  file: ModelFile;
  spec: ModelSpec;
  summary: ModelSummary;
}

export function readModelFile(file: string): ModelFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelConfigError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  const name = file.toLowerCase();
  if (name.endsWith('.keras')) return readKerasZip(new Uint8Array(bytes), file);
  if (name.endsWith('.h5') || name.endsWith('.hdf5')) return readLegacyH5(new Uint8Array(bytes), file);
  if (name.endsWith('.json')) return readTfjsModelJson(bytes.toString('utf8'), file);
  throw new ModelConfigError(`${file}: ConvLens opens .keras, .h5/.hdf5 and TF.js model.json files`);
}

/** Stored values per layer name (nested models' layers too). */
function storedCounts(weights: StoredLayer[]): Map<string, { count: number; shapes: string }> {
  return new Map(weights.map((l) => [l.layer, {
    count: l.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
    shapes: l.weights.map((w) => w.shape.join('×')).join(' + ') || 'nothing',
  }]));
}

/** The layers of a summary and of the models nested in it. */
function allLayers(summary: ModelSummary): ModelSummary['layers'] {
  return summary.layers.flatMap((l) => (l.nested ? allLayers(l.nested) : l.sharedWith === undefined ? [l] : []));
}

/** One warning per layer whose stored weights do not hold the number of values its config implies. */
export function checkStoredWeights(summary: ModelSummary, weights: StoredLayer[]): Diagnostic[] {
  if (weights.length === 0) return [];
  const stored = storedCounts(weights);
  const diagnostics: Diagnostic[] = [];
  for (const layer of allLayers(summary)) {
    if (layer.params === null) continue;
    const s = stored.get(layer.name);
    const count = s?.count ?? 0;
    if (count === layer.params) continue;
    diagnostics.push({
      severity: 'warning', range: FILE_RANGE, code: 'stored-weights-mismatch',
      message: `${layer.name} (${layer.className}): the file stores ${formatCount(count)} values (${s?.shapes ?? 'no weights'}), but its config implies ${layer.formulas.params ? `${formatCount(layer.params)} (${layer.formulas.params})` : formatCount(layer.params)}`,
    });
  }
  return diagnostics;
}

export function openModelFile(file: string): OpenedModelFile {
  const read = readModelFile(file);
  if (read.config === undefined) throw new ModelConfigError(`${file} holds weights only (no model config): load it onto a model defined in code`);
  const name = path.basename(file).replace(/\.(keras|h5|hdf5|json)$/i, '');
  const spec = modelSpecFromConfig(read.config, name === 'model' ? path.basename(path.dirname(path.resolve(file))) || name : name);
  if (read.compile) spec.compile = { ...read.compile, range: FILE_RANGE };
  const summary = analyzeModel(spec);
  summary.diagnostics.push(...checkStoredWeights(summary, read.weights));
  return { file: read, spec, summary };
}
