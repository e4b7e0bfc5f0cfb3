/**
 * TF.js layers-format model files (model.json + weights) written and read with plain `fs`,
 * so no tfjs-node is needed: `tf.io.withSaveHandler` hands over the artifacts,
 * `tf.io.fromMemory` takes them back.
 *
 * Atomicity: every file is written to `<name>.tmp-<pid>`, fsynced, then renamed over its
 * final name; weights first, model.json last. model.json names its weight files, so it is
 * the commit point: a crash before its rename leaves the previous model.json, which still
 * names the previous (untouched) weight files.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { registerPreprocessInput } from '../preprocessInput';

type Tf = typeof tfjs;
type ModelArtifacts = tfjs.io.ModelArtifacts;
type WeightsManifestEntry = tfjs.io.WeightsManifestEntry;
interface WeightsGroup {
  paths: string[];
  weights: WeightsManifestEntry[];
}

/** The file operations used for writing; tests swap one to simulate a crash mid-write. Plain functions: neither uses `this`. */
export interface FileOps {
  writeFile: (file: string, data: Uint8Array | string) => void;
  rename: (from: string, to: string) => void;
}

export const realFileOps: FileOps = {
  writeFile(file, data) {
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  rename(from, to) {
    fs.renameSync(from, to);
  },
};

/** Writes `data` to `file` atomically: temp file, fsync, rename. */
export function writeAtomic(file: string, data: Uint8Array | string, ops: FileOps = realFileOps): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    ops.writeFile(tmp, data);
    ops.rename(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // best effort
    }
    throw e;
  }
}

export function weightBytes(tf: Tf, data: tfjs.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buffer);
}

/** The model's artifacts (topology, weight specs and data), optionally with the optimizer's. */
export async function modelArtifacts(tf: Tf, model: tfjs.LayersModel): Promise<ModelArtifacts> {
  let captured: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      captured = artifacts;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  if (captured === undefined) throw new Error('TF.js produced no model artifacts');
  return captured;
}

export interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightsManifest: WeightsGroup[];
  [extra: string]: unknown;
}

/**
 * Writes model.json + one weights file into `dir` (weights first, model.json last, each
 * atomically). `extra` fields are added to model.json (TF.js loaders ignore them).
 */
export function writeModelFiles(
  tf: Tf,
  dir: string,
  artifacts: ModelArtifacts,
  options: { weightsFile?: string; extra?: Record<string, unknown>; ops?: FileOps } = {},
): { modelJson: string; weights: string } {
  const weightsFile = options.weightsFile ?? 'weights.bin';
  fs.mkdirSync(dir, { recursive: true });
  const weightsPath = path.join(dir, weightsFile);
  writeAtomic(weightsPath, weightBytes(tf, artifacts.weightData), options.ops);
  const json: ModelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs ?? [] }],
    ...options.extra,
  };
  const modelJson = path.join(dir, 'model.json');
  writeAtomic(modelJson, JSON.stringify(json), options.ops);
  return { modelJson, weights: weightsPath };
}

export function readModelJson(file: string): ModelJson {
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.weightsManifest)) throw new Error(`${file} is not a TF.js layers model.json`);
  return json;
}

/** Reads model.json and its weight files into artifacts for `tf.io.fromMemory`. */
export function readModelArtifacts(file: string): { artifacts: ModelArtifacts; json: ModelJson } {
  const json = readModelJson(file);
  const dir = path.dirname(file);
  const specs: WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {
    json,
    artifacts: {
      modelTopology: json.modelTopology as tfjs.io.ModelArtifacts['modelTopology'],
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy ?? undefined,
      weightSpecs: specs,
      weightData,
    },
  };
}

/** Loads a layers model from a model.json written by {@link writeModelFiles} (or TF.js). */
export async function loadModelFile(tf: Tf, file: string): Promise<tfjs.LayersModel> {
  const { artifacts } = readModelArtifacts(file);
  registerPreprocessInput(tf); // a model saved with preprocess_input names ConvLens' layer class
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}
