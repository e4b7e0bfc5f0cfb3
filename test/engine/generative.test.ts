/**
 * The generative engine's parts on TF.js' cpu backend: the losses as Keras computes them
 * (checked against Keras' definition and worked values), the latent grid
 * at the normal quantiles (checked against Python's statistics.NormalDist), a VAE that learns
 * to reconstruct MNIST digits, and a GAN step that updates each player only through its own
 * optimizer. No tensors leak.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import { selectBackend } from '../../src/core/engine/backend/select';
import { loadMnist } from '../../src/core/engine/data/mnist';
import { batchImages, identity } from '../../src/core/engine/train/evaluate';
import { seedInitialWeights } from '../../src/core/engine/train/seedInit';
import { ganTrainStep, interpolate, latentPoints } from '../../src/core/generative/gan';
import { klLoss, reconstructionLoss, scoreLoss } from '../../src/core/generative/losses';
import { buildGan, buildVae, cutAt, trainableVariables } from '../../src/core/generative/models';
import { findGenerativeRecipes, type GanRecipe, type VaeRecipe } from '../../src/core/generative/recipe';
import { decodePoints, encodeMeans, manifoldGrid, normalQuantile, vaeEvaluate, vaeTrainStep } from '../../src/core/generative/vae';
import { SMALL_GAN } from '../fixtures/smallGan';
import { makeTrainer } from '../../src/core/generative/train/trainers';

const examples = path.join(__dirname, '..', '..', '..', 'examples', 'keras');

function recipeOf(file: string) {
  const analysis = analyzeSource(fs.readFileSync(path.join(examples, file), 'utf8'), 'python');
  return { specs: analysis.specs, recipe: findGenerativeRecipes(analysis.specs, analysis.models)[0] };
}

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('generative engine', function () {
  this.timeout(300000);
  before(async () => {
    // Training steps run on the backend a run would get (wasm with ConvLens' kernels here).
    await selectBackend(tf, 'auto');
  });

  describe('losses', () => {
    it("the GAN's score loss is Keras' binary cross-entropy: predictions clipped to [1e-7, 1 − 1e-7], mean over the batch", () => {
      // Keras' definition written out in plain numbers: −(t·ln p + (1 − t)·ln(1 − p)), p clipped.
      const labels = [0, 1, 1, 0.3];
      const scores = [0.1, 0.8, 1, 0];
      const clip = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));
      const expected = labels.reduce((sum, t, i) => sum - (t * Math.log(clip(scores[i])) + (1 - t) * Math.log(1 - clip(scores[i]))), 0) / labels.length;
      const target = tf.tensor2d(labels, [4, 1]);
      const probabilities = tf.tensor2d(scores, [4, 1]);
      const loss = scoreLoss(tf, target, probabilities);
      // Unclipped, the score 0 under label 0.3 would make it infinite; clipped it adds 0.3·16.1/4 ≈ 1.21.
      assert.ok(expected > 1.2 && expected < 1.4, `${expected}`);
      close(loss.arraySync(), expected, 1e-4);
      tf.dispose([target, probabilities, loss]);
    });

    it("with from_logits=True the score loss is Keras' sigmoid cross-entropy on raw scores, finite for large logits", () => {
      // Keras (and TensorFlow's sigmoid_cross_entropy_with_logits) in plain numbers: max(x, 0) − x·t + ln(1 + e^−|x|).
      const labels = [0, 1, 1, 0.3, 0];
      const logits = [-2, 0.5, 40, 0, 60];
      const expected = labels.reduce((sum, t, i) => sum + Math.max(logits[i], 0) - logits[i] * t + Math.log1p(Math.exp(-Math.abs(logits[i]))), 0) / labels.length;
      const target = tf.tensor2d(labels, [5, 1]);
      const scores = tf.tensor2d(logits, [5, 1]);
      const loss = scoreLoss(tf, target, scores, true);
      // The logit 60 under label 0 costs 60 (ln 2 + … for the others): far above what clipping probabilities would allow (16.1).
      assert.ok(expected > 60 / 5, `${expected}`);
      close(loss.arraySync(), expected, 1e-4);
      // The same scores squashed by a sigmoid and taken as probabilities agree where the sigmoid is not saturated.
      const moderate = tf.tensor2d(logits.slice(0, 4), [4, 1]);
      const moderateTarget = tf.tensor2d(labels.slice(0, 4), [4, 1]);
      const asLogits = scoreLoss(tf, moderateTarget, moderate, true);
      const squashed = tf.sigmoid<tf.Tensor2D>(moderate);
      const asProbabilities = scoreLoss(tf, moderateTarget, squashed);
      close(asLogits.arraySync(), asProbabilities.arraySync(), 1e-4);
      tf.dispose([target, scores, loss, moderate, moderateTarget, squashed, asLogits, asProbabilities]);
    });

    it('reconstruction loss sums over pixels per image; KL is 0 for N(0, 1) and ½·μ² per unit-variance dimension', () => {
      // One 2×2×1 image, prediction 0.5 everywhere: 4 pixels × ln 2 each.
      const images = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
      const half = tf.fill<tf.Rank.R4>([1, 2, 2, 1], 0.5);
      close(reconstructionLoss(tf, images, half).arraySync(), 4 * Math.log(2));
      const zeros = tf.zeros<tf.Rank.R2>([3, 2]);
      close(klLoss(tf, zeros, zeros).arraySync(), 0);
      const mean = tf.tensor2d([[1, 2], [0, 0]]);
      // Batch mean of per-image sums: (½·1 + ½·4 + 0) / 2 = 1.25.
      close(klLoss(tf, mean, tf.zeros([2, 2])).arraySync(), 1.25);
      tf.dispose([images, half, zeros, mean]);
    });
  });

  it("the manifold grid sits at the normal quantiles of 0.05…0.95, as Chollet's norm.ppf grid", () => {
    // python3 -c "from statistics import NormalDist; print(NormalDist().inv_cdf(p))"
    const reference: [number, number][] = [[0.001, -3.090232306167813], [0.01, -2.3263478740408408], [0.05, -1.6448536269514726], [0.3, -0.5244005127080407], [0.5, 0], [0.95, 1.6448536269514715]];
    for (const [p, q] of reference) close(normalQuantile(p), q, 1e-8);
    const grid = manifoldGrid(15);
    assert.strictEqual(grid.length, 225);
    // Top-left is low z₁ and high z₂; bottom-right high z₁ and low z₂ (z₂ upwards, as a plot).
    close(grid[0][0], -1.6448536269514726, 1e-8);
    close(grid[0][1], 1.6448536269514715, 1e-8);
    close(grid[224][0], 1.6448536269514715, 1e-8);
    close(grid[224][1], -1.6448536269514726, 1e-8);
    assert.deepStrictEqual(grid[1][1], grid[0][1], 'a row keeps z₂ and steps z₁');
    close(grid[7 * 15 + 7][0], 0, 1e-12);
    assert.throws(() => normalQuantile(1), RangeError);
  });

  it('cutAt keeps what the chosen outputs depend on, re-indexed', () => {
    const source = fs.readFileSync(path.join(examples, 'vae.py'), 'utf8');
    const encoder = analyzeSource(source, 'python').specs.find((s) => s.name === 'encoder')!;
    const cut = cutAt(encoder, ['z_mean']);
    assert.deepStrictEqual(cut.layers.map((l) => l.name), encoder.layers.filter((l) => l.name !== 'z_log_var').map((l) => l.name));
    assert.deepStrictEqual(cut.outputs, [cut.layers.length - 1]);
    assert.ok(cut.layers.every((l) => l.inbound.every((i) => i < cut.layers.length)));
  });

  it("the VAE's loss gradients on the run's backend (wasm with ConvLens' kernels) equal TF.js' stock cpu kernels'", async () => {
    // The whole keras.io VAE, one batch of 16 digits (TF.js cpu kernels are slow), the same seeded weights and noise on both
    // backends: every stride-2 'same' conv, transposed conv and dense gradient goes through the
    // kernels a run uses. (bench/vae-gradients.js checks the same gradients against PyTorch.)
    const { specs, recipe } = recipeOf('vae.py');
    const mnist = loadMnist();
    // Keyed by position in the trainable list: the second build's layers get fresh auto-names.
    const gradsOn = async (backend: string): Promise<Float32Array[]> => {
      await selectBackend(tf, backend === 'cpu' ? 'cpu' : 'auto');
      const models = buildVae(tf, specs, recipe as VaeRecipe);
      seedInitialWeights(tf, models.encoder, 11);
      seedInitialWeights(tf, models.decoder, 12);
      const x = batchImages(tf, mnist.train, [28, 28, 1], identity(16), 0, 16);
      const variables = trainableVariables(models.encoder, models.decoder);
      const { value, grads } = tf.variableGrads(() => {
        const [zMean, zLogVar] = models.encoder.apply(x, { training: true }) as tf.Tensor2D[];
        const z = zMean.add<tf.Tensor2D>(zLogVar.mul(0.5).exp().mul(tf.randomNormal(zMean.shape, 0, 1, 'float32', 5)));
        const reconstruction = models.decoder.apply(z, { training: true }) as tf.Tensor4D;
        return reconstructionLoss(tf, x, reconstruction).add<tf.Scalar>(klLoss(tf, zMean, zLogVar));
      }, variables);
      const out = variables.map((v) => grads[v.name].dataSync() as Float32Array);
      tf.dispose([value, x, ...Object.values(grads)]);
      models.encoder.dispose();
      models.decoder.dispose();
      return out;
    };
    const run = await gradsOn('auto');
    const reference = await gradsOn('cpu');
    await selectBackend(tf, 'auto');
    assert.strictEqual(run.length, 18, 'every kernel and bias of the 9 layers has a gradient');
    for (const [i, expected] of reference.entries()) {
      const actual = run[i];
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = expected.reduce((m, v, i) => Math.max(m, Math.abs(v - actual[i])), 0);
      assert.ok(scale > 0 && worst <= 1e-4 * scale, `variable ${i}: largest difference ${worst} against a largest gradient of ${scale}`);
    }
  });

  it('a VAE learns to reconstruct digits: validation loss falls well below the untrained one; decoding and encoding work; no leaks', async () => {
    const { specs, recipe } = recipeOf('vae.py');
    const vae = recipe as VaeRecipe;
    const models = buildVae(tf, specs, vae);
    // Seeded as a run seeds them (engine/train/seedInit.ts): the same training every time.
    seedInitialWeights(tf, models.encoder, 11);
    seedInitialWeights(tf, models.decoder, 12);
    const mnist = loadMnist();
    const order = identity(2048);
    const valOrder = identity(512);
    const val = batchImages(tf, mnist.validation, [28, 28, 1], valOrder, 0, 512);
    const optimizer = tf.train.adam(1e-3);
    try {
      const before = await vaeEvaluate(tf, models, val, 7);
      const tensorsBefore = tf.memory().numTensors;
      let step = 0;
      for (let epoch = 0; epoch < 3; epoch++) {
        for (let start = 0; start < 2048; start += 64) {
          const x = batchImages(tf, mnist.train, [28, 28, 1], order, start, start + 64);
          const losses = await vaeTrainStep(tf, models, optimizer, x, 100 + step++);
          x.dispose();
          assert.ok(Number.isFinite(losses.loss) && Math.abs(losses.loss - losses.reconstruction_loss - losses.kl_loss) < 1e-3 * losses.loss);
        }
      }
      // The optimizer's moments are made on the first step; after that, nothing grows.
      const tensorsAfter = tf.memory().numTensors;
      const after = await vaeEvaluate(tf, models, val, 7);
      // Untrained: ≈ 784·ln 2 ≈ 543 per digit; a few hundred steps bring it under 250.
      assert.ok(before.reconstruction_loss > 450, `untrained ${before.reconstruction_loss}`);
      assert.ok(after.reconstruction_loss < 0.5 * before.reconstruction_loss, `${before.reconstruction_loss} → ${after.reconstruction_loss}`);
      assert.ok(after.kl_loss > 0, 'the latent code carries information');
      const stepTensors = tf.memory().numTensors;
      const x = batchImages(tf, mnist.train, [28, 28, 1], order, 0, 64);
      await vaeTrainStep(tf, models, optimizer, x, 999);
      x.dispose();
      assert.strictEqual(tf.memory().numTensors, stepTensors, 'a training step leaks nothing');
      assert.ok(tensorsAfter - tensorsBefore <= 2 * models.encoder.trainableWeights.length + 2 * models.decoder.trainableWeights.length + 2, 'only the optimizer state was added');
      const means = await encodeMeans(tf, models, val.slice<tf.Tensor4D>(0, 10));
      assert.strictEqual(means.length, 10);
      assert.strictEqual(means[0].length, 2);
      const decoded = decodePoints(tf, models.decoder, manifoldGrid(3));
      assert.deepStrictEqual(decoded.shape, [9, 28, 28, 1]);
      decoded.dispose();
      // A smooth latent space: neighbouring cells of a 15×15 manifold decode to far closer
      // images than two random training digits are to each other; and the grid is not one image.
      const grid = tf.tidy(() => decodePoints(tf, models.decoder, manifoldGrid(15)).reshape([225, 784]));
      const g = (await grid.array()) as number[][];
      grid.dispose();
      const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]) ** 2, 0));
      const neighbours: number[] = [];
      for (let r = 0; r < 15; r++) for (let c = 0; c < 14; c++) neighbours.push(dist(g[r * 15 + c], g[r * 15 + c + 1]));
      const flat = tf.tidy(() => batchImages(tf, mnist.train, [28, 28, 1], order, 0, 200).reshape([200, 784]));
      const digits = (await flat.array()) as number[][];
      flat.dispose();
      const randomPairs = Array.from({ length: 100 }, (_, i) => dist(digits[i], digits[199 - i]));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(neighbours) < 0.35 * mean(randomPairs), `neighbouring cells ${mean(neighbours).toFixed(2)} vs random digits ${mean(randomPairs).toFixed(2)}`);
      assert.ok(dist(g[0], g[224]) > mean(neighbours) * 3, 'opposite corners of the grid decode to different images');
    } finally {
      tf.dispose([val]);
      optimizer.dispose();
      models.encoder.dispose();
      models.decoder.dispose();
    }
  });

  it('a GAN step updates each player through its own optimizer only, and leaks nothing', async () => {
    // keras.io's pair at 64×64×3 takes minutes per step on a CPU: the same recipe, small.
    const analysis = analyzeSource(SMALL_GAN, 'python');
    const gan = findGenerativeRecipes(analysis.specs, analysis.models)[0] as GanRecipe;
    assert.deepStrictEqual(gan, { kind: 'gan', generator: 'generator', discriminator: 'discriminator', latentDim: 8, imageShape: [14, 14, 1] });
    const models = buildGan(tf, analysis.specs, gan);
    const real = tf.randomUniform<tf.Rank.R4>([4, 14, 14, 1], 0, 1, 'float32', 3);
    const snapshot = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    const changed = (a: number[][], b: number[][]) => a.some((w, i) => w.some((v, k) => v !== b[i][k]));
    try {
      const g0 = snapshot(models.generator);
      const d0 = snapshot(models.discriminator);
      const frozenG = { discriminator: tf.train.adam(1e-4), generator: tf.train.sgd(0) };
      const losses = await ganTrainStep(tf, models, frozenG, real, gan.latentDim, 11);
      assert.ok(Number.isFinite(losses.d_loss) && Number.isFinite(losses.g_loss), JSON.stringify(losses));
      // Untrained, the discriminator is near chance: BCE ≈ ln 2.
      assert.ok(Math.abs(losses.d_loss - Math.log(2)) < 0.2, `d_loss ${losses.d_loss}`);
      assert.ok(changed(snapshot(models.discriminator), d0), 'the discriminator learned');
      assert.ok(!changed(snapshot(models.generator), g0), 'the generator step with a zero learning rate left the generator alone');
      const d1 = snapshot(models.discriminator);
      const frozenD = { discriminator: tf.train.sgd(0), generator: tf.train.adam(1e-4) };
      const before = tf.memory().numTensors;
      await ganTrainStep(tf, models, frozenD, real, gan.latentDim, 12);
      assert.ok(!changed(snapshot(models.discriminator), d1), "the generator's step does not move the discriminator");
      assert.ok(changed(snapshot(models.generator), g0), 'the generator learned');
      await ganTrainStep(tf, models, frozenD, real, gan.latentDim, 13);
      assert.strictEqual(tf.memory().numTensors, before + 2 * models.generator.trainableWeights.length, "only the generator's Adam moments were added");
      for (const o of [frozenG, frozenD]) Object.values(o).forEach((opt) => opt.dispose());
    } finally {
      real.dispose();
      models.generator.dispose();
      models.discriminator.dispose();
    }
  });

  it("trains with the optimizers and from_logits of the code's trainer compile call, and says where they came from", async () => {
    // SMALL_GAN with keras.io's MNIST GAN ending: a logit score, a subclass compiled with RMSprop and SGD.
    const source = `${SMALL_GAN.replace('layers.Dense(1, activation="sigmoid")', 'layers.Dense(1)')}
class GAN(keras.Model):
    pass

gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(d_optimizer=keras.optimizers.RMSprop(learning_rate=0.0005), g_optimizer=keras.optimizers.SGD(), loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
`;
    const analysis = analyzeSource(source, 'python');
    const gan = findGenerativeRecipes(analysis.specs, analysis.models)[0] as GanRecipe;
    const models = buildGan(tf, analysis.specs, gan);
    const real = tf.randomUniform<tf.Rank.R4>([4, 14, 14, 1], 0, 1, 'float32', 3);
    const trainer = makeTrainer(tf, gan, { generator: models.generator, discriminator: models.discriminator });
    try {
      assert.strictEqual(trainer.optimizer, 'discriminator RMSprop(learning_rate=0.0005) (from GAN.compile(d_optimizer=…)), generator SGD(learning_rate=0.01) (from GAN.compile(g_optimizer=…)), scores as logits (loss_fn from_logits=True)');
      const losses = await trainer.trainBatch(real, 5);
      // Untrained raw scores sit near 0, where the logit loss is ln 2; read as probabilities, scores near 0
      // would cost the fakes (labelled 1) −ln(1e-7) ≈ 16 each, about 8 for the batch.
      assert.ok(Math.abs(losses.d_loss - Math.log(2)) < 0.3, `d_loss ${losses.d_loss}`);
      const plain = findGenerativeRecipes(analyzeSource(SMALL_GAN, 'python').specs, analyzeSource(SMALL_GAN, 'python').models)[0];
      const published = makeTrainer(tf, plain, { generator: models.generator, discriminator: models.discriminator });
      assert.match(published.optimizer, /discriminator Adam\(learning_rate=0\.0001\) \(the keras\.io example's\)/);
      published.dispose();
      const unsupported = { ...gan, compile: { trainerClass: 'GAN', optimizers: { d_optimizer: { optimizer: 'lion' } } } };
      assert.throws(() => makeTrainer(tf, unsupported, { generator: models.generator, discriminator: models.discriminator }), /optimizer 'lion' is not supported for training here; use one of adam, rmsprop/);
    } finally {
      trainer.dispose();
      real.dispose();
      models.generator.dispose();
      models.discriminator.dispose();
    }
  });

  it('latent points are seeded; interpolation includes both ends', () => {
    assert.deepStrictEqual(latentPoints(tf, 3, 4, 5), latentPoints(tf, 3, 4, 5));
    assert.notDeepStrictEqual(latentPoints(tf, 3, 4, 5), latentPoints(tf, 3, 4, 6));
    assert.deepStrictEqual(interpolate([0, 2], [1, 4], 3), [[0, 2], [0.5, 3], [1, 4]]);
    assert.throws(() => interpolate([0], [1, 2], 3), /sizes 1 and 2/);
  });
});
