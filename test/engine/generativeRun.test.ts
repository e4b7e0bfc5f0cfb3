/**
 * A VAE and a GAN trained as a user's Train command trains them: in the training worker
 * (GenerativeSession), into a run folder with per-epoch losses under Keras' names, a sample
 * grid per epoch, checkpoints, Cancel within a batch and resume to the run's epoch count.
 * Synthetic shapes keep each epoch to a second or so on the CPU.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import type { ModelSpec } from '../../src/core/model/spec';
import { findGenerativeRecipes, type GenerativeRecipe } from '../../src/core/generative/recipe';
import { GenerativeSession } from '../../src/core/generative/train/session';
import type { GenerativeSettings } from '../../src/core/generative/train/types';
import { runEncode, runInterpolate, runSample } from '../../src/cli/generate';
import { runTrainCli } from '../../src/cli/train';
import { LatentSession } from '../../src/core/generative/latent';
import { SMALL_GAN } from '../fixtures/smallGan';

const examples = path.join(__dirname, '..', '..', '..', 'examples', 'keras');

function read(code: string): { specs: ModelSpec[]; recipe: GenerativeRecipe } {
  const analysis = analyzeSource(code, 'python');
  return { specs: analysis.specs, recipe: findGenerativeRecipes(analysis.specs, analysis.models)[0] };
}

function settings(outDir: string, extra: Partial<GenerativeSettings> = {}): GenerativeSettings {
  return { data: { kind: 'synthetic', count: 320 }, epochs: 2, batchSize: 32, validationSplit: 0.2, seed: 3, backend: 'auto', outDir, ...extra };
}

describe('generative runs in the training worker', function () {
  this.timeout(300000);
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-gen-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it("trains keras.io's VAE with its three losses, train and validation, then resumes to the run's epoch count", async () => {
    const { specs, recipe } = read(fs.readFileSync(path.join(examples, 'vae.py'), 'utf8'));
    assert.strictEqual(recipe.kind, 'vae');
    const epochs: number[] = [];
    const first = new GenerativeSession(specs, recipe, settings(out));
    first.on('epoch', (e) => epochs.push(e.epoch));
    const report = await first.result;
    assert.strictEqual(report.status, 'completed');
    assert.deepStrictEqual(epochs, [1, 2]);
    const logs = report.history[1].logs;
    for (const key of ['loss', 'reconstruction_loss', 'kl_loss', 'val_loss', 'val_reconstruction_loss', 'val_kl_loss']) {
      assert.ok(Number.isFinite(logs[key]), `${key} is ${logs[key]}`);
    }
    // keras.io's total is the sum of its parts; a summed BCE over 784 pixels starts in the hundreds.
    assert.ok(Math.abs(logs.loss - (logs.reconstruction_loss + logs.kl_loss)) < 1e-3 * logs.loss, JSON.stringify(logs));
    assert.ok(logs.reconstruction_loss > 10 && logs.reconstruction_loss < 784, `reconstruction ${logs.reconstruction_loss}`);
    assert.ok(report.history[1].logs.loss < report.history[0].logs.loss, 'the loss falls from epoch 1 to 2');
    for (const h of report.history) assert.ok(fs.statSync(path.join(report.runDir, h.samples)).size > 100, h.samples);
    assert.ok(fs.existsSync(path.join(report.runDir, report.models.decoder)));
    assert.strictEqual(new Set(report.tensorsAfterEpoch).size, 1, `tensors per epoch: ${report.tensorsAfterEpoch.join(', ')}`);

    const resumed = await new GenerativeSession(specs, recipe, settings(out, { epochs: 3, resume: report.runDir })).result;
    assert.strictEqual(resumed.startEpoch, 3);
    assert.deepStrictEqual(resumed.history.map((h) => h.epoch), [1, 2, 3], 'the history carries on from the checkpoint');
    assert.strictEqual(resumed.runDir, report.runDir);
  });

  it('trains a DCGAN with d_loss and g_loss per epoch, a sample grid per epoch, and stops within a batch on Cancel', async () => {
    const { specs, recipe } = read(SMALL_GAN);
    assert.strictEqual(recipe.kind, 'gan');
    const report = await new GenerativeSession(specs, recipe, settings(out, { data: { kind: 'synthetic', count: 160 } })).result;
    assert.deepStrictEqual(Object.keys(report.history[0].logs).sort(), ['d_loss', 'g_loss']);
    const grids = report.history.map((h) => fs.readFileSync(path.join(report.runDir, h.samples)));
    assert.strictEqual(grids.length, 2);
    assert.ok(!grids[0].equals(grids[1]), 'the generator changed between epochs');

    const session = new GenerativeSession(specs, recipe, settings(out, { epochs: 1000 }));
    let batchesSeen = 0;
    session.on('batch', () => {
      if (++batchesSeen === 3) session.cancel();
    });
    const cancelled = await session.result;
    assert.strictEqual(cancelled.status, 'cancelled');
    // Counted in the worker from when the request arrived: events already in flight do not count.
    assert.ok((cancelled.batchesAfterCancel ?? 99) <= 1, `batches after Cancel: ${cancelled.batchesAfterCancel}`);
  });

  it('refuses data of another size than the recipe makes, in one line', async () => {
    const { specs, recipe } = read(SMALL_GAN);
    await assert.rejects(new GenerativeSession(specs, recipe, settings(out, { data: { kind: 'mnist' } })).result, /28×28×1.*14×14×1|28x28x1.*14x14x1/);
  });

  it('samples, interpolates and encodes from the command line, on the run or on the source file', async () => {
    const file = path.join(out, 'vae.py');
    fs.copyFileSync(path.join(examples, 'vae.py'), file);
    const { specs, recipe } = read(fs.readFileSync(file, 'utf8'));
    const report = await new GenerativeSession(specs, recipe, settings(out, { epochs: 1 })).result;
    const lines: string[] = [];
    const errors: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => errors.push(s) };
    const common = { backend: 'auto' as const, json: true };

    assert.strictEqual(await runSample(file, { ...common, seed: '1' }, io), 0, errors.join('\n'));
    const sample = JSON.parse(lines.pop() as string) as { model: string; kind: string; latentDim: number; layout: string; grid: number; file: string; points: number[][] };
    assert.strictEqual(sample.file.startsWith(report.runDir), true, 'the source file means its recipe\'s latest run');
    assert.deepStrictEqual([sample.model, sample.kind, sample.latentDim, sample.layout], ['VAE: encoder + decoder, latent 2', 'vae', 2, 'manifold']);
    assert.strictEqual(sample.points.length, 225);
    // Chollet's grid: 15 × 15 digits of 28 pixels with a 1-pixel gutter.
    const { default: sharp } = await import('sharp');
    const meta = await sharp(sample.file).metadata();
    assert.deepStrictEqual([meta.width, meta.height], [15 * 28 + 14, 15 * 28 + 14]);

    assert.strictEqual(await runSample(report.runDir, { ...common, count: '3', seed: '4' }, io), 0, errors.join('\n'));
    const samples = JSON.parse(lines.pop() as string) as { images: { z: number[]; file: string }[] };
    assert.strictEqual(samples.images.length, 3);
    assert.ok(samples.images.every((im) => im.z.length === 2 && fs.existsSync(im.file)));

    assert.strictEqual(await runInterpolate(report.runDir, { ...common, from: '-2,0', to: '2,0', steps: '5', seed: '1' }, io), 0, errors.join('\n'));
    const path5 = JSON.parse(lines.pop() as string) as { points: number[][] };
    assert.deepStrictEqual(path5.points.map((p) => p[0]), [-2, -1, 0, 1, 2]);
    // Between two images: the VAE encodes each, and the path runs between their codes.
    assert.strictEqual(await runInterpolate(report.runDir, { ...common, from: 'synthetic:0', to: 'synthetic:1', steps: '3', seed: '1' }, io), 0, errors.join('\n'));
    const images = JSON.parse(lines.pop() as string) as { from: string; points: number[][] };
    assert.match(images.from, /synthetic/);
    assert.strictEqual(images.points.length, 3);

    assert.strictEqual(await runEncode(report.runDir, { ...common, count: '40', split: 'validation' }, io), 0, errors.join('\n'));
    const encoded = JSON.parse(lines.pop() as string) as { points: { z: number[]; label: number; className: string }[] };
    assert.strictEqual(encoded.points.length, 40);
    assert.ok(encoded.points.every((p) => p.z.length === 2 && p.z.every(Number.isFinite) && typeof p.className === 'string'));
    // Spread over the split (stored class after class), so every class is in the scatter.
    assert.deepStrictEqual([...new Set(encoded.points.map((p) => p.label))].sort(), [0, 1, 2, 3]);

    // The panel's decoding: 200 requests of a point, a grid and samples leave no tensor behind.
    const tf = await import('@tensorflow/tfjs');
    const session = await LatentSession.open(tf, report.runDir);
    try {
      const before = tf.memory().numTensors;
      for (let i = 0; i < 200; i++) {
        if (i % 3 === 0) await session.decode([[i / 100 - 1, 0.5]]);
        else if (i % 3 === 1) await session.grid(session.manifoldPoints(3), 3);
        else await session.decode(session.randomPoints(4, i));
      }
      assert.strictEqual(tf.memory().numTensors, before, 'tensors after 200 decode requests');
    } finally {
      session.dispose();
    }

    assert.strictEqual(await runInterpolate(report.runDir, { ...common, from: '1,2,3', steps: '4', seed: '1' }, io), 2);
    assert.match(errors.pop() as string, /latent point needs 2 finite numbers/);
  });

  it('convlens train on a VAE file trains the whole recipe, one JSON line per epoch with its losses', async () => {
    const file = path.join(out, 'vae.py');
    fs.copyFileSync(path.join(examples, 'vae.py'), file);
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await runTrainCli([file, '--data', 'synthetic', '--epochs', '2', '--json'], { out: (s) => lines.push(s), err: (s) => errors.push(s) });
    assert.strictEqual(code, 0, errors.join('\n'));
    const epochs = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type === 'epoch');
    assert.deepStrictEqual(epochs.map((e) => e.epoch), [1, 2]);
    for (const key of ['loss', 'reconstruction_loss', 'kl_loss', 'val_loss']) assert.strictEqual(typeof epochs[1][key], 'number', key);
    assert.match(errors[0], /^training VAE: encoder \+ decoder, latent 2/);
    // --model naming either part means the same recipe; a classifier file is untouched by this path.
    assert.strictEqual(await runTrainCli([file, '--model', 'decoder', '--data', 'mnist', '--epochs', '1', '--json', '--batch-size', '0'], { out: () => undefined, err: (s) => errors.push(s) }), 2);
    assert.match(errors.at(-1) ?? '', /--batch-size must be a whole number ≥ 1/);
  });

  it("convlens train on a recipe takes the trainer's fit() defaults, and --resume continues a run without --data", async () => {
    const file = path.join(out, 'vae_fit.py');
    // keras.io's ending: a VAE trainer class fitted for 3 epochs of batch 64 (the class body is not read).
    fs.writeFileSync(file, `${fs.readFileSync(path.join(examples, 'vae.py'), 'utf8')}

class VAE(keras.Model):
    pass

vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam())
vae.fit(mnist_digits, epochs=3, batch_size=64)
`);
    const run = async (args: string[]) => {
      const lines: string[] = [];
      const errors: string[] = [];
      const code = await runTrainCli(args, { out: (s) => lines.push(s), err: (s) => errors.push(s) });
      return { code, errors, json: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
    };
    const first = await run([file, '--data', 'synthetic', '--json']);
    assert.strictEqual(first.code, 0, first.errors.join('\n'));
    assert.deepStrictEqual(first.json.filter((l) => l.type === 'epoch').map((e) => e.epoch), [1, 2, 3], "fit()'s epochs=3");
    const runDir = first.json.find((l) => l.type === 'summary')?.runDir as string;
    const saved = JSON.parse(fs.readFileSync(path.join(runDir, 'settings.json'), 'utf8')) as { settings: { batchSize: number; epochs: number } };
    assert.strictEqual(saved.settings.batchSize, 64, "fit()'s batch_size=64");
    // A run stopped after epoch 3 of 4 looks like this one with 4 epochs asked for.
    saved.settings.epochs = 4;
    fs.writeFileSync(path.join(runDir, 'settings.json'), JSON.stringify(saved));
    const resumed = await run([file, '--resume', runDir, '--json']);
    assert.strictEqual(resumed.code, 0, resumed.errors.join('\n'));
    assert.deepStrictEqual(resumed.json.filter((l) => l.type === 'epoch').map((e) => e.epoch), [4], 'continues from the checkpoint to the run\'s own count, on its own data');
    assert.ok(resumed.errors.some((e) => e.startsWith('data: synthetic')), resumed.errors.join('\n'));
  });
});
