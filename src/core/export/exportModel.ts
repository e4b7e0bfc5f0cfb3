/**
 * Exporting a trained model — a ConvLens run folder, or a TF.js layers model.json — as a
 * Keras 3 `.keras` file or as a TF.js layers model (model.json + one weights file) at a path
 * the user chose. Everything is checked and built in memory first; the files are then
 * written atomically (temporary name, fsync, rename), so a failure writes nothing and
 * leaves a file already at that path as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile } from '../viz/inspect/load';
import { readModelJson, writeAtomic } from '../engine/train/modelFiles';
import { AUGMENTATION_CLASSES } from '../model/catalog';
import type { ModelSpec } from '../model/spec';
import { openModelFile } from '../modelFile/open';
import type { RunCompile } from './compileConfig';
import { ExportError } from './errors';
import { kerasFileBytes } from './kerasFile';
import type { OriginalLayer } from './kerasLayers';
import { adamState } from './optimizerState';

export const EXPORT_FORMATS = ['keras', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  format: ExportFormat;
  /** The files written, the main one first. */
  files: string[];
  bytes: number;
  /** The model's weight arrays written (an optimizer's state not counted). */
  arrays: number;
  /** Whether the Keras file carries the run's compile settings, and its optimizer's state. */
  compiled?: boolean;
  optimizerState?: boolean;
}

/** The model.json of `source`: a run folder's, or the file itself. */
export function modelJsonOf(source: string): string {
  const resolved = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new ExportError(`no such run folder or model.json: ${source}`);
  }
  if (stat.isDirectory()) {
    const file = path.join(resolved, 'model.json');
    if (!fs.existsSync(file)) throw new ExportError(`no model.json in ${source}: not a finished run folder`);
    return file;
  }
  if (!resolved.toLowerCase().endsWith('.json')) throw new ExportError(`${source} is not a run folder or a TF.js model.json (ConvLens exports the models it trained)`);
  return resolved;
}

/** The output path checked before anything is built: its extension, its folder, not a folder itself, not the source. */
function checkOut(out: string, format: ExportFormat, modelJson: string): string {
  const file = path.resolve(out);
  const ext = format === 'keras' ? '.keras' : '.json';
  if (!file.toLowerCase().endsWith(ext)) throw new ExportError(`--out for --format ${format} must end with ${ext}: ${out}`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ExportError(`no such folder for --out: ${dir}`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new ExportError(`--out ${out} is a folder, not a file`);
  if (file === modelJson) throw new ExportError(`--out ${out} is the model's own model.json: choose another path`);
  return file;
}

/**
 * The augmentation layers of the run's Keras code (spec.json), which TF.js trained as identity
 * stand-ins of the same name: the export writes them back as the code wrote them.
 */
function augmentationLayers(modelJson: string): Map<string, OriginalLayer> {
  const originals = new Map<string, OriginalLayer>();
  const spec = readJsonFile<ModelSpec>(path.join(path.dirname(modelJson), 'spec.json'));
  if (spec?.dialect !== 'keras') return originals;
  const visit = (s: ModelSpec): void => {
    for (const layer of s.layers) {
      if (layer.nested) visit(layer.nested);
      else if (AUGMENTATION_CLASSES.has(layer.className)) originals.set(layer.name, { className: layer.className, config: layer.config as OriginalLayer['config'] });
    }
  };
  visit(spec);
  return originals;
}

/** A run's compile settings (settings.json), when `modelJson` sits in a run folder. */
function runCompile(modelJson: string): RunCompile | undefined {
  return readJsonFile<{ compile?: RunCompile }>(path.join(path.dirname(modelJson), 'settings.json'))?.compile;
}

/** Writes several files, each atomically, the last one (the one naming the others) last; on a failure removes the ones this call created. */
function writeAll(files: { file: string; data: Uint8Array | string }[]): void {
  const created: string[] = [];
  let writing = files[0].file;
  try {
    for (const { file, data } of files) {
      writing = file;
      const existed = fs.existsSync(file);
      writeAtomic(file, data);
      if (!existed) created.push(file);
    }
  } catch (e) {
    for (const file of created) fs.rmSync(file, { force: true });
    throw new ExportError(`cannot write ${writing}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function exportKeras(modelJson: string, out: string): Promise<ExportResult> {
  const opened = openModelFile(modelJson);
  const mismatch = opened.summary.diagnostics.find((d) => d.code === 'stored-weights-mismatch' || d.severity === 'error');
  if (mismatch) throw new ExportError(`the model cannot be exported as it is: ${mismatch.message}`);
  const compile = runCompile(modelJson);
  const keras = await kerasFileBytes(opened, compile, adamState(modelJson, compile?.optimizer, compile?.learningRate), augmentationLayers(modelJson));
  writeAll([{ file: out, data: keras.bytes }]);
  return { format: 'keras', files: [out], bytes: keras.bytes.length, arrays: keras.arrays, compiled: keras.compiled, optimizerState: keras.optimizerState };
}

/** The model.json with its shards joined into one weights file named after it (`<name>.weights.bin`). */
function exportTfjs(modelJson: string, out: string): ExportResult {
  let json: ReturnType<typeof readModelJson>;
  try {
    json = readModelJson(modelJson);
  } catch (e) {
    throw new ExportError((e as Error).message);
  }
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => path.join(path.dirname(modelJson), p)));
  const missing = shards.find((p) => !fs.existsSync(p));
  if (missing) throw new ExportError(`the model.json names a weights file that is missing: ${missing}`);
  const weights = Buffer.concat(shards.map((p) => fs.readFileSync(p)));
  const weightsFile = `${path.basename(out).replace(/\.json$/i, '')}.weights.bin`;
  const exported = { ...json, weightsManifest: [{ paths: [`./${weightsFile}`], weights: json.weightsManifest.flatMap((g) => g.weights) }] };
  const weightsPath = path.join(path.dirname(out), weightsFile);
  if (shards.includes(weightsPath)) throw new ExportError(`--out ${out} would write over the model's own weights file ${weightsPath}: choose another name or folder`);
  const text = JSON.stringify(exported);
  writeAll([{ file: weightsPath, data: weights }, { file: out, data: text }]);
  return { format: 'tfjs', files: [out, weightsPath], bytes: weights.length + Buffer.byteLength(text), arrays: exported.weightsManifest[0].weights.length };
}

/** Exports `source` (a run folder or model.json) as `format` to `out`. Throws ExportError (one line) on bad input. */
export async function exportModel(source: string, format: string, out: string): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ExportError(`unknown format '${format}': use ${EXPORT_FORMATS.join(' or ')}`);
  const modelJson = modelJsonOf(source);
  const file = checkOut(out, format as ExportFormat, modelJson);
  return format === 'keras' ? exportKeras(modelJson, file) : exportTfjs(modelJson, file);
}
