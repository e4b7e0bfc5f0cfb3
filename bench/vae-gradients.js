// Is ConvLens' VAE the same function as bench/torch_vae.py's, with the same gradients? Before
// comparing how the two engines *train* (bench/generative.js), this checks that they compute
// the same thing: the keras.io VAE (examples/keras/vae.py) built by ConvLens from the code,
// one batch of MNIST digits, seeded weights and sampling noise; its loss and the gradient of
// every kernel and bias on ConvLens' training backend (wasm with its own kernels), then the
// same weights, digits and noise loaded into PyTorch's net (bench/torch_vae_gradients.py).
// Prints, per variable, the largest difference relative to the largest gradient.
//
// Then training itself: from those same weights, --steps Adam steps (keras.io's Adam(1e-3),
// Keras' epsilon 1e-7) by ConvLens' own train step (src/core/generative/vae.ts), and the same
// steps by PyTorch on the same batches with the same noise. Each step's loss is printed side by
// side: if the two trainings were different (an optimizer, a loss term, a layer), the curves
// would part at once; float rounding alone lets them drift apart only slowly.
//
// Needs the build's tsc output: npm run compile-tests, then
//   node bench/vae-gradients.js [--batch 128] [--steps 60] [--backend auto|cpu]
'use strict';
const { arg, torchPython } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');
const BATCH = Number(arg('batch', '128'));
const BACKEND = arg('backend', 'auto');
const STEPS = Number(arg('steps', '60'));

async function convlensGradients() {
  const tf = require('@tensorflow/tfjs');
  const { selectBackend } = require(path.join(OUT, 'core/engine/backend/select.js'));
  const { analyzeSource } = require(path.join(OUT, 'core/analysis.js'));
  const { findGenerativeRecipes } = require(path.join(OUT, 'core/generative/recipe.js'));
  const { buildVae, trainableVariables } = require(path.join(OUT, 'core/generative/models.js'));
  const { seedInitialWeights } = require(path.join(OUT, 'core/engine/train/seedInit.js'));
  const { loadMnist } = require(path.join(OUT, 'core/engine/data/mnist.js'));
  const { reconstructionLoss, klLoss } = require(path.join(OUT, 'core/generative/losses.js'));
  const backend = await selectBackend(tf, BACKEND);
  const source = path.join(ROOT, 'examples', 'keras', 'vae.py');
  const analysis = analyzeSource(fs.readFileSync(source, 'utf8'), 'python', source);
  const recipe = findGenerativeRecipes(analysis.specs, analysis.models)[0];
  const models = buildVae(tf, analysis.specs, recipe);
  seedInitialWeights(tf, models.encoder, 11);
  seedInitialWeights(tf, models.decoder, 12);
  const train = loadMnist().train;
  const digits = train.x.slice(0, BATCH * 784);
  const x = tf.tensor4d(digits, [BATCH, 28, 28, 1]);
  const epsilon = tf.randomNormal([BATCH, recipe.latentDim], 0, 1, 'float32', 5);
  const variables = trainableVariables(models.encoder, models.decoder);
  const { value, grads } = tf.variableGrads(() => {
    const [zMean, zLogVar] = models.encoder.apply(x, { training: true });
    const z = zMean.add(zLogVar.mul(0.5).exp().mul(epsilon));
    return reconstructionLoss(tf, x, models.decoder.apply(z, { training: true })).add(klLoss(tf, zMean, zLogVar));
  }, variables);
  // Keras' variable paths ("conv2d_transpose/kernel") name the torch module each goes to.
  const layerPath = (v) => v.name.split('/').slice(-2).join('/').replace(/_\d+$/, '');
  const dump = {
    backend: backend.name + (backend.nativeKernels ? ` + ${backend.nativeKernels.library}` : ''),
    loss: value.dataSync()[0],
    x: Array.from(digits),
    epsilon: Array.from(epsilon.dataSync()),
    variables: variables.map((v) => ({ name: layerPath(v), shape: v.shape, value: Array.from(v.dataSync()), grad: Array.from(grads[v.name].dataSync()) })),
    steps: await trainSteps(tf, models, train, recipe.latentDim),
  };
  tf.dispose([value, x, epsilon, ...Object.values(grads)]);
  return dump;
}

/** STEPS of ConvLens' own VAE train step on shuffled batches of the training digits: each step's batch, noise and loss. */
async function trainSteps(tf, models, train, latentDim) {
  const { vaeTrainStep } = require(path.join(OUT, 'core/generative/vae.js'));
  const { createOptimizer } = require(path.join(OUT, 'core/engine/train/compile.js'));
  const { epochBatches } = require(path.join(OUT, 'core/generative/train/batches.js'));
  const { batchImages } = require(path.join(OUT, 'core/engine/train/evaluate.js'));
  const optimizer = createOptimizer(tf, { optimizer: 'adam', learningRate: 1e-3 });
  const steps = [];
  for (let epoch = 0; steps.length < STEPS; epoch++) {
    for (const indices of epochBatches(train.count, BATCH, 100 + epoch)) {
      if (steps.length === STEPS) break;
      const seed = 1000 + steps.length;
      // The noise vaeTrainStep draws inside (tf.randomNormal with this seed), drawn again for PyTorch.
      const noise = tf.randomNormal([indices.length, latentDim], 0, 1, 'float32', seed);
      const images = batchImages(tf, train, [28, 28, 1], indices, 0, indices.length);
      const losses = await vaeTrainStep(tf, models, optimizer, images, seed);
      steps.push({ indices: Array.from(indices), epsilon: Array.from(noise.dataSync()), loss: losses.loss });
      tf.dispose([noise, images]);
    }
  }
  optimizer.dispose();
  return { digits: train, steps };
}

async function main() {
  const { python, missing } = torchPython();
  if (!python) throw new Error(`no python3 imports torch (${missing}): apt-get install python3-torch`);
  const dump = await convlensGradients();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-vae-grad-'));
  try {
    const file = path.join(tmp, 'convlens.json');
    const { digits, steps } = dump.steps;
    // The digits go as raw float32 (N × 784), the steps name them by index.
    const digitsFile = path.join(tmp, 'train-x.f32');
    fs.writeFileSync(digitsFile, Buffer.from(digits.x.buffer, digits.x.byteOffset, digits.x.byteLength));
    fs.writeFileSync(file, JSON.stringify({ ...dump, steps, digitsFile }));
    const r = spawnSync(python, [path.join(__dirname, 'torch_vae_gradients.py'), file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`torch_vae_gradients.py failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const torch = JSON.parse(r.stdout);
    console.log(`keras.io VAE, one batch of ${BATCH} digits: loss ConvLens (${dump.backend}) ${dump.loss.toFixed(4)}, PyTorch ${torch.version} ${torch.loss.toFixed(4)}`);
    let worst = 0;
    for (const v of torch.variables) {
      worst = Math.max(worst, v.relative);
      console.log(`${v.name.padEnd(28)} largest |Δgrad| / largest |grad| ${v.relative.toExponential(1).padStart(8)}   (largest |grad| ${v.scale.toExponential(2)})`);
    }
    console.log(`worst relative gradient difference: ${worst.toExponential(1)} (float32 sums over up to ${BATCH * 784} terms)`);
    if (steps.length === 0) return;
    console.log(`\n${steps.length} Adam steps from the same weights, batches and noise: loss before each step`);
    console.log('step   ConvLens    PyTorch   relative difference');
    let worstStep = 0;
    for (const [i, ours] of steps.entries()) {
      const theirs = torch.steps[i];
      const relative = Math.abs(ours.loss - theirs) / theirs;
      worstStep = Math.max(worstStep, relative);
      if (i < 5 || (i + 1) % 10 === 0) console.log(`${String(i + 1).padStart(4)} ${ours.loss.toFixed(3).padStart(10)} ${theirs.toFixed(3).padStart(10)}   ${relative.toExponential(1)}`);
    }
    console.log(`worst relative loss difference over the ${steps.length} steps: ${worstStep.toExponential(1)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
