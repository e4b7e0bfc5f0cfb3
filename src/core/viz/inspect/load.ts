/**
 * A trained model made ready for inspection: its run folder (written by `convlens train` or
 * the Train CodeLens) or a TF.js layers model.json on its own, loaded with its weights and
 * described (input size, pixel range, class names, every layer including nested models').
 * Also finds runs: the latest run of a model defined in a source file, and all its runs,
 * newest first, for the panel's run picker.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { analyzeSource, languageForFile } from '../../analysis';
import { DataError } from '../../engine/data/types';
import { loadModelFile } from '../../engine/train/modelFiles';
import { openModelFile } from '../../modelFile/open';
import { loadStoredModel } from '../../modelFile/weights';

/** A Keras model file (`model.save()`'s .keras, or the legacy .h5), by its name. */
export function isKerasFile(file: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(file);
}
import { runFolderLabel, runsRoot } from '../../engine/train/runDir';
import type { TrainReport } from '../../engine/train/types';
import { describeLayers, lastConvLayer } from './graph';
import type { InspectLayer, InspectModelInfo } from './types';
import type { ModelSpec } from '../../model/spec';
import { analyzeModel } from '../../shapes/analyze';
import type { ModelSummary } from '../../shapes/types';

type Tf = typeof tfjs;
type Layer = tfjs.layers.Layer;

export interface Inspectable {
  model: tfjs.LayersModel;
  info: InspectModelInfo;
}

/** What a run folder says about the data the model was trained on (report.json, else settings.json). */
interface RunFacts {
  modelName?: string;
  classNames?: string[];
  pixelScale?: number;
  augmentation?: string[];
  /** The dataset the run trained on, and its image folder when it was one. */
  trainedOn?: string;
  dataFolder?: string;
}

/** A run folder's JSON file, or undefined when absent; corrupt JSON is a one-line DataError. */
export function readJsonFile<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new DataError(`corrupt JSON in ${file}: ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function runFacts(dir: string): RunFacts {
  const report = readJsonFile<Partial<TrainReport>>(path.join(dir, 'report.json'));
  const settings = readJsonFile<{ model?: string; dataset?: { classNames?: string[] }; settings?: { data?: { kind?: string; path?: string } } }>(path.join(dir, 'settings.json'));
  const data = settings?.settings?.data;
  return {
    modelName: report?.model ?? settings?.model,
    classNames: report?.dataset?.classNames ?? settings?.dataset?.classNames,
    pixelScale: report?.input?.pixelScale,
    augmentation: report?.input?.augmentation,
    trainedOn: report?.dataset?.kind ?? data?.kind,
    dataFolder: data?.kind === 'folder' ? data.path : undefined,
  };
}

function isNestedModel(layer: Layer): layer is tfjs.LayersModel {
  return Array.isArray((layer as Partial<tfjs.LayersModel>).layers);
}

/**
 * The shape arithmetic of each layer, from the static analysis of the spec the run was built
 * from (the same formulas as the summary panel): a layer's name in the built model is its
 * name in the spec. A spec that cannot be analysed leaves the layers as they are.
 */
function withFormulas(layers: InspectLayer[], spec: ModelSpec | undefined): InspectLayer[] {
  if (!spec) return layers;
  let summary: ModelSummary;
  try {
    summary = analyzeModel(spec);
  } catch {
    return layers;
  }
  const byName = new Map<string, string>();
  const collect = (m: ModelSummary): void => {
    for (const l of m.layers) {
      if (l.formulas.shape.length > 0) byName.set(l.name, l.formulas.shape.join('; '));
      if (l.nested) collect(l.nested);
    }
  };
  collect(summary);
  return layers.map((l) => (byName.has(l.name) ? { ...l, formula: byName.get(l.name) } : l));
}

/** The first layer that changes the pixels: input layers, identity stand-ins (augmentation) and model wrappers skipped. */
function firstWorkingLayer(model: tfjs.LayersModel): Layer | undefined {
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    if (isNestedModel(layer)) {
      const inner = firstWorkingLayer(layer);
      if (inner) return inner;
      continue;
    }
    if (className === 'Activation' && (layer.getConfig()['activation'] ?? 'linear') === 'linear') continue;
    return layer;
  }
  return undefined;
}

/** A Rescaling that takes 0–255 to about [0, 1] or [-1, 1] (as training decides, see engine/augment/plan.ts). */
function rescalingLayer(model: tfjs.LayersModel): Layer | undefined {
  const layer = firstWorkingLayer(model);
  if (layer?.getClassName() !== 'Rescaling') return undefined;
  const scale = layer.getConfig()['scale'];
  return typeof scale === 'number' && scale > 0 && scale * 255 <= 2.01 ? layer : undefined;
}

function imageInput(model: tfjs.LayersModel, source: string): InspectModelInfo['input'] {
  const shape = model.inputs.length === 1 ? model.inputs[0].shape : [];
  const [, height, width, channels] = shape;
  if (shape.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
    throw new DataError(`${source}: the model's input is not one image of known size (input shape ${JSON.stringify(model.inputs.map((i) => i.shape))})`);
  }
  return { height, width, channels };
}

/** Index labels for a bare model.json: one per output unit (a single sigmoid unit is two classes). */
function indexClassNames(model: tfjs.LayersModel): string[] {
  const units = model.outputs[0].shape[model.outputs[0].shape.length - 1] ?? 1;
  return Array.from({ length: units === 1 ? 2 : units }, (_, i) => String(i));
}

function preprocessing(input: InspectModelInfo['input'], pixelScale: number, rescaling: Layer | undefined, facts: RunFacts): string[] {
  const lines = [`resized to ${input.height}×${input.width}`, input.channels === 1 ? 'greyscale' : input.channels === 3 ? 'RGB' : `${input.channels} channels`];
  if (pixelScale === 255) {
    lines.push(rescaling ? `pixels 0–255: the model's ${rescaling.name} (Rescaling) scales them itself` : 'pixels 0–255, as the run trained on them');
  } else lines.push('pixels 0–1');
  if (facts.augmentation?.length) lines.push('no augmentation (it applies while training only)');
  return lines;
}

async function loadLayers(tf: Tf, file: string): Promise<tfjs.LayersModel> {
  try {
    return await loadModelFile(tf, file);
  } catch (e) {
    throw new DataError(`cannot load the model in ${file}: ${firstLine(e)}`);
  }
}

/**
 * Loads a run folder or a model.json for inspection. `backend` is the label of the TF.js
 * backend already selected (it is only reported). A run's class names and pixel range come
 * from its report.json; a bare model.json gets index labels and 0–1 pixels unless it starts
 * with a Rescaling layer.
 */
/** A Keras model file (.keras, .h5) with its stored weights, and the spec its config gives (for the formulas). */
function loadKerasFile(tf: Tf, file: string): { model: tfjs.LayersModel; spec: ModelSpec } {
  try {
    const opened = openModelFile(file);
    return { model: loadStoredModel(tf, opened), spec: opened.spec };
  } catch (e) {
    throw new DataError(`cannot load the model in ${file}: ${firstLine(e)}`);
  }
}

export async function loadInspectable(tf: Tf, source: string, backend: string): Promise<Inspectable> {
  const resolved = path.resolve(source);
  if (!fs.existsSync(resolved)) throw new DataError(`no such run folder, model.json or Keras model file: ${source}`);
  const isDir = fs.statSync(resolved).isDirectory();
  const modelJson = isDir ? path.join(resolved, 'model.json') : resolved;
  if (!fs.existsSync(modelJson)) throw new DataError(`no model.json in ${source}: the run has not saved a model (still training, or it failed)`);
  const facts: RunFacts = isDir ? runFacts(resolved) : {};
  const keras = !isDir && isKerasFile(resolved) ? loadKerasFile(tf, resolved) : undefined;
  const model = keras?.model ?? await loadLayers(tf, modelJson);
  try {
    const input = imageInput(model, source);
    const rescaling = rescalingLayer(model);
    const pixelScale = facts.pixelScale ?? (rescaling ? 255 : 1);
    const layers = withFormulas(describeLayers(model), keras?.spec ?? (isDir ? readJsonFile<ModelSpec>(path.join(resolved, 'spec.json')) : undefined));
    const info: InspectModelInfo = {
      source: isDir ? resolved : path.dirname(resolved),
      modelName: facts.modelName ?? keras?.spec.name ?? model.name,
      input,
      pixelScale,
      preprocessing: preprocessing(input, pixelScale, rescaling, facts),
      classNames: facts.classNames ?? indexClassNames(model),
      trainedOn: facts.trainedOn,
      dataFolder: facts.dataFolder,
      layers,
      lastConvLayer: lastConvLayer(layers),
      backend,
    };
    return { model, info };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

// ---- finding runs ----

export interface RunSummary {
  /** The run folder's name (`<ISO time>-<model>`). */
  runId: string;
  folder: string;
  /** ISO time the run started (from its folder name). */
  startedAt: string;
  /** report.json's status; 'unfinished' without a report (still training, or it crashed). */
  status: TrainReport['status'] | 'unfinished';
  /** The last epoch's validation accuracy, null when unknown. */
  valAccuracy: number | null;
  /** Whether the folder holds a model.json to inspect. */
  hasModel: boolean;
}

/** `2026-12-03T08-38-36.542Z-model`: createRunDir's ISO time with ':' made '-'. */
const RUN_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2}(?:\.\d+)?Z)-(.+)$/;

function summarise(folder: string, startedAt: string): RunSummary {
  let report: Partial<TrainReport> | undefined;
  try {
    report = readJsonFile<Partial<TrainReport>>(path.join(folder, 'report.json'));
  } catch {
    report = undefined; // a picker lists a run with a damaged report as unfinished rather than failing
  }
  const last = report?.history?.[report.history.length - 1];
  return {
    runId: path.basename(folder),
    folder,
    startedAt,
    status: report?.status ?? 'unfinished',
    valAccuracy: typeof last?.val_acc === 'number' ? last.val_acc : null,
    hasModel: fs.existsSync(path.join(folder, 'model.json')),
  };
}

/** Whether a run folder's name carries the model's label (createRunDir names it so, with -2, -3… on a clash). */
function namedFor(name: string, label: string): boolean {
  const rest = RUN_NAME.exec(name)?.[4];
  return rest === label || (rest !== undefined && rest.startsWith(`${label}-`) && /^\d+$/.test(rest.slice(label.length + 1)));
}

/**
 * Whether the folder is a run of this model. Its name is checked first (no file read), then
 * settings.json, which tells apart two models whose names make the same label.
 */
function isRunOf(folder: string, label: string, modelName: string): boolean {
  if (!namedFor(path.basename(folder), label)) return false;
  try {
    const settings = readJsonFile<{ model?: string }>(path.join(folder, 'settings.json'));
    return settings?.model === undefined || settings.model === modelName;
  } catch {
    return true; // an unreadable settings.json: the folder name decides
  }
}

/** The run folders of `modelName` (with their start time), nearest `.convlens/runs/` first, unsorted. */
export function* runFolders(sourceFileOrDir: string, modelName: string, stopAtOption: string | undefined): Generator<{ folder: string; startedAt: string }> {
  const start = path.resolve(sourceFileOrDir);
  let dir = fs.existsSync(start) && fs.statSync(start).isDirectory() ? start : path.dirname(start);
  const stopAt = stopAtOption === undefined ? undefined : path.resolve(stopAtOption);
  const label = runFolderLabel(modelName);
  for (;;) {
    const root = runsRoot(dir);
    if (fs.existsSync(root)) {
      for (const name of fs.readdirSync(root)) {
        const m = RUN_NAME.exec(name);
        const folder = path.join(root, name);
        if (m && fs.statSync(folder).isDirectory() && isRunOf(folder, label, modelName)) yield { folder, startedAt: `${m[1]}:${m[2]}:${m[3]}` };
      }
    }
    const parent = path.dirname(dir);
    if (dir === stopAt || parent === dir) break;
    dir = parent;
  }
}

/**
 * Why `file` is not a TF.js layers model.json (undefined when it is one): it must parse and
 * carry a `modelTopology` and a `weightsManifest`, as tf.LayersModel.save writes them.
 */
export function notALayersModel(file: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return `${path.basename(file)} is not readable JSON (${firstLine(e)})`;
  }
  const o = json as { modelTopology?: unknown; weightsManifest?: unknown } | null;
  if (typeof o !== 'object' || o === null || typeof o.modelTopology !== 'object' || !Array.isArray(o.weightsManifest)) {
    return `${path.basename(file)} is not a TF.js layers model (a model.json has "modelTopology" and "weightsManifest")`;
  }
  return undefined;
}

/**
 * The runs of `modelName` under `.convlens/runs/` in the folder of `sourceFileOrDir` and
 * each folder above it (up to `stopAt`, else the filesystem root), newest first.
 */
export function listRuns(sourceFileOrDir: string, modelName: string, options: { stopAt?: string } = {}): RunSummary[] {
  const runs = [...runFolders(sourceFileOrDir, modelName, options.stopAt)].map((r) => summarise(r.folder, r.startedAt));
  return runs.sort((a, b) => (a.startedAt === b.startedAt ? b.runId.localeCompare(a.runId) : b.startedAt.localeCompare(a.startedAt)));
}

/**
 * Whether `modelName` has a run with a saved model, as listRuns would find it, without reading
 * the reports: the editor asks this for every model on every CodeLens refresh.
 */
export function hasInspectableRun(sourceFileOrDir: string, modelName: string, options: { stopAt?: string } = {}): boolean {
  for (const { folder } of runFolders(sourceFileOrDir, modelName, options.stopAt)) {
    if (fs.existsSync(path.join(folder, 'model.json'))) return true;
  }
  return false;
}

/** The model a source file defines by `name`, or its only one. */
function modelNameIn(file: string, name: string | undefined): string {
  const language = languageForFile(file);
  if (!language) throw new DataError(`${file} is not a run folder, a model.json or a Python/TypeScript/JavaScript source file`);
  const specs = analyzeSource(fs.readFileSync(file, 'utf8'), language, file).specs;
  const names = specs.map((s) => s.name);
  if (specs.length === 0) throw new DataError(`no Keras or TF.js model definitions found in ${file}`);
  if (name !== undefined) {
    const found = specs.find((s) => s.name === name) ?? specs.find((s) => s.kerasName === name);
    if (!found) throw new DataError(`no model named '${name}' in ${file}; models found: ${names.join(', ')}`);
    return found.name;
  }
  if (specs.length > 1) throw new DataError(`${file} defines ${specs.length} models (${names.join(', ')}): choose one with --model NAME`);
  return specs[0].name;
}

/**
 * What `<model>` on the command line names: a run folder or a model.json as they are, or a
 * source file (with `model` when it defines several) meaning that model's latest run with a
 * saved model. Returns the run folder or model.json path.
 */
export function resolveModelSource(arg: string, options: { model?: string; stopAt?: string } = {}): string {
  const resolved = path.resolve(arg);
  if (!fs.existsSync(resolved)) throw new DataError(`no such run folder, model.json or source file: ${arg}`);
  if (fs.statSync(resolved).isDirectory()) {
    if (!fs.existsSync(path.join(resolved, 'model.json'))) throw new DataError(`no model.json in ${arg}: not a finished run folder`);
    return resolved;
  }
  if (resolved.toLowerCase().endsWith('.json') || isKerasFile(resolved)) return resolved;
  const name = modelNameIn(resolved, options.model);
  const run = listRuns(resolved, name, { stopAt: options.stopAt }).find((r) => r.hasModel);
  if (!run) throw new DataError(`no trained run of model '${name}' in .convlens/runs beside ${arg} or above it: train it first (convlens train ${arg} --model ${name} --data ...)`);
  return run.folder;
}
