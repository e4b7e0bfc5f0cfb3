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
// The engines run one after the other, so other work on the machine slows whichever runs
// beside it: each row shows the load per CPU before and after; compare on a quiet machine.
//
// Needs the build and tsc's output: npm run build && npm run compile-tests, then
//   node bench/generative.js [--epochs 30] [--batch-size 128] [--threads N] [--json]
'use strict';
const { arg, median, torchPython } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'convlens.js');
const SOURCE = path.join(ROOT, 'examples', 'keras', 'vae.py');

const EPOCHS = Number(arg('epochs', '30'));
const BATCH = Number(arg('batch-size', '128'));
/** PyTorch's default thread count, and also one thread per CPU when the default is fewer (--threads N: only N). */
const THREADS = arg('threads', null);
const JSON_OUT = process.argv.includes('--json');
const K = 5;


function run(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${path.basename(args[0])} ${args[1] ?? ''} failed (${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
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

function convlens(tmp) {
  const lines = jsonLines(run(process.execPath, [CLI, 'train', SOURCE, '--data', 'mnist', '--epochs', String(EPOCHS), '--batch-size', String(BATCH), '--seed', '1', '--out', tmp, '--json']));
  const epochs = lines.filter((l) => l.type === 'epoch');
  const summary = lines.find((l) => l.type === 'summary');
  if (!summary || summary.status !== 'completed') throw new Error(`convlens train did not complete: ${JSON.stringify(summary)}`);
  const encoded = JSON.parse(run(process.execPath, [CLI, 'encode', summary.runDir, '--data', 'mnist', '--split', 'validation', '--json']));
  return { epochs, points: encoded.points };
}

function pytorch(python, tmp, threads) {
  const pointsFile = path.join(tmp, 'torch-points.json');
  const lines = jsonLines(run(python, [path.join(__dirname, 'torch_vae.py'), '--data', tmp, '--epochs', String(EPOCHS), '--batch-size', String(BATCH), '--threads', String(threads), '--points-out', pointsFile]));
  return { epochs: lines.filter((l) => l.type === 'epoch'), summary: lines.find((l) => l.type === 'summary'), points: JSON.parse(fs.readFileSync(pointsFile, 'utf8')).points };
}

/** The 1-minute load average per CPU: on a shared machine, other work slows whichever engine runs beside it. */
const load = () => Number((os.loadavg()[0] / os.cpus().length).toFixed(2));

function describe(name, result, loadBefore) {
  const last = result.epochs[result.epochs.length - 1];
  return {
    engine: name,
    loadPerCpu: [loadBefore, load()],
    epochSeconds: median(result.epochs.map((e) => e.seconds)),
    valReconstructionLoss: last.val_reconstruction_loss,
    valKlLoss: last.val_kl_loss,
    knn5: knnAccuracy(result.points),
  };
}

async function main() {
  const { python, missing } = torchPython();
  if (!python) throw new Error(`no python3 imports torch (${missing}): apt-get install python3-torch (Debian puts it in /usr/bin/python3)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-vae-'));
  try {
    const counts = await writeDigits(tmp);
    if (!JSON_OUT) console.log(`keras.io VAE, ${EPOCHS} epochs of ${counts.train} MNIST digits, batch ${BATCH}; validation ${counts.validation} digits`);
    const ours = describe('convlens', convlens(tmp), load());
    const torchRuns = [];
    for (const threads of [THREADS ?? 'default', ...(THREADS ? [] : [os.cpus().length])]) {
      const before = load();
      const result = pytorch(python, tmp, threads);
      if (torchRuns.some((r) => r.threads === result.summary.threads)) continue;
      torchRuns.push({ ...describe('pytorch', result, before), threads: result.summary.threads, version: result.summary.version });
    }
    // The headline compares against PyTorch at its fastest on this machine.
    const theirs = torchRuns.reduce((a, b) => (b.epochSeconds < a.epochSeconds ? b : a));
    const ratio = theirs.epochSeconds / ours.epochSeconds;
    if (JSON_OUT) {
      console.log(JSON.stringify({ epochs: EPOCHS, batchSize: BATCH, convlens: ours, pytorch: torchRuns, epochTimeRatioPytorchOverConvlens: ratio }));
      return;
    }
    const row = (r) => `${r.engine.padEnd(9)} ${r.epochSeconds.toFixed(2).padStart(7)} s/epoch   val reconstruction ${r.valReconstructionLoss.toFixed(1).padStart(6)}   val KL ${r.valKlLoss.toFixed(2).padStart(5)}   5-NN ${(r.knn5 * 100).toFixed(1)}%   load/CPU ${r.loadPerCpu.join(' → ')}`;
    console.log(row(ours));
    for (const r of torchRuns) console.log(`${row(r)}   (torch ${r.version}, ${r.threads} thread${r.threads === 1 ? '' : 's'})`);
    console.log(`epoch time PyTorch (fastest, ${theirs.threads} thread${theirs.threads === 1 ? '' : 's'}) / ConvLens: ${ratio.toFixed(2)}× (above 1: ConvLens is faster)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
