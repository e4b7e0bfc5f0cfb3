/**
 * The training panel on a VAE's and a GAN's real runs in a real VS Code: Train on the recipe
 * opens the model's training panel, which follows the run live with the recipe's own losses
 * (no accuracy chart) and each epoch's samples under a slider that shows the latest epoch
 * until the user moves it; after the run, Show Training Panel replays the finished run from
 * its folder. Everything is read from the panel's DOM through the test driver. Screenshots
 * of the VAE's panel in three themes for the README.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import type { StartedGenerativeRun } from '../../src/training/generativeTrainer';
import type { TrainChoices } from '../../src/training/projectSettings';
import { SMALL_GAN } from '../fixtures/smallGan';
import { pages, type Pages } from './helpers/pages';
import { canInspectWorkbench, shootThemes } from './helpers/screenshots';
import { RecipeScratch } from './helpers/recipes';
import { activateExtension, exampleUri, waitFor } from './helpers/vscode';

const choices: TrainChoices = { data: 'synthetic', epochs: 3, batchSize: 32, validationSplit: 0.2, earlyStopping: 0, seed: 5 };

describe('training panel on a VAE and a GAN', function () {
  this.timeout(300000);
  let page: Pages['training'];
  const scratch = new RecipeScratch();

  before(async () => {
    page = pages((await activateExtension<ConvLensApi>()).exports).training;
    scratch.remember();
  });
  after(() => scratch.cleanup());

  const startTraining = (name: string, source: string, model: string, epochs: number) => scratch.start(name, source, model, { ...choices, epochs });
  const finish = (run: StartedGenerativeRun) => scratch.finished(run);

  /** Text of each selector, or null (also while the page is not there). */
  const read = (key: string, selectors: string[]) => page(key).query(selectors).catch((): Record<string, string | null> => ({}));
  const legend = (chart: string, n: number) => Array.from({ length: n }, (_, i) => `#${chart}-legend li:nth-child(${i + 1})`);

  it("follows a GAN's run live: d_loss and g_loss per epoch, the latest epoch's samples until the user moves the slider", async () => {
    // Batches of 8: epochs long enough (48 batches) for the steps below to happen while it trains.
    const epochs = 24;
    const { file, run } = await scratch.start('gan_training.py', SMALL_GAN, 'generator', { ...choices, epochs, batchSize: 8 });
    const key = `${file.toString()}#generator`;
    const caption = async (): Promise<string> => (await read(key, ['#epoch-caption']))['#epoch-caption'] ?? '';
    const epochShown = async (): Promise<number> => Number(/after epoch (\d+)$/.exec(await caption())?.[1] ?? 0);
    // Live: the recipe names the panel, and the slider shows the first epoch's samples once it ends.
    await waitFor(async () => (await read(key, ['#model-name']))['#model-name'] === 'GAN: generator + discriminator, latent 8', 30000, 'the training panel on the GAN');
    await waitFor(async () => (await epochShown()) >= 1, 60000, 'the first epoch\'s samples');
    // It follows the run: the next epoch replaces it without the user doing anything.
    await waitFor(async () => (await epochShown()) >= 2, 60000, 'the second epoch\'s samples');
    assert.strictEqual((await read(key, ['#run-status']))['#run-status'], 'Training');
    // The user picks epoch 1: it stays while later epochs arrive ...
    await page(key).type('#epoch-slider', '1');
    const picked = Number((await page(key).attributes('#epoch-slider', 'max'))[0]);
    await waitFor(async () => Number((await page(key).attributes('#epoch-slider', 'max'))[0]) >= picked + 2, 60000, 'two more epochs');
    assert.strictEqual(await caption(), 'The same 16 latent points after epoch 1');
    // ... and moving it back to the end follows the run again.
    const max = (await page(key).attributes('#epoch-slider', 'max'))[0] ?? '1';
    await page(key).type('#epoch-slider', max);
    await waitFor(async () => (await epochShown()) > Number(max), 60000, 'a later epoch followed');
    await finish(run);

    // After the run (the latent-space panel opened on it), Show Training Panel replays it from its folder.
    await vscode.commands.executeCommand('convlens.showTrainingPanel', file, 'generator');
    const r = await waitFor(async () => {
      const q = await read(key, ['#run-status', '#epoch-caption', '#gen-losses-chart-summary', ...legend('gen-losses-chart', 3), '#epoch-table thead tr', `#epoch-table tbody tr:nth-child(${epochs}) th`, '#report-title']);
      // The charts redraw on the next animation frame: wait for all the epochs on them.
      return q['#run-status'] === 'Done' && q[legend('gen-losses-chart', 2)[1]] === `g_loss: ${epochs} points` ? q : undefined;
    }, 20000, 'the finished run replayed');
    // One chart of the two players, every epoch on it, and no third series.
    assert.deepStrictEqual(legend('gen-losses-chart', 3).map((s) => r[s]), [`d_loss: ${epochs} points`, `g_loss: ${epochs} points`, null]);
    assert.match(r['#gen-losses-chart-summary'] ?? '', new RegExp(`^After epoch ${epochs} of ${epochs}: d_loss \\d+\\.\\d{3}, g_loss \\d+\\.\\d{3}\\.$`));
    assert.match(r['#epoch-table thead tr'] ?? '', /^Epoch\s*d_loss\s*g_loss\s*Seconds$/);
    assert.strictEqual(r[`#epoch-table tbody tr:nth-child(${epochs}) th`], String(epochs));
    assert.strictEqual(r['#report-title'], 'Run', 'no test-set report for a GAN');
    assert.strictEqual(r['#epoch-caption'], `The same 16 latent points after epoch ${epochs}`);
    // No accuracy chart: the classifier's charts are hidden.
    assert.deepStrictEqual(await page(key).attributes('section.charts', 'hidden'), ['']);

    // The slider over the epochs: moving it shows that epoch's own samples.
    assert.deepStrictEqual(await page(key).attributes('#epoch-slider', 'max'), [String(epochs)]);
    const [last] = await page(key).attributes('#epoch-samples', 'src');
    await page(key).type('#epoch-slider', '1');
    await waitFor(async () => (await caption()).endsWith('after epoch 1'), 10000, 'epoch 1 shown');
    const [first] = await page(key).attributes('#epoch-samples', 'src');
    assert.ok(first?.startsWith('data:image/png;base64,') && last?.startsWith('data:image/png;base64,'));
    assert.notStrictEqual(first, last, 'each epoch has its own samples');
    assert.deepStrictEqual(await page(key).attributes('#epoch-slider', 'aria-valuetext'), [`epoch 1 of ${epochs}`]);
    assert.deepStrictEqual(await page(key).cspViolations(), []);
  });

  it("shows a VAE's total, reconstruction and KL losses, train and validation, each in its chart", async () => {
    const vae = fs.readFileSync(exampleUri('keras/vae.py').fsPath, 'utf8');
    const { file, run } = await startTraining('vae_training.py', vae, 'encoder', 3);
    await finish(run);
    const key = `${file.toString()}#decoder`;
    // The panel alone in the window (for the screenshots): the run read back from its folder.
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    await vscode.commands.executeCommand('convlens.showTrainingPanel', file, 'decoder');
    const charts = ['gen-loss-chart', 'gen-reconstruction_loss-chart', 'gen-kl_loss-chart'];
    const r = await waitFor(async () => {
      const q = await read(key, ['#model-name', '#run-status', '#epoch-caption', '#epoch-table thead tr', ...charts.flatMap((c) => legend(c, 3))]);
      return q['#run-status'] === 'Done' && q[legend('gen-kl_loss-chart', 2)[1]] === 'val_kl_loss: 3 points' ? q : undefined;
    }, 20000, 'the VAE run in the training panel');
    assert.strictEqual(r['#model-name'], 'VAE: encoder + decoder, latent 2');
    assert.deepStrictEqual(charts.map((c) => legend(c, 3).map((s) => r[s])), [
      ['loss: 3 points', 'val_loss: 3 points', null],
      ['reconstruction_loss: 3 points', 'val_reconstruction_loss: 3 points', null],
      ['kl_loss: 3 points', 'val_kl_loss: 3 points', null],
    ]);
    assert.match(r['#epoch-table thead tr'] ?? '', /^Epoch\s*loss\s*reconstruction_loss\s*kl_loss\s*val_loss\s*val_reconstruction_loss\s*val_kl_loss\s*Seconds$/);
    assert.strictEqual(r['#epoch-caption'], 'The same 16 latent points after epoch 3');
    if (canInspectWorkbench()) {
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      try {
        await shootThemes('training-vae', (s) => page(key).query(s), 400);
      } finally {
        await vscode.commands.executeCommand('workbench.view.explorer');
      }
    }
  });
});
