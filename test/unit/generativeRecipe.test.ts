/**
 * Recognising the course's VAE and GAN among a file's models, by shapes and names only:
 * the examples (Chollet's VAE encoder/decoder, keras.io's DCGAN pair) and near misses that
 * must not be taken for one (a classifier, a plain autoencoder, a decoder whose image does
 * not match the encoder's).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import { describeRecipe, findGenerativeRecipes } from '../../src/core/generative/recipe';
import { buildPayload } from '../../src/panels/payload';

const examples = path.join(__dirname, '..', '..', 'examples', 'keras');
const recipesOf = (source: string) => {
  const analysis = analyzeSource(source, 'python');
  return findGenerativeRecipes(analysis.specs, analysis.models);
};

describe('generative recipes', () => {
  it("Chollet's VAE: encoder (z_mean, z_log_var) + decoder, latent 2, on 28×28×1 digits", () => {
    const recipes = recipesOf(fs.readFileSync(path.join(examples, 'vae.py'), 'utf8'));
    assert.deepStrictEqual(recipes, [{ kind: 'vae', encoder: 'encoder', decoder: 'decoder', latentDim: 2, imageShape: [28, 28, 1], zMean: 'z_mean', zLogVar: 'z_log_var' }]);
    assert.strictEqual(describeRecipe(recipes[0]), 'VAE: encoder + decoder, latent 2');
  });

  it('says in the summary panel which recipe a model is part of, and nothing for a plain model', () => {
    const analysis = analyzeSource(fs.readFileSync(path.join(examples, 'vae.py'), 'utf8'), 'python');
    const decoder = analysis.models.findIndex((m) => m.name === 'decoder');
    assert.strictEqual(buildPayload('file:///vae.py', 'vae.py', analysis, decoder).recipe, 'VAE: encoder + decoder, latent 2 · this model is its decoder; Train trains both');
    const plain = analyzeSource(fs.readFileSync(path.join(examples, 'lenet5.py'), 'utf8'), 'python');
    assert.strictEqual(buildPayload('file:///lenet5.py', 'lenet5.py', plain, 0).recipe, undefined);
  });

  it("keras.io's DCGAN: generator (latent 128 → 64×64×3) + discriminator (→ one score)", () => {
    const recipes = recipesOf(fs.readFileSync(path.join(examples, 'dcgan.py'), 'utf8'));
    assert.deepStrictEqual(recipes, [{ kind: 'gan', generator: 'generator', discriminator: 'discriminator', latentDim: 128, imageShape: [64, 64, 3] }]);
    assert.strictEqual(describeRecipe(recipes[0]), 'GAN: generator + discriminator, latent 128');
  });

  it('a classifier and a plain autoencoder are not generative recipes', () => {
    assert.deepStrictEqual(recipesOf(fs.readFileSync(path.join(examples, 'lenet5.py'), 'utf8')), []);
    const autoencoder = `import keras
from keras import layers
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, activation="relu", padding="same")(inputs)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2DTranspose(16, 3, strides=2, activation="relu", padding="same")(x)
outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
autoencoder = keras.Model(inputs, outputs)
`;
    assert.deepStrictEqual(recipesOf(autoencoder), []);
  });

  it('a decoder whose image differs from the encoder input is not paired with it', () => {
    const source = fs.readFileSync(path.join(examples, 'vae.py'), 'utf8').replace('decoder_outputs = layers.Conv2D(1, 3', 'decoder_outputs = layers.Conv2D(3, 3');
    const recipes = recipesOf(source);
    assert.ok(recipes.every((r) => r.kind !== 'vae'), JSON.stringify(recipes));
  });
});
