/**
 * The latent-space panel in a real VS Code: Train on keras.io's VAE (examples/keras/vae.py)
 * trains the recipe with progress and opens the panel on the run; the panel shows Chollet's
 * manifold and the encoded images by class, decodes the point a slider or a click on the
 * plane picks, draws samples (Reseed), an interpolation strip, a concept vector, and the
 * run's losses under Keras' names. A small DCGAN shows the per-epoch sample history. Then a
 * `Latent Space` CodeLens sits on the decoder. Screenshots in three themes for the README.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import type { StartedGenerativeRun } from '../../src/training/generativeTrainer';
import type { TrainChoices } from '../../src/training/projectSettings';
import { pages } from './helpers/pages';
import { shootThemes } from './helpers/screenshots';
import { RecipeScratch } from './helpers/recipes';
import { activateExtension, exampleUri, waitFor } from './helpers/vscode';
import { SMALL_GAN } from '../fixtures/smallGan';

const choices: TrainChoices = { data: 'synthetic', epochs: 2, batchSize: 32, validationSplit: 0.2, earlyStopping: 0, seed: 3 };

describe('latent-space panel', function () {
  this.timeout(300000);
  let api: ConvLensApi;
  const scratch = new RecipeScratch();
  const { files, runs } = scratch;
  const panel = () => pages(api).latent;
  const text = async (selector: string): Promise<string> => (await panel().query([selector]))[selector] ?? '';

  async function train(name: string, source: string, model: string): Promise<vscode.Uri> {
    const { file, run } = await scratch.start(name, source, model, choices);
    await scratch.finished(run, `the ${name} recipe`);
    return file;
  }

  before(async () => {
    api = (await activateExtension<ConvLensApi>()).exports;
    scratch.remember();
  });
  after(() => scratch.cleanup());

  it("trains keras.io's VAE from the Train command and opens its latent space: manifold, scatter, losses", async () => {
    const vae = fs.readFileSync(exampleUri('keras/vae.py').fsPath, 'utf8');
    await train('vae_latent.py', vae, 'encoder');
    const r = await waitFor(async () => {
      const q = await panel().query(['#recipe', '#meta', '#scatter-summary', '#decoded-point', '#latent-loss-chart-summary', '#latent-kl_loss-chart-summary']).catch(() => undefined);
      return q?.['#recipe'] && q['#decoded-point'] ? q : undefined;
    }, 60000, 'the panel to show the VAE and decode the origin');
    assert.strictEqual(r['#recipe'], 'VAE: encoder + decoder, latent 2');
    assert.match(r['#meta'] ?? '', /^2 epochs on synthetic · images 28×28×1 · latent 2/);
    // The validation split of 480 synthetic shapes: 96 images, in the 4 shape classes.
    assert.match(r['#scatter-summary'] ?? '', /^96 validation images encoded in 4 classes/);
    assert.strictEqual(r['#decoded-point'], 'z = [0.00, 0.00]');
    // The same loss charts as the training panel's: one per term, train and validation.
    assert.match(r['#latent-loss-chart-summary'] ?? '', /^After epoch 2 of 2: loss [\d.]+, val_loss [\d.]+\.$/);
    assert.match(r['#latent-kl_loss-chart-summary'] ?? '', /^After epoch 2 of 2: kl_loss [\d.]+, val_kl_loss [\d.]+\.$/);
    const [manifold] = await panel().attributes('#manifold', 'src');
    assert.ok(manifold?.startsWith('data:image/png;base64,'), 'the manifold is a picture');
    assert.deepStrictEqual(await panel().cspViolations(), []);
  });

  it('decodes the point a slider or the plane picks, and draws samples, an interpolation and a concept vector', async () => {
    const [before] = await panel().attributes('#decoded', 'src');
    await panel().type('#z0', '2');
    await waitFor(async () => (await text('#decoded-point')) === 'z = [2.00, 0.00]', 30000, 'the slider point decoded');
    const [after] = await panel().attributes('#decoded', 'src');
    assert.notStrictEqual(after, before, 'another point, another image');
    // A click at the scatter's centre is the origin of the plane.
    await panel().click('#scatter');
    await waitFor(async () => (await text('#decoded-point')) === 'z = [0.00, 0.00]', 30000, 'the plane point decoded');
    // The manifold's centre cell (row 7, column 7 of 15) is the grid point at the median: (0, 0) as well.
    await panel().type('#z1', '-1');
    await waitFor(async () => (await text('#decoded-point')) === 'z = [0.00, −1.00]', 30000, 'the slider point decoded');
    await panel().click('#manifold');
    await waitFor(async () => (await text('#decoded-point')) === 'z = [0.00, 0.00]', 30000, 'the manifold cell decoded');
    await shootThemes('latent-vae', (s) => panel().query(s));
    const samples = Array.from({ length: 16 }, (_, i) => `#samples figure:nth-child(${i + 1}) img`);
    await waitFor(async () => Object.values(await panel().query(samples)).every((v) => v !== null), 30000, '16 samples');
    await panel().click('#reseed');
    await waitFor(async () => (await panel().attributes('#samples', 'data-seed'))[0] === '2', 30000, 'reseeded samples');
    const strip = Array.from({ length: 9 }, (_, i) => `#interpolation figure:nth-child(${i + 1}) img`);
    await waitFor(async () => Object.values(await panel().query(strip)).every((v) => v !== null), 30000, 'a 9-step interpolation');
    assert.match(await text('#interpolation-ends'), /^A = \[.*\] → B = \[.*\], 9 steps$/);
    // Or between two images of the run's data, which the VAE encodes.
    await panel().type('#image-a', '0');
    await panel().type('#image-b', '5');
    await panel().click('#encode-ends');
    await waitFor(async () => /^A = synthetic .*\] → B = synthetic .*\], 9 steps$/.test(await text('#interpolation-ends')), 30000, 'the ends encoded from two images');
    await panel().type('#concept-strength', '2');
    await waitFor(async () => (await text('#concept-caption')).startsWith("current + 2.0 × (square − circle)"), 30000, 'the concept vector applied');
  });

  it('opened on a run in progress after its first epoch, follows it to the end', async () => {
    const file = vscode.Uri.file(files[0]);
    const run = await vscode.commands.executeCommand<StartedGenerativeRun>('convlens.trainModel', file, 'encoder', { ...choices, epochs: 20, seed: 4 });
    // The run is explorable from its first checkpoint (the training panel is what shows it live meanwhile).
    const runDir = await waitFor(() => Promise.resolve(run.session.lastCheckpoint ? run.session.runDir : undefined), 60000, 'the first checkpoint');
    await vscode.commands.executeCommand('convlens.exploreLatentSpace', file, 'decoder', runDir);
    // While it trains: an unfinished run, some epochs in.
    const during = await waitFor(async () => {
      const meta = await text('#meta').catch(() => '');
      return /^(\d+) epochs? on synthetic · unfinished/.test(meta) ? meta : undefined;
    }, 60000, 'the panel on the unfinished run');
    const report = await run.finished;
    assert.ok(report);
    runs.push(report.runDir);
    assert.ok(Number(/^(\d+)/.exec(during)?.[1]) < 20, during);
    await waitFor(async () => (await text('#meta')).startsWith('20 epochs on synthetic · images'), 30000, 'the finished run');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('puts a Latent Space CodeLens on the trained decoder', async () => {
    const file = vscode.Uri.file(files[0]);
    const lens = await waitFor(async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return all.find((l) => l.command?.title === 'Latent Space');
    }, 15000, 'the Latent Space CodeLens');
    assert.deepStrictEqual(lens.command?.arguments?.[1], 'decoder');
  });

  it('replays how a GAN learned: d_loss and g_loss per epoch, and the samples of each epoch', async () => {
    await train('gan_latent.py', SMALL_GAN, 'generator');
    await waitFor(async () => (await text('#recipe')) === 'GAN: generator + discriminator, latent 8', 60000, 'the panel on the GAN');
    const r = await panel().query(['#plane', '#latent-losses-chart-summary', '#epoch-caption', '#sliders-note']);
    assert.match(r['#latent-losses-chart-summary'] ?? '', /After epoch 2 of 2: d_loss [\d.]+, g_loss [\d.]+/);
    const hidden = await panel().attributes('#plane', 'hidden');
    assert.notStrictEqual(hidden[0], null, 'no plane for an 8-D latent space');
    assert.match(r['#epoch-caption'] ?? '', /after epoch 2$/);
    const [last] = await panel().attributes('#epoch-samples', 'src');
    await panel().type('#epoch-slider', '1');
    await waitFor(async () => (await text('#epoch-caption')).endsWith("after epoch 1"), 10000, 'epoch 1 replayed');
    const [first] = await panel().attributes('#epoch-samples', 'src');
    assert.ok(first?.startsWith('data:image/png;base64,') && first !== last, 'each epoch has its own samples');
    assert.deepStrictEqual(await panel().cspViolations(), []);
  });
});
