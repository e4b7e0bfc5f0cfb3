/**
 * Recognises the course's generative recipes among the models a file defines, by their
 * shapes and names, without reading `train_step` (ConvLens never runs it; it trains the
 * recipe with its own implementation of the same losses, see vae.ts and gan.ts):
 *
 * - VAE (Chollet 2nd ed. 12.4, keras.io "Variational AutoEncoder"): an encoder from an image
 *   to outputs named like `z_mean` and `z_log_var` (same latent size; keras.io adds a third,
 *   `z`, from its Sampling layer), and a decoder from that latent size back to the image shape.
 * - GAN (keras.io "DCGAN overriding train_step", Chollet 12.5): a generator from a latent
 *   vector to an image, and a discriminator from that image to one score.
 */
import type { ModelSpec, OptimizerSpec } from '../model/spec';
import type { ModelSummary, Shape } from '../shapes/types';

export type ImageShape3 = [number, number, number];

/**
 * How the code compiles the recipe's trainer (`gan.compile(d_optimizer=…, g_optimizer=…,
 * loss_fn=…)`, `vae.compile(optimizer=…)`), where it does: ConvLens trains with these instead
 * of the keras.io examples' published settings.
 */
export interface RecipeCompile {
  /** The user's keras.Model subclass ('GAN', 'VAE'). */
  trainerClass: string;
  /** By keyword: `optimizer` (VAE), `d_optimizer` and `g_optimizer` (GAN). */
  optimizers: Record<string, OptimizerSpec>;
  /** The GAN's `loss_fn=BinaryCrossentropy(from_logits=True)`: the discriminator's score is a logit. */
  fromLogits?: boolean;
}

export interface VaeRecipe {
  kind: 'vae';
  encoder: string;
  decoder: string;
  latentDim: number;
  imageShape: ImageShape3;
  /** The encoder's output layers giving the latent mean and log-variance. */
  zMean: string;
  zLogVar: string;
  compile?: RecipeCompile;
}

export interface GanRecipe {
  kind: 'gan';
  generator: string;
  discriminator: string;
  latentDim: number;
  imageShape: ImageShape3;
  compile?: RecipeCompile;
}

export type GenerativeRecipe = VaeRecipe | GanRecipe;

/** One line for the summary panel and the command line: "VAE: encoder + decoder, latent 2". */
export function describeRecipe(r: GenerativeRecipe): string {
  return r.kind === 'vae'
    ? `VAE: ${r.encoder} + ${r.decoder}, latent ${r.latentDim}`
    : `GAN: ${r.generator} + ${r.discriminator}, latent ${r.latentDim}`;
}

/** The trainer's compile call in a few words: "GAN.compile: d_optimizer adam 0.0003, g_optimizer adam 0.0003, logit scores". */
export function describeRecipeCompile(c: RecipeCompile): string {
  const optimizers = Object.entries(c.optimizers).map(([k, o]) => [k, o.optimizer, o.learningRate].filter((x) => x !== undefined).join(' '));
  return `${c.trainerClass}.compile: ${[...optimizers, ...(c.fromLogits ? ['logit scores'] : [])].join(', ')}`;
}

/** Roles of a recipe's models, in the order they are built and saved. */
export function rolesOf(recipe: GenerativeRecipe): Record<string, string> {
  return recipe.kind === 'vae'
    ? { encoder: recipe.encoder, decoder: recipe.decoder }
    : { generator: recipe.generator, discriminator: recipe.discriminator };
}

/** The role that turns latent points into images. */
export function imageRole(recipe: GenerativeRecipe): 'decoder' | 'generator' {
  return recipe.kind === 'vae' ? 'decoder' : 'generator';
}

/** The model that turns latent points into images (the decoder or the generator). */
export function imageModel(recipe: GenerativeRecipe): string {
  return rolesOf(recipe)[imageRole(recipe)];
}

/** The recipe one of whose models is `modelName` (by its models only, not their layer names). */
export function recipeWith(recipes: readonly GenerativeRecipe[], modelName: string): GenerativeRecipe | undefined {
  return recipes.find((r) => Object.values(rolesOf(r)).includes(modelName));
}

interface Model {
  spec: ModelSpec;
  summary: ModelSummary;
}

const MEAN = /(^|_)(mean|mu)$/i;
const LOG_VAR = /(^|_)(log_?var|logvar|log_sigma)$/i;

/** The model's single input shape (batch axis first), when it has exactly one and it is known. */
function inputShape({ spec, summary }: Model): Shape | undefined {
  if (spec.kind === 'sequential') return summary.inputShapes[0] ?? undefined;
  if (spec.inputs.length !== 1) return undefined;
  return summary.layers[spec.inputs[0]]?.outputShape ?? undefined;
}

/** The model's output layers with their shapes. */
function outputs({ spec, summary }: Model): { name: string; shape: Shape | null }[] {
  const indices = spec.kind === 'sequential' ? [summary.layers.length - 1] : spec.outputs;
  return indices.map((i) => summary.layers[i]).filter((l) => l !== undefined).map((l) => ({ name: l.name, shape: l.outputShape }));
}

/** [h, w, c] of a fully known rank-4 shape. */
function imageOf(shape: Shape | null | undefined): ImageShape3 | undefined {
  if (shape?.length !== 4 || shape.slice(1).some((d) => d === null)) return undefined;
  return shape.slice(1) as ImageShape3;
}

/** d of a (None, d) shape. */
function vectorOf(shape: Shape | null | undefined): number | undefined {
  return shape?.length === 2 && shape[1] !== null ? shape[1] : undefined;
}

const sameImage = (a: ImageShape3, b: ImageShape3): boolean => a.every((d, i) => d === b[i]);

function encoderOf(m: Model): { latentDim: number; imageShape: ImageShape3; zMean: string; zLogVar: string } | undefined {
  const imageShape = imageOf(inputShape(m));
  if (!imageShape) return undefined;
  const outs = outputs(m);
  const mean = outs.find((o) => MEAN.test(o.name));
  const logVar = outs.find((o) => LOG_VAR.test(o.name));
  const latentDim = vectorOf(mean?.shape);
  if (!mean || !logVar || latentDim === undefined || vectorOf(logVar.shape) !== latentDim) return undefined;
  return { latentDim, imageShape, zMean: mean.name, zLogVar: logVar.name };
}

/** Latent size and image of a model from (None, d) to one image. */
function latentToImage(m: Model): { latentDim: number; imageShape: ImageShape3 } | undefined {
  const latentDim = vectorOf(inputShape(m));
  const outs = outputs(m);
  const imageShape = outs.length === 1 ? imageOf(outs[0].shape) : undefined;
  return latentDim !== undefined && imageShape ? { latentDim, imageShape } : undefined;
}

/** The compile call of the trainer both models were given to, if the code has one. */
function compileOf(a: ModelSpec, b: ModelSpec): { compile: RecipeCompile } | object {
  const call = a.trainerCompile;
  const other = b.trainerCompile?.range.start;
  if (call?.range.start.line !== other?.line || call?.range.start.column !== other?.column || !call) return {};
  return { compile: { trainerClass: call.trainerClass, optimizers: call.optimizers, ...(call.fromLogits !== undefined ? { fromLogits: call.fromLogits } : {}) } };
}

/** The VAEs and GANs among a file's models (specs and summaries index-aligned, as FileAnalysis has them). */
export function findGenerativeRecipes(specs: readonly ModelSpec[], summaries: readonly ModelSummary[]): GenerativeRecipe[] {
  const models: Model[] = specs.map((spec, i) => ({ spec, summary: summaries[i] })).filter((m) => m.summary !== undefined);
  const recipes: GenerativeRecipe[] = [];
  const used = new Set<string>();
  for (const e of models) {
    const enc = encoderOf(e);
    if (!enc) continue;
    const decoder = models.find((d) => {
      const g = d !== e && !used.has(d.spec.name) ? latentToImage(d) : undefined;
      return g?.latentDim === enc.latentDim && sameImage(g.imageShape, enc.imageShape);
    });
    if (!decoder) continue;
    used.add(e.spec.name).add(decoder.spec.name);
    recipes.push({ kind: 'vae', encoder: e.spec.name, decoder: decoder.spec.name, ...enc, ...compileOf(e.spec, decoder.spec) });
  }
  for (const g of models) {
    const gen = used.has(g.spec.name) ? undefined : latentToImage(g);
    if (!gen) continue;
    const discriminator = models.find((d) => {
      if (d === g || used.has(d.spec.name)) return false;
      const image = imageOf(inputShape(d));
      const outs = outputs(d);
      return image !== undefined && sameImage(image, gen.imageShape) && outs.length === 1 && vectorOf(outs[0].shape) === 1;
    });
    if (!discriminator) continue;
    used.add(g.spec.name).add(discriminator.spec.name);
    recipes.push({ kind: 'gan', generator: g.spec.name, discriminator: discriminator.spec.name, ...gen, ...compileOf(g.spec, discriminator.spec) });
  }
  return recipes;
}
