/**
 * Pretrained keras.applications weights at the start of a run: a conv base written as
 * `keras.applications.VGG16(weights="imagenet", include_top=False)` starts from the file Keras
 * itself would load, found in Keras' cache (~/.keras/models/, or $KERAS_HOME/models) or in a
 * folder the user names (convlens.weightsFolder, --weights-folder). Without it the run does
 * not quietly train from random weights: it stops and says which file is needed and where
 * Keras downloads it from, unless the user asked for random weights.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec, PretrainedWeights } from '../../model/spec';
import { readModelFile } from '../../modelFile/open';
import { placeStoredWeights } from '../../modelFile/weights';
import { DataError } from '../data/types';

type Tf = typeof tfjs;

/** Keras' cache of downloaded files: $KERAS_HOME/models, else ~/.keras/models. */
export function kerasModelsFolder(): string {
  return path.join(process.env.KERAS_HOME ?? path.join(os.homedir(), '.keras'), 'models');
}

/** Where a model's pretrained file is (or would be). */
export function pretrainedPath(p: PretrainedWeights, weightsFolder?: string): string {
  return path.isAbsolute(p.file) ? p.file : path.join(weightsFolder ?? kerasModelsFolder(), p.file);
}

/** The pretrained models of a spec: itself, or the applications nested in it, with the layer name that holds each. */
export function pretrainedParts(spec: ModelSpec): { layer?: string; weights: PretrainedWeights }[] {
  const own = spec.pretrained ? [{ weights: spec.pretrained }] : [];
  return [...own, ...spec.layers.flatMap((l) => (l.nested?.pretrained && l.sharedWith === undefined ? [{ layer: l.name, weights: l.nested.pretrained }] : []))];
}

/** The pretrained files a spec needs that are not there (checked before a run starts, so the user can choose). */
export function missingPretrained(spec: ModelSpec, weightsFolder?: string): { weights: PretrainedWeights; path: string }[] {
  return pretrainedParts(spec).map((p) => ({ weights: p.weights, path: pretrainedPath(p.weights, weightsFolder) })).filter((p) => !fs.existsSync(p.path));
}

/** One line saying which file is needed, where it goes, and where Keras gets it. */
export function missingMessage(m: { weights: PretrainedWeights; path: string }): string {
  return `${m.weights.application} asks for pretrained weights: ${path.basename(m.path)} is not in ${path.dirname(m.path)}` +
    `${m.weights.url ? ` (Keras downloads it from ${m.weights.url})` : ''}; put it there, point convlens.weightsFolder (or --weights-folder) at its folder, or write weights=None to train from random weights`;
}

/** Loads each pretrained part's file into the built model; returns one log line per part. */
export function placePretrained(tf: Tf, spec: ModelSpec, model: tfjs.LayersModel, opts: { weightsFolder?: string; randomIfMissing?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const part of pretrainedParts(spec)) {
    const file = pretrainedPath(part.weights, opts.weightsFolder);
    if (!fs.existsSync(file)) {
      if (!opts.randomIfMissing) throw new DataError(missingMessage({ weights: part.weights, path: file }));
      lines.push(`${part.weights.application}: ${path.basename(file)} not found, training from random weights as asked`);
      continue;
    }
    const target = part.layer ? (model.getLayer(part.layer) as tfjs.LayersModel) : model;
    const placed = placeStoredWeights(tf, target, readModelFile(file).weights);
    lines.push(`${part.weights.application}: pretrained weights from ${file} (${placed} arrays)`);
  }
  return lines;
}
