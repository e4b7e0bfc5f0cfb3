// Is ConvLens' VAE the same function as bench/torch_vae.py's, with the same gradients? Before
// comparing how the two engines *train* (bench/generative.js), this checks that they compute
// the same thing: the keras.io VAE (examples/keras/vae.py) built by ConvLens from the code,
// one batch of MNIST digits, seeded weights and sampling noise; its loss and the gradient of
// every kernel and bias on ConvLens' training backend (wasm with its own kernels), then the
// same weights, digits and noise loaded into PyTorch's net (bench/torch_vae_gradients.py).
// Prints, per variable, the largest difference relative to the largest gradient.
//
// Needs the build's tsc output: npm run compile-tests, then
//   node bench/vae-gradients.js [--batch 128] [--backend auto|cpu]
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
  const digits = loadMnist().train.x.slice(0, BATCH * 784);
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
  };
  return dump;
}

async function main() {
  const { python, missing } = torchPython();
  if (!python) throw new Error(`no python3 imports torch (${missing}): apt-get install python3-torch`);
  const dump = await convlensGradients();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-vae-grad-'));
  try {
    const file = path.join(tmp, 'convlens.json');
    fs.writeFileSync(file, JSON.stringify(dump));
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
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
