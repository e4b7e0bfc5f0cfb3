// Latent-space decoding latency, as the latent-space panel experiences it: keras.io's VAE
// (examples/keras/vae.py, latent 2, 28×28×1) trained for one epoch on synthetic shapes (the
// weights' values do not change the cost), opened from its run folder the way the panel's
// worker opens it, on the engine's best backend (selectBackend 'auto', or --backend).
//  - one point decoded to a PNG data URL (a slider move, a hover on the plane): target < 30 ms
//  - Chollet's 15×15 manifold decoded to one PNG: target < 150 ms
//  - 16 random samples, each its own PNG (Reseed)
// Medians of --runs calls after 2 warm-ups.
//
// Needs the tsc-compiled engine: npm run compile-tests (out/), then
//   node bench/latent.js [--runs 20] [--backend auto|wasm|cpu] [--json]
'use strict';
const { arg, median } = require('./common');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');

const RUNS = Number(arg('runs', '20'));
const BACKEND = arg('backend', 'auto');
const JSON_OUT = process.argv.includes('--json');

async function time(fn) {
  for (let i = 0; i < 2; i++) await fn();
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
}

async function main() {
  if (!fs.existsSync(path.join(OUT, 'core', 'generative', 'latent.js'))) throw new Error('out/ is missing: run npm run compile-tests first');
  const tf = require('@tensorflow/tfjs');
  const { analyzeSource } = require(path.join(OUT, 'core', 'analysis'));
  const { selectBackend, backendLabel } = require(path.join(OUT, 'core', 'engine', 'backend', 'select'));
  const { findGenerativeRecipes } = require(path.join(OUT, 'core', 'generative', 'recipe'));
  const { runGenerativeTraining } = require(path.join(OUT, 'core', 'generative', 'train', 'run'));
  const { LatentSession } = require(path.join(OUT, 'core', 'generative', 'latent'));
  const { decodeToDataUrls } = require(path.join(OUT, 'core', 'generative', 'overview'));

  const analysis = analyzeSource(fs.readFileSync(path.join(ROOT, 'examples', 'keras', 'vae.py'), 'utf8'), 'python');
  const recipe = findGenerativeRecipes(analysis.specs, analysis.models)[0];
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-latent-'));
  try {
    const backend = await selectBackend(tf, BACKEND, { nativeKernels: true });
    const settings = { data: { kind: 'synthetic', count: 160 }, epochs: 1, batchSize: 32, validationSplit: 0.2, seed: 1, backend: BACKEND, outDir };
    const report = await runGenerativeTraining(tf, analysis.specs, recipe, settings, { emit: () => undefined });
    const session = await LatentSession.open(tf, report.runDir);
    const tensorsBefore = tf.memory().numTensors;
    const point = await time(() => decodeToDataUrls(session, [[0.5, -1]]));
    const grid = await time(() => session.grid(session.manifoldPoints(15), 15));
    const samples = await time(() => decodeToDataUrls(session, session.randomPoints(16, 1)));
    const leaked = tf.memory().numTensors - tensorsBefore;
    session.dispose();
    const result = { backend: backendLabel(backend), runs: RUNS, pointMs: point, manifold15Ms: grid, samples16Ms: samples, tensorsLeaked: leaked };
    if (JSON_OUT) console.log(JSON.stringify(result));
    else {
      console.log(`latent decoding on ${result.backend}, median of ${RUNS}:`);
      console.log(`  one point → PNG        ${point.toFixed(1)} ms   (target < 30 ms)`);
      console.log(`  15×15 manifold → PNG   ${grid.toFixed(1)} ms   (target < 150 ms)`);
      console.log(`  16 samples → 16 PNGs   ${samples.toFixed(1)} ms`);
      console.log(`  tensors left behind    ${leaked}`);
    }
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
