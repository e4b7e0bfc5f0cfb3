// The course's VAE (keras.io "Variational AutoEncoder", examples/keras/vae.py) trained by
// ConvLens and by PyTorch CPU (bench/torch_vae.py: the same net, initialisers, optimizer and
// losses) on the same 8,000 MNIST training digits, side by side on this machine:
//
// - time per epoch (training pass + validation; ConvLens' also writes its sample grid and
//   checkpoint), and the ratio PyTorch / ConvLens (above 1: ConvLens is faster);
// - the last epoch's validation reconstruction loss (summed BCE per image, as keras.io logs it);
// - latent neighbourhood quality: a 5-nearest-neighbour classifier on the 2,000 encoded
//   validation digits (each digit's class voted by its 5 nearest other digits' z_mean).
//
// ConvLens runs through its own CLI (`convlens train --json`, then `convlens encode`), as a
// user would. The digits are written for PyTorch from ConvLens' data set registry, so both
// train on exactly the same images and validate on the same 2,000.
//
// Both engines train on one thread each, and by default at the same time, so that whatever
// else runs on a shared machine slows both alike (one after the other, a busy minute would
// land on one of them only); --sequential runs them one after the other, for a quiet machine
// with fewer than two free cores. Each row shows the load per CPU before and after.
//
// Needs the build and tsc's output: npm run build && npm run compile-tests, then
//   node bench/generative.js [--epochs 30] [--batch-size 128] [--seed 1 | --seeds 1,2,3] [--threads 1] [--sequential] [--json]
//
// A 2-D VAE differs a lot from seed to seed (initial weights, batch order, noise: each engine
// draws its own), so one seed says little about which engine trains better; --seeds runs
// each seed in turn and ends with the means over seeds and on how many seeds each engine won.
'use strict';
const { arg, median, torchPython } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'convlens.js');
const SOURCE = path.join(ROOT, 'examples', 'keras', 'vae.py');

const EPOCHS = Number(arg('epochs', '30'));
const BATCH = Number(arg('batch-size', '128'));
/** PyTorch's threads: 1, as ConvLens' wasm backend uses one. */
const THREADS = arg('threads', '1');
const SEQUENTIAL = process.argv.includes('--sequential');
/** Seeds both engines' initial weights, batch order and sampling noise (each its own way: a 2-D VAE varies from seed to seed). */
const SEEDS = arg('seeds', arg('seed', '1')).split(',').map((s) => s.trim()).filter(Boolean);
const JSON_OUT = process.argv.includes('--json');
const K = 5;


/** Runs a command to its end; its stdout, or an error with the last lines of its stderr. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(args[0])} ${args[1] ?? ''} failed (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

function jsonLines(text) {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** ConvLens' MNIST split as raw files: {split}-x.f32 (N×28×28, [0, 1]) and {split}-y.u8. */
async function writeDigits(dir) {
  const { loadDataset } = require(path.join(ROOT, 'out', 'src', 'core', 'engine', 'data', 'registry.js'));
  const data = await loadDataset({ kind: 'mnist' });
  for (const [name, split] of [['train', data.train], ['validation', data.validation]]) {
    fs.writeFileSync(path.join(dir, `${name}-x.f32`), Buffer.from(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    fs.writeFileSync(path.join(dir, `${name}-y.u8`), Uint8Array.from(split.y));
  }
  return { train: data.train.count, validation: data.validation.count };
}

/** Leave-one-out k-NN accuracy of latent points {z, label}: each point's class voted by its k nearest others. */
function knnAccuracy(points, k = K) {
  let right = 0;
  for (let i = 0; i < points.length; i++) {
    const near = [];
    for (let j = 0; j < points.length; j++) {
      if (j === i) continue;
      let d = 0;
      for (let a = 0; a < points[i].z.length; a++) d += (points[i].z[a] - points[j].z[a]) ** 2;
      near.push([d, points[j].label]);
    }
    near.sort((a, b) => a[0] - b[0]);
    const votes = new Map();
    for (const [, label] of near.slice(0, k)) votes.set(label, (votes.get(label) ?? 0) + 1);
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
    if (best === points[i].label) right++;
  }
  return right / points.length;
}

async function convlens(tmp, seed) {
  const before = load();
  const lines = jsonLines(await run(process.execPath, [CLI, 'train', SOURCE, '--data', 'mnist', '--epochs', String(EPOCHS), '--batch-size', String(BATCH), '--seed', seed, '--out', tmp, '--json']));
  const epochs = lines.filter((l) => l.type === 'epoch');
  const summary = lines.find((l) => l.type === 'summary');
  if (!summary || summary.status !== 'completed') throw new Error(`convlens train did not complete: ${JSON.stringify(summary)}`);
  const after = load();
  const encoded = JSON.parse(await run(process.execPath, [CLI, 'encode', summary.runDir, '--data', 'mnist', '--split', 'validation', '--json']));
  return describe('convlens', { epochs, points: encoded.points }, [before, after]);
}

async function pytorch(python, tmp, seed) {
  const before = load();
  const pointsFile = path.join(tmp, 'torch-points.json');
  const lines = jsonLines(await run(python, [path.join(__dirname, 'torch_vae.py'), '--data', tmp, '--epochs', String(EPOCHS), '--batch-size', String(BATCH), '--threads', THREADS, '--seed', seed, '--points-out', pointsFile]));
  const summary = lines.find((l) => l.type === 'summary');
  const result = { epochs: lines.filter((l) => l.type === 'epoch'), points: JSON.parse(fs.readFileSync(pointsFile, 'utf8')).points };
  return { ...describe('pytorch', result, [before, load()]), threads: summary.threads, version: summary.version };
}

/** The 1-minute load average per CPU: on a shared machine, other work slows whichever engine runs beside it. */
const load = () => Number((os.loadavg()[0] / os.cpus().length).toFixed(2));

function describe(name, result, loadPerCpu) {
  const last = result.epochs[result.epochs.length - 1];
  return {
    engine: name,
    loadPerCpu,
    epochSeconds: median(result.epochs.map((e) => e.seconds)),
    valReconstructionLoss: last.val_reconstruction_loss,
    valKlLoss: last.val_kl_loss,
    knn5: knnAccuracy(result.points),
  };
}

/** One seed: both engines, side by side unless --sequential. */
async function pair(python, tmp, seed) {
  const [ours, theirs] = SEQUENTIAL
    ? [await convlens(tmp, seed), await pytorch(python, tmp, seed)]
    : await Promise.all([convlens(tmp, seed), pytorch(python, tmp, seed)]);
  return { seed: Number(seed), convlens: ours, pytorch: theirs, epochTimeRatioPytorchOverConvlens: theirs.epochSeconds / ours.epochSeconds };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Means over seeds, and on how many seeds ConvLens did at least as well (lower loss, higher 5-NN). */
function overSeeds(rows) {
  const of = (engine, key) => mean(rows.map((r) => r[engine][key]));
  return {
    seeds: rows.length,
    convlens: { valReconstructionLoss: of('convlens', 'valReconstructionLoss'), valKlLoss: of('convlens', 'valKlLoss'), knn5: of('convlens', 'knn5') },
    pytorch: { valReconstructionLoss: of('pytorch', 'valReconstructionLoss'), valKlLoss: of('pytorch', 'valKlLoss'), knn5: of('pytorch', 'knn5') },
    convlensAtLeastAsGood: {
      valReconstructionLoss: rows.filter((r) => r.convlens.valReconstructionLoss <= r.pytorch.valReconstructionLoss).length,
      knn5: rows.filter((r) => r.convlens.knn5 >= r.pytorch.knn5).length,
    },
    epochTimeRatioPytorchOverConvlens: mean(rows.map((r) => r.epochTimeRatioPytorchOverConvlens)),
  };
}

async function main() {
  const { python, missing } = torchPython();
  if (!python) throw new Error(`no python3 imports torch (${missing}): apt-get install python3-torch (Debian puts it in /usr/bin/python3)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-vae-'));
  const mode = SEQUENTIAL ? 'one after the other' : 'side by side, at the same time';
  const row = (r) => `${r.engine.padEnd(9)} ${r.epochSeconds.toFixed(2).padStart(7)} s/epoch   val reconstruction ${r.valReconstructionLoss.toFixed(1).padStart(6)}   val KL ${r.valKlLoss.toFixed(2).padStart(5)}   5-NN ${(r.knn5 * 100).toFixed(1)}%   load/CPU ${r.loadPerCpu.join(' → ')}`;
  try {
    const counts = await writeDigits(tmp);
    if (!JSON_OUT) console.log(`keras.io VAE, ${EPOCHS} epochs of ${counts.train} MNIST digits, batch ${BATCH}, seed${SEEDS.length > 1 ? 's' : ''} ${SEEDS.join(', ')}; validation ${counts.validation} digits`);
    const rows = [];
    for (const seed of SEEDS) {
      const r = await pair(python, tmp, seed);
      rows.push(r);
      if (JSON_OUT) {
        console.log(JSON.stringify({ epochs: EPOCHS, batchSize: BATCH, mode, ...r }));
        continue;
      }
      if (SEEDS.length > 1) console.log(`seed ${seed}`);
      console.log(`${row(r.convlens)}   (wasm + ConvLens' kernels, 1 thread)`);
      console.log(`${row(r.pytorch)}   (torch ${r.pytorch.version}, ${r.pytorch.threads} thread${r.pytorch.threads === 1 ? '' : 's'})`);
      console.log(`epoch time PyTorch / ConvLens, ${mode}: ${r.epochTimeRatioPytorchOverConvlens.toFixed(2)}× (above 1: ConvLens is faster)`);
    }
    if (rows.length < 2) return;
    const all = overSeeds(rows);
    if (JSON_OUT) {
      console.log(JSON.stringify({ type: 'overSeeds', ...all }));
      return;
    }
    const line = (name, m) => `${name.padEnd(9)} mean val reconstruction ${m.valReconstructionLoss.toFixed(1)}   val KL ${m.valKlLoss.toFixed(2)}   5-NN ${(m.knn5 * 100).toFixed(1)}%`;
    console.log(`over ${rows.length} seeds:`);
    console.log(line('convlens', all.convlens));
    console.log(line('pytorch', all.pytorch));
    console.log(`ConvLens at least as good on ${all.convlensAtLeastAsGood.valReconstructionLoss} of ${rows.length} seeds in reconstruction, ${all.convlensAtLeastAsGood.knn5} of ${rows.length} in 5-NN; mean epoch time ratio ${all.epochTimeRatioPytorchOverConvlens.toFixed(2)}×`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
