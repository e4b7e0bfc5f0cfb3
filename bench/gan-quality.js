// Are a GAN's samples digits? keras.io's DCGAN recipe scaled to 28×28 digits and 64 channels
// (examples/keras/dcgan_mnist.py; --gan FILE for another, e.g. gan_mnist.py, the GAN of
// "Customizing what happens in fit()") is trained by ConvLens on the 8,000 training digits
// (batch 32, the recipe's Adam 1e-4 per player); 100 samples from the prior are then
// labelled by a classifier ConvLens trained on the same digits (Chollet's MNIST convnet,
// examples/keras/chollet_mnist_convnet.py, whose validation accuracy is printed too). Reported:
//
// - confident: the share of samples whose top class has probability ≥ 0.9 (recognisable digits);
// - classes: how many of the 10 digits appear among the confident samples' labels, and the
//   largest class's share (mode collapse shows as few classes, one of them dominant);
// - the same figures for 100 uniform-noise images and for 100 real validation digits, so the
//   numbers can be read against "not digits at all" and "real digits".
//
// Everything runs through ConvLens' CLI (train, sample) except the classification, which loads
// the classifier's run with TF.js directly.
//
// Needs the build and tsc's output: npm run build && npm run compile-tests, then
//   node bench/gan-quality.js [--gan dcgan_mnist.py] [--gan-epochs 20] [--classifier-epochs 5] [--keep DIR] [--json]
// --reuse with --keep DIR judges the runs a previous --keep DIR left there instead of training again.
'use strict';
const { arg } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src', 'core');
const CLI = path.join(ROOT, 'bin', 'convlens.js');
const SAMPLES = 100;
const CONFIDENT = 0.9;

const GAN_FILE = arg('gan', 'dcgan_mnist.py');
const GAN_EPOCHS = Number(arg('gan-epochs', '20'));
const CLASSIFIER_EPOCHS = Number(arg('classifier-epochs', '5'));
const KEEP = arg('keep', null);
const REUSE = process.argv.includes('--reuse');
const JSON_OUT = process.argv.includes('--json');

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`convlens ${args[0]} failed (${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** A run a previous --keep left in `out` for this file's model: its history as epoch lines. */
function reused(file, out) {
  const runs = path.join(out, '.convlens', 'runs');
  const pattern = file === 'chollet_mnist_convnet.py' ? /-model$/ : /-gan-generator$/;
  const dir = fs.existsSync(runs) ? fs.readdirSync(runs).filter((d) => pattern.test(d)).sort().pop() : undefined;
  if (!dir) throw new Error(`--reuse: no run of ${file} in ${runs}`);
  const runDir = path.join(runs, dir);
  // A classifier's history.json has its logs at the top level of each epoch, a recipe's under `logs`.
  const history = JSON.parse(fs.readFileSync(path.join(runDir, 'history.json'), 'utf8'));
  return { epochs: history.map((e) => ({ ...e, ...(e.logs ?? {}) })), summary: { runDir } };
}

/** Trains a file's model with --json; returns the epoch lines and the summary line. */
function train(file, epochs, out) {
  if (REUSE) return reused(file, out);
  const lines = cli(['train', path.join(ROOT, 'examples', 'keras', file), '--data', 'mnist', '--epochs', String(epochs), '--seed', '1', '--out', out, '--json']);
  const summary = lines.find((l) => l.type === 'summary');
  if (summary?.status !== 'completed') throw new Error(`${file} did not finish training: ${JSON.stringify(summary)}`);
  return { epochs: lines.filter((l) => l.type === 'epoch'), summary };
}

/** Confidence and class spread of a classifier's predictions for a batch of images. */
function judge(tf, model, images) {
  const probabilities = tf.tidy(() => model.predict(images).arraySync());
  const top = probabilities.map((p) => p.reduce((best, v, i) => (v > best.p ? { p: v, label: i } : best), { p: -1, label: -1 }));
  const confident = top.filter((t) => t.p >= CONFIDENT);
  const counts = new Array(10).fill(0);
  for (const t of confident) counts[t.label]++;
  return {
    confident: confident.length / top.length,
    classes: counts.filter((c) => c > 0).length,
    largestClassShare: confident.length ? Math.max(...counts) / confident.length : 0,
    counts,
  };
}

async function main() {
  const tf = require('@tensorflow/tfjs');
  const { selectBackend } = require(path.join(OUT, 'engine', 'backend', 'select.js'));
  const { loadSharp } = require(path.join(OUT, 'engine', 'data', 'sharp.js'));
  const { loadDataset } = require(path.join(OUT, 'engine', 'data', 'registry.js'));
  const work = KEEP ? path.resolve(KEEP) : fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-gan-'));
  fs.mkdirSync(work, { recursive: true });
  try {
    const classifierRun = train('chollet_mnist_convnet.py', CLASSIFIER_EPOCHS, work);
    const classifierAccuracy = classifierRun.epochs[classifierRun.epochs.length - 1].val_acc;
    const began = Date.now();
    const ganRun = train(GAN_FILE, GAN_EPOCHS, work);
    // Reused runs: the time their epochs took.
    const ganSeconds = REUSE ? ganRun.epochs.reduce((t, e) => t + e.seconds, 0) : (Date.now() - began) / 1000;
    const samplesDir = path.join(work, 'samples');
    const sampled = cli(['sample', ganRun.summary.runDir, '--count', String(SAMPLES), '--seed', '7', '--out', samplesDir, '--json'])[0];

    await selectBackend(tf, 'auto');
    const { loadInspectable } = require(path.join(OUT, 'viz', 'inspect', 'load.js'));
    const classifier = (await loadInspectable(tf, classifierRun.summary.runDir, 'auto')).model;
    const pixels = await Promise.all(sampled.images.map(async (image) => {
      const file = path.isAbsolute(image.file) ? image.file : path.join(samplesDir, image.file);
      // `convlens sample` enlarges small images for viewing (nearest neighbour): back to 28×28.
      const { data } = await loadSharp()(file).extractChannel(0).resize(28, 28, { kernel: 'nearest' }).raw().toBuffer({ resolveWithObject: true });
      return Float32Array.from(data, (v) => v / 255);
    }));
    const batch = (arrays) => tf.tensor4d(Float32Array.from(arrays.flatMap((a) => Array.from(a))), [arrays.length, 28, 28, 1]);
    const samples = batch(pixels);
    const noise = tf.randomUniform([SAMPLES, 28, 28, 1], 0, 1, 'float32', 3);
    const mnist = await loadDataset({ kind: 'mnist' });
    const step = Math.floor(mnist.validation.count / SAMPLES);
    const real = batch(Array.from({ length: SAMPLES }, (_, i) => mnist.validation.x.subarray(i * step * 784, (i * step + 1) * 784)));
    const result = {
      ganEpochs: ganRun.epochs.length,
      ganSeconds,
      lastLosses: (({ d_loss, g_loss }) => ({ d_loss, g_loss }))(ganRun.epochs[ganRun.epochs.length - 1]),
      classifierValAccuracy: classifierAccuracy,
      samples: judge(tf, classifier, samples),
      noise: judge(tf, classifier, noise),
      realDigits: judge(tf, classifier, real),
      samplesDir: KEEP ? samplesDir : undefined,
    };
    tf.dispose([samples, noise, real]);
    if (JSON_OUT) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`GAN (examples/keras/${GAN_FILE}): ${result.ganEpochs} epochs on 8,000 MNIST digits in ${(ganSeconds / 60).toFixed(1)} min; last d_loss ${result.lastLosses.d_loss.toFixed(3)}, g_loss ${result.lastLosses.g_loss.toFixed(3)}`);
    console.log(`classifier (chollet_mnist_convnet.py, ${CLASSIFIER_EPOCHS} epochs): validation accuracy ${(classifierAccuracy * 100).toFixed(1)}%`);
    const row = (name, r) => `${name.padEnd(22)} confident (p ≥ ${CONFIDENT}) ${String(Math.round(r.confident * 100)).padStart(3)}%   classes among them ${String(r.classes).padStart(2)}/10   largest class ${(r.largestClassShare * 100).toFixed(0)}%   per class [${r.counts.join(' ')}]`;
    console.log(row(`${SAMPLES} GAN samples`, result.samples));
    console.log(row(`${SAMPLES} real digits`, result.realDigits));
    console.log(row(`${SAMPLES} noise images`, result.noise));
    if (KEEP) console.log(`samples: ${samplesDir}`);
  } finally {
    if (!KEEP) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
