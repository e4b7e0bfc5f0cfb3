#!/usr/bin/env node
/**
 * Training speed of Chollet's MNIST convnet (conv32 3x3 relu - maxpool2 - conv64 3x3 relu -
 * maxpool2 - conv64 3x3 relu - flatten - dense64 relu - dense10 softmax; 28x28x1, batch 64,
 * rmsprop, random data) on wasm with ConvLens' Conv2D gradient, on wasm with
 * TF.js' stock Conv2D gradient (plus our Conv2DBackpropFilter kernel, without which wasm cannot
 * train at all), and on cpu (slow: about 40 s a batch; --cpu-batches 0 skips it). Engines are measured one after the other in one process: timings on
 * shared machines swing, so compare the ratios printed here, not numbers across runs.
 *
 * Needs the compiled sources: `npx tsc -p tsconfig.test.json` (writes out/src/...).
 *
 *   node bench/wasm-kernels.js [--wasm-batches 20] [--cpu-batches 3] [--no-stock] [--profile]
 */

const path = require('path');
const tf = require('@tensorflow/tfjs');

const compiled = path.join(__dirname, '..', 'out', 'src', 'core', 'engine', 'backend', 'select.js');
let selectBackend;
try {
  ({ selectBackend } = require(compiled));
} catch (e) {
  console.error(`Cannot load ${compiled}: run \`npx tsc -p tsconfig.test.json\` first (${e.message.split('\n')[0]})`);
  process.exit(1);
}

const args = process.argv.slice(2);
const num = (flag, dflt) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const WASM_BATCHES = num('--wasm-batches', 20);
const CPU_BATCHES = num('--cpu-batches', 3);
const BATCH = 64;

function buildModel() {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.rmsprop(0.001), loss: 'categoricalCrossentropy' });
  return model;
}

/** Images per second over `batches` training steps, after one warm-up step. */
async function measure(label, batches) {
  const model = buildModel();
  const xs = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 2), 10);
  await model.trainOnBatch(xs, ys); // warm-up: kernel setup, optimizer slots
  const t0 = process.hrtime.bigint();
  let loss = 0;
  for (let i = 0; i < batches; i++) loss = await model.trainOnBatch(xs, ys);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const ips = (batches * BATCH) / seconds;
  console.log(`${label.padEnd(34)} ${batches} batches in ${seconds.toFixed(2)} s: ${ips.toFixed(0)} img/s (${((seconds / batches) * 1000).toFixed(0)} ms/step, loss ${Number(loss).toFixed(3)})`);
  if (args.includes('--profile') && tf.getBackend() === 'wasm') {
    const prof = await tf.profile(() => model.trainOnBatch(xs, ys));
    const byKernel = new Map();
    for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
    const top = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`  top kernels (one step): ${top.map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`).join(', ')}`);
  }
  tf.dispose([xs, ys]);
  model.optimizer.dispose();
  model.dispose();
  return ips;
}

async function main() {
  const stockGradients = [tf.getGradient('Conv2D')];
  // TF.js' own wasm kernels (this bench is about them; bench/train.js measures the native ones).
  const info = await selectBackend(tf, 'wasm', { nativeKernels: false });
  console.log(`tfjs ${tf.version.tfjs}, backend ${info.tfBackend}, batch ${BATCH}, node ${process.version}`);
  const wasm = await measure('wasm, ConvLens Conv2D gradient', WASM_BATCHES);

  let stock;
  if (!args.includes('--no-stock')) {
    const ours = [tf.getGradient('Conv2D')];
    for (const g of stockGradients) tf.registerGradient(g);
    stock = await measure('wasm, stock Conv2D gradient', Math.max(3, Math.round(WASM_BATCHES / 3)));
    for (const g of ours) tf.registerGradient(g);
  }

  let cpu;
  if (CPU_BATCHES > 0) {
    await tf.setBackend('cpu');
    cpu = await measure('cpu', CPU_BATCHES);
  }

  const ratios = [];
  if (cpu) ratios.push(`wasm (ours) / cpu: ${(wasm / cpu).toFixed(1)}x`);
  if (stock) ratios.push(`wasm (ours) / wasm (stock gradient): ${(wasm / stock).toFixed(2)}x`);
  if (ratios.length) console.log(ratios.join('; '));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
