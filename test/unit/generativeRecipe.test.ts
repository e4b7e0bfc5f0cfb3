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

  describe("the trainer's compile and fit (a keras.Model subclass with its own train_step)", () => {
    it("keras.io's MNIST GAN: both players' Adam(0.0003) and from_logits=True reach the recipe; fit's epochs and batch size reach both models", () => {
      const analysis = analyzeSource(fs.readFileSync(path.join(examples, 'gan_mnist.py'), 'utf8'), 'python');
      const recipes = findGenerativeRecipes(analysis.specs, analysis.models);
      assert.deepStrictEqual(recipes, [{
        kind: 'gan', generator: 'generator', discriminator: 'discriminator', latentDim: 128, imageShape: [28, 28, 1],
        compile: { trainerClass: 'GAN', optimizers: { d_optimizer: { optimizer: 'adam', learningRate: 0.0003 }, g_optimizer: { optimizer: 'adam', learningRate: 0.0003 } }, fromLogits: true },
      }]);
      for (const spec of analysis.specs) {
        assert.strictEqual(spec.fit?.epochs, 20, spec.name);
        assert.strictEqual(spec.fit?.batchSize, 64, spec.name);
      }
      const generator = analysis.models.findIndex((m) => m.name === 'generator');
      assert.strictEqual(buildPayload('file:///gan_mnist.py', 'gan_mnist.py', analysis, generator).recipe,
        'GAN: generator + discriminator, latent 128 · this model is its generator; Train trains both as GAN.compile: d_optimizer adam 0.0003, g_optimizer adam 0.0003, logit scores');
      // The subclass itself is not a model: the file still has exactly its two models, with no warning about the class.
      assert.deepStrictEqual(analysis.specs.map((s) => s.name), ['discriminator', 'generator']);
      assert.deepStrictEqual(analysis.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message), []);
    });

    it("a VAE trainer compiled with RMSprop() gets it without a rate (Keras' default applies when training); no compile call leaves the recipe without one", () => {
      const vae = fs.readFileSync(path.join(examples, 'vae.py'), 'utf8') + `

class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder


vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.RMSprop())
vae.fit(mnist_digits, epochs=30, batch_size=128)
`;
      const analysis = analyzeSource(vae, 'python');
      const [recipe] = findGenerativeRecipes(analysis.specs, analysis.models);
      assert.deepStrictEqual(recipe.compile, { trainerClass: 'VAE', optimizers: { optimizer: { optimizer: 'rmsprop' } } });
      assert.deepStrictEqual(analysis.specs.map((s) => [s.name, s.fit?.epochs, s.fit?.batchSize]), [['encoder', 30, 128], ['decoder', 30, 128]]);
      assert.strictEqual(recipesOf(fs.readFileSync(path.join(examples, 'vae.py'), 'utf8'))[0].compile, undefined);
    });

    it("two trainers each keep their own compile: a model given to neither is not paired with the other's call", () => {
      const source = fs.readFileSync(path.join(examples, 'gan_mnist.py'), 'utf8').replace(
        'gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)',
        'gan = GAN(discriminator=discriminator, generator=None, latent_dim=latent_dim)',
      );
      const [recipe] = recipesOf(source);
      assert.strictEqual(recipe.kind, 'gan');
      assert.strictEqual(recipe.compile, undefined, 'the generator was not given to the compiled trainer');
    });
  });
});
