/**
 * @quality — Chollet's MNIST convnet (examples/keras/chollet_mnist_convnet.py, read with
 * analyzeSource; rmsprop 1e-3, categorical_crossentropy) trained 5 epochs on the 10,000
 * digits of the `mnist` package (fixed 8,000 / 2,000 split) on the wasm backend must reach
 * ≥ 97% validation accuracy. Batch 32 is Keras' `fit` default; seed 1 is the engine's
 * default seed. The run is deterministic (seeded initial weights and batch order, single-
 * threaded wasm): 97.45% every time. Measured with other seeds/batches, for the record:
 * batch 32 seeds 2 and 3 → 96.00% and 97.45%; batch 64 seeds 1 and 2 → 96.85% and 94.75%
 * (8,000 digits and 5 epochs leave the last epoch ±1% noisy). The same run on ConvLens'
 * native oneDNN kernels (nativeKernels.ts) must reach the bar too: its sums run in another
 * order, so it is not bit-identical to the wasm run. Takes about 2 minutes for both; they
 * run in `npm test`, or alone with `npm run test:quality`.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import { TrainingSession } from '../../src/core/engine/train/session';
import { backendLabel } from '../../src/core/engine/backend/select';
import { findAddon } from '../../src/core/engine/backend/nativeKernels';

const ROOT = path.resolve(__dirname, '../../..');
/** One 5-epoch run; returns the final validation accuracy. */
async function trainChollet(nativeKernels: boolean): Promise<{ valAcc: number; backend: string }> {
  const source = fs.readFileSync(path.join(ROOT, 'examples/keras/chollet_mnist_convnet.py'), 'utf8');
  const spec = analyzeSource(source, 'python').specs[0];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-quality-'));
  try {
    const session = new TrainingSession(spec, {
      data: { kind: 'mnist' },
      epochs: 5,
      batchSize: 32,
      validationSplit: 0.2,
      seed: 1,
      backend: (process.env['CONVLENS_QUALITY_BACKEND'] as 'wasm' | undefined) ?? 'wasm',
      nativeKernels,
      outDir: out,
    });
    session.on('epoch', (e) => {
      console.log(`      epoch ${e.epoch}: loss ${e.logs.loss.toFixed(4)} acc ${e.logs.acc.toFixed(4)} val_loss ${e.logs.val_loss.toFixed(4)} val_acc ${e.logs.val_acc.toFixed(4)} (${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSec)} img/s)`);
    });
    const report = await session.result;
    const valAcc = report.history[report.history.length - 1].val_acc;
    console.log(`      backend ${backendLabel(report.backend)}; final val_acc ${valAcc.toFixed(4)}; ${Math.round(report.imagesPerSec)} img/s; ${report.seconds.toFixed(0)} s`);
    assert.strictEqual(report.backend.name, process.env['CONVLENS_QUALITY_BACKEND'] ?? 'wasm');
    assert.strictEqual(report.dataset.train, 8000);
    assert.strictEqual(report.dataset.validation, 2000);
    assert.strictEqual(report.compile.optimizer, 'rmsprop');
    return { valAcc, backend: backendLabel(report.backend) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

describe('@quality train: Chollet MNIST convnet on wasm', function () {
  this.timeout(900000);
  it('reaches ≥ 97% validation accuracy in 5 epochs on 8,000 digits (TF.js wasm kernels)', async () => {
    const { valAcc, backend } = await trainChollet(false);
    assert.strictEqual(backend, 'wasm');
    assert.ok(valAcc >= 0.97, `validation accuracy ${valAcc}`);
  });

  it('reaches ≥ 97% with ConvLens\' native oneDNN kernels too', async function () {
    if (!findAddon() && process.env['CONVLENS_REQUIRE_NATIVE'] !== '1') {
      console.log('      skipped: the native kernels are not built (npm run build:native)');
      this.skip();
    }
    const { valAcc, backend } = await trainChollet(true);
    assert.strictEqual(backend, 'wasm + oneDNN');
    assert.ok(valAcc >= 0.97, `validation accuracy ${valAcc}`);
  });
});
