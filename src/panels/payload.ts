/**
 * Turns an analysis into the plain data the webviews render (no vscode import: the
 * host-side logic that needs no editor stays testable without one).
 */
import type { FileAnalysis } from '../core/analysis';
import { findLayerClass } from '../core/model/catalog';
import type { LayerSpec, ModelSpec } from '../core/model/spec';
import { Args } from '../core/shapes/args';
import type { ArithmeticConfig, ModelPayload } from '../protocol/summary';
import { describeRecipe, describeRecipeCompile, findGenerativeRecipes } from '../core/generative/recipe';
import { rolesOf } from '../core/generative/train/types';

/** "VAE: encoder + decoder, latent 2 · this model is its decoder", for a model that is part of one. */
export function recipeLine(analysis: FileAnalysis, modelName: string): string | undefined {
  for (const recipe of findGenerativeRecipes(analysis.specs, analysis.models)) {
    const role = Object.entries(rolesOf(recipe)).find(([, name]) => name === modelName)?.[0];
    if (role) return `${describeRecipe(recipe)} · this model is its ${role}; Train trains both${recipe.compile ? ` as ${describeRecipeCompile(recipe.compile)}` : ''}`;
  }
  return undefined;
}

/** Kernel, strides and padding of a 2-D conv/pool layer, read like Keras does; undefined if not known statically. */
export function arithmeticConfig(layer: LayerSpec): ArithmeticConfig | undefined {
  // The layer catalog says which classes (and their aliases) slide a 2-D window.
  const op: ArithmeticConfig['op'] | undefined = findLayerClass(layer.className)?.arithmetic;
  if (!op) return undefined;
  try {
    const args = new Args(layer.config, layer.className);
    const kernel = op === 'conv' ? args.intTuple('kernel_size', 2) : args.intTuple('pool_size', 2, [2, 2]);
    // Keras pooling: strides=None means "the pool size"; convolutions default to 1.
    const strides = args.intTuple('strides', 2, op === 'conv' ? [1, 1] : kernel);
    const padding = args.padding();
    if (padding === 'causal') return undefined;
    return { op, kernel: [kernel[0], kernel[1]], strides: [strides[0], strides[1]], padding };
  } catch {
    return undefined;
  }
}

export function buildPayload(uri: string, fileName: string, analysis: FileAnalysis, index: number): ModelPayload {
  const model = analysis.models[index];
  const spec: ModelSpec = analysis.specs[index];
  const arithmetic: Record<number, ArithmeticConfig> = {};
  for (const layer of model.layers) {
    const cfg = spec.layers[layer.index] && arithmeticConfig(spec.layers[layer.index]);
    if (cfg) arithmetic[layer.index] = cfg;
  }
  const image = model.inputShapes.find((s) => s?.length === 4 && typeof s[1] === 'number' && typeof s[2] === 'number');
  const diagnostics = [...analysis.diagnostics, ...model.diagnostics].map((d) => ({ severity: d.severity, message: d.message, line: d.range.start.line }));
  return {
    uri, fileName,
    modelNames: analysis.models.map((m) => m.name),
    model, arithmetic, diagnostics, recipe: recipeLine(analysis, model.name),
    inputSize: image ? { height: image[1] as number, width: image[2] as number } : undefined,
  };
}

/** Index of the model called `name`, else the first: a renamed model still shows something. */
export function modelIndex(analysis: FileAnalysis, name: string | undefined): number {
  const i = name === undefined ? -1 : analysis.models.findIndex((m) => m.name === name);
  return i >= 0 ? i : 0;
}
