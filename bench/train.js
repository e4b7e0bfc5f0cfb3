// Training throughput: Chollet's MNIST convnet (examples/keras/chollet_mnist_convnet.py, read
// by ConvLens; rmsprop lr 1e-3, batch 64) trained for a fixed number of batches on the
// engine's best backend (selectBackend 'auto', or --backend) — on wasm both with ConvLens'
// native oneDNN kernels (when built: npm run build:native) and with TF.js' own wasm kernels —
// and, when `python3 -c "import torch"` works, the same net / batch / optimizer in PyTorch CPU
// (bench/torch_train.py) with 1 thread, with PyTorch's default thread count and with one
// thread per CPU. Timings on shared machines swing widely, so engines run one after the
// other, alternating the order, for --rounds rounds, and each round's ratios are reported
// (plus the medians). The headline ratio is ConvLens' default (the best backend, native
// kernels on) against PyTorch's default.
//
// Needs the tsc-compiled engine: npm run compile-tests (out/), then
//   node bench/train.js [--batches 30] [--batch-size 64] [--rounds 3] [--backend auto|wasm|cpu|...] [--json]
'use strict';
const { arg, median, torchPython } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');

const BATCHES = Number(arg('batches', '30'));
const BATCH = Number(arg('batch-size', '64'));
const ROUNDS = Number(arg('rounds', '3'));
const BACKEND = arg('backend', 'auto');
const JSON_OUT = process.argv.includes('--json');


let python = null;

function runTorch(threads) {
  const r = spawnSync(python, [path.join(__dirname, 'torch_train.py'), '--batches', String(BATCHES), '--batch-size', String(BATCH), '--threads', threads], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch_train.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  if (!fs.existsSync(path.join(OUT, 'core', 'engine', 'train', 'compile.js'))) {
    console.error('bench/train.js needs the compiled engine: run `npm run compile-tests` first');
    process.exit(2);
  }
  const tf = require(require.resolve('@tensorflow/tfjs', { paths: [ROOT] }));
  const { selectBackend } = require(path.join(OUT, 'core/engine/backend/select.js'));
  const { buildTfjsModel } = require(path.join(OUT, 'core/engine/build.js'));
  const { analyzeSource } = require(path.join(OUT, 'core/analysis.js'));
  const { modelIO } = require(path.join(OUT, 'core/engine/data/validate.js'));
  const { resolveCompile, compileModel, encodeLabels } = require(path.join(OUT, 'core/engine/train/compile.js'));
  const { loadMnist } = require(path.join(OUT, 'core/engine/data/mnist.js'));

  const backend = await selectBackend(tf, BACKEND);
  const native = backend.nativeKernels; // undefined: not built, or not on wasm
  const label = native ? `wasm + oneDNN ${native.version}, ${native.threads} thread${native.threads === 1 ? '' : 's'}` : backend.name;
  if (backend.nativeKernelsUnavailable) console.error(`note: ${backend.nativeKernelsUnavailable}`);
  const source = fs.readFileSync(path.join(ROOT, 'examples/keras/chollet_mnist_convnet.py'), 'utf8');
  const spec = analyzeSource(source, 'python').specs[0];
  const compile = resolveCompile(spec, modelIO(spec));
  const model = buildTfjsModel(tf, spec);
  compileModel(tf, model, compile);
  const data = loadMnist().train;
  const size = 28 * 28;

  async function trainBatches(n, offset) {
    const t = process.hrtime.bigint();
    for (let b = 0; b < n; b++) {
      const start = ((offset + b) * BATCH) % (data.count - BATCH);
      const x = tf.tensor4d(data.x.slice(start * size, (start + BATCH) * size), [BATCH, 28, 28, 1]);
      const y = encodeLabels(tf, data.y.slice(start, start + BATCH), compile, 10);
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    return Number(process.hrtime.bigint() - t) / 1e9;
  }

  // The engines of one round; each returns images/s.
  const engines = [{ key: 'convlens', label: `ConvLens/${label}`, run: (r) => trainBatches(BATCHES, (r + 1) * BATCHES) }];
  if (native) {
    engines.push({
      key: 'wasmPlain', label: 'ConvLens/wasm (TF.js kernels)',
      run: async (r) => {
        await selectBackend(tf, 'wasm', { nativeKernels: false });
        try {
          return await trainBatches(Math.max(5, Math.round(BATCHES / 3)), (r + 1) * BATCHES);
        } finally {
          await selectBackend(tf, 'wasm');
        }
      },
      batches: Math.max(5, Math.round(BATCHES / 3)),
    });
  }
  const found = torchPython();
  python = found.python ?? null;
  const torchMissing = found.missing;
  if (!torchMissing) {
    const cpus = os.cpus().length;
    engines.push({ key: 'torch1', threads: '1' });
    engines.push({ key: 'torchDefault', threads: 'default' });
    if (cpus > 1) engines.push({ key: 'torchAll', threads: String(cpus) });
  }

  await trainBatches(3, 0); // warm-up: kernels compiled, optimizer state created
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {};
    const order = r % 2 === 0 ? engines : [...engines].reverse();
    for (const e of order) {
      if (e.threads) {
        const t = runTorch(e.threads);
        round[e.key] = t.imagesPerSec;
        e.label = `PyTorch ${t.threads} thread${t.threads === 1 ? '' : 's'}${e.threads === 'default' ? ' (its default)' : ''}`;
      } else {
        const seconds = await e.run(r);
        round[e.key] = ((e.batches ?? BATCHES) * BATCH) / seconds;
      }
    }
    for (const e of engines) if (e.key !== 'convlens') round[`ratio_${e.key}`] = round.convlens / round[e.key];
    rounds.push(round);
    if (!JSON_OUT) {
      console.log(`round ${r + 1}: ` + engines.map((e) => `${e.label} ${round[e.key].toFixed(0)} img/s` +
        (e.key === 'convlens' ? '' : ` (ConvLens ${round[`ratio_${e.key}`].toFixed(2)}x)`)).join(' | '));
    }
  }
  model.dispose();
  const med = {};
  for (const key of Object.keys(rounds[0])) med[key] = median(rounds.map((r) => r[key]));
  const summary = {
    net: 'chollet_mnist_convnet', batches: BATCHES, batchSize: BATCH, optimizer: `${compile.optimizer} ${compile.learningRate}`,
    backend: label, engines: engines.map((e) => ({ key: e.key, label: e.label })), rounds, median: med,
    torch: torchMissing ? `not available (${torchMissing})` : 'available',
  };
  if (JSON_OUT) console.log(JSON.stringify(summary));
  else {
    console.log('median: ' + engines.map((e) => `${e.label} ${med[e.key].toFixed(0)} img/s` +
      (e.key === 'convlens' ? '' : ` (ConvLens ${med[`ratio_${e.key}`].toFixed(2)}x)`)).join(' | '));
    if (torchMissing) console.log(`PyTorch not measured: ${torchMissing}`);
  }
}

main().catch((e) => {
  console.error(e.stack || e.message);
  process.exit(1);
});
