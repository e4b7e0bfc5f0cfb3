/**
 * The TF.js models of a recognised recipe, built from the user's specs with the same builder
 * as a classifier. A VAE encoder is cut at its z_mean and z_log_var outputs: keras.io's
 * encoder also outputs `z` from its custom Sampling layer, which ConvLens never runs (the
 * training step samples z itself, vae.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { buildTfjsModel } from '../engine/build';
import type { ModelSpec } from '../model/spec';
import type { GanModels } from './gan';
import type { GanRecipe, VaeRecipe } from './recipe';
import type { VaeModels } from './vae';

type Tf = typeof tfjs;

/** The variables an optimizer updates for a model: its trainable weights. */
export function trainableVariables(...models: tfjs.LayersModel[]): tfjs.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tfjs.Variable));
}

function specNamed(specs: readonly ModelSpec[], name: string): ModelSpec {
  const spec = specs.find((s) => s.name === name);
  if (!spec) throw new Error(`the file no longer defines a model named '${name}'`);
  return spec;
}

/** A functional spec keeping only what `outputNames` depend on, re-indexed, with those as its outputs. */
export function cutAt(spec: ModelSpec, outputNames: readonly string[]): ModelSpec {
  if (spec.kind !== 'functional') return spec;
  const outputs = outputNames.map((name) => {
    const i = spec.layers.findIndex((l) => l.name === name);
    if (i < 0) throw new Error(`model '${spec.name}' has no layer '${name}'`);
    return i;
  });
  const keep = new Set<number>();
  const visit = (i: number): void => {
    if (keep.has(i)) return;
    keep.add(i);
    spec.layers[i].inbound.forEach(visit);
    const shared = spec.layers[i].sharedWith;
    if (shared !== undefined) visit(shared);
  };
  outputs.forEach(visit);
  const kept = [...keep].sort((a, b) => a - b);
  const newIndex = new Map(kept.map((old, i) => [old, i]));
  const at = (old: number): number => newIndex.get(old) as number;
  return {
    ...spec,
    layers: kept.map((old) => {
      const layer = spec.layers[old];
      return { ...layer, inbound: layer.inbound.map(at), sharedWith: layer.sharedWith === undefined ? undefined : at(layer.sharedWith) };
    }),
    inputs: spec.inputs.filter((i) => keep.has(i)).map(at),
    outputs: outputs.map(at),
  };
}

/** Encoder (cut to [z_mean, z_log_var]) and decoder, freshly initialised; the caller disposes both. */
export function buildVae(tf: Tf, specs: readonly ModelSpec[], recipe: VaeRecipe): VaeModels {
  const encoder = buildTfjsModel(tf, cutAt(specNamed(specs, recipe.encoder), [recipe.zMean, recipe.zLogVar]));
  try {
    return { encoder, decoder: buildTfjsModel(tf, specNamed(specs, recipe.decoder)) };
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}

/** Generator and discriminator, freshly initialised; the caller disposes both. */
export function buildGan(tf: Tf, specs: readonly ModelSpec[], recipe: GanRecipe): GanModels {
  const generator = buildTfjsModel(tf, specNamed(specs, recipe.generator));
  try {
    return { generator, discriminator: buildTfjsModel(tf, specNamed(specs, recipe.discriminator)) };
  } catch (e) {
    generator.dispose();
    throw e;
  }
}
