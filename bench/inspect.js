// What-the-convnet-sees latency: Chollet's 2nd-edition cats-vs-dogs convnet
// (examples/keras/cats_vs_dogs_augmented.py, 180×180×3, Rescaling in front) built from its
// spec with random weights, saved as a model.json and loaded the way the panel and the CLI
// load a run, on the engine's best backend (selectBackend 'auto', or --backend).
//  - Grad-CAM: median of --runs calls (after 2 warm-ups) on one synthetic image, the model
//    already loaded. Target: < 300 ms.
//  - Filter patterns: 16 filters of the middle conv layer (conv2d_2, 41×41×128), 40 steps
//    (Chollet's procedure, src/core/viz/inspect/filters.ts), timed against the same
//    procedure in PyTorch CPU (bench/torch_filters.py, its default threads) in the same run,
//    as PyTorch seconds / ConvLens seconds. Target: ≥ 1.0×.
//
// Needs the tsc-compiled engine: npm run compile-tests (out/), then
//   node bench/inspect.js [--runs 10] [--filters 16] [--steps 40] [--backend auto|wasm|cpu|...] [--json]
'use strict';
const { arg, median, torchPython } = require('./common');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');

const RUNS = Number(arg('runs', '10'));
const FILTERS = Number(arg('filters', '16'));
const STEPS = Number(arg('steps', '40'));
const BACKEND = arg('backend', 'auto');
const JSON_OUT = process.argv.includes('--json');
const LAYER = 'conv2d_2';


async function main() {
  if (!fs.existsSync(path.join(OUT, 'core', 'viz', 'inspect', 'filters.js'))) {
    console.error('bench/inspect.js needs the compiled engine: run `npm run compile-tests` first');
    process.exit(2);
  }
  const tf = require(require.resolve('@tensorflow/tfjs', { paths: [ROOT] }));
  const { selectBackend, backendLabel } = require(path.join(OUT, 'core/engine/backend/select.js'));
  const { buildTfjsModel } = require(path.join(OUT, 'core/engine/build.js'));
  const { analyzeSource } = require(path.join(OUT, 'core/analysis.js'));
  const { modelArtifacts, writeModelFiles } = require(path.join(OUT, 'core/engine/train/modelFiles.js'));
  const { loadInspectable } = require(path.join(OUT, 'core/viz/inspect/load.js'));
  const { prepareImage } = require(path.join(OUT, 'core/viz/inspect/image.js'));
  const { gradCam } = require(path.join(OUT, 'core/viz/inspect/gradcam.js'));
  const { filterPatterns } = require(path.join(OUT, 'core/viz/inspect/filters.js'));

  const backend = await selectBackend(tf, BACKEND);
  const label = backendLabel(backend) + (backend.nativeKernels ? `, ${backend.nativeKernels.threads} thread(s)` : '');
  const source = fs.readFileSync(path.join(ROOT, 'examples/keras/cats_vs_dogs_augmented.py'), 'utf8');
  const spec = analyzeSource(source, 'python').specs.find((s) => s.name === 'model');
  const built = buildTfjsModel(tf, spec);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-inspect-'));
  writeModelFiles(tf, dir, await modelArtifacts(tf, built));
  built.dispose();
  const { model, info } = await loadInspectable(tf, path.join(dir, 'model.json'), label);

  const { x } = await prepareImage(tf, info, { kind: 'synthetic', index: 0 });
  for (let i = 0; i < 2; i++) await gradCam(tf, model, info, x);
  const camMs = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await gradCam(tf, model, info, x);
    camMs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  x.dispose();

  await filterPatterns(tf, model, info, { layer: LAYER, filters: [0], steps: 2, seed: 1 }); // warm-up
  const filters = Array.from({ length: FILTERS }, (_, i) => i);
  const t = process.hrtime.bigint();
  await filterPatterns(tf, model, info, { layer: LAYER, filters, steps: STEPS, seed: 1 });
  const convlensSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });

  const { python } = torchPython();
  let torch = null;
  if (python) {
    const r = spawnSync(python, [path.join(__dirname, 'torch_filters.py'), '--filters', String(FILTERS), '--steps', String(STEPS)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`torch_filters.py failed: ${r.stderr}`);
    torch = JSON.parse(r.stdout.trim().split('\n').pop());
  }

  const result = {
    backend: label,
    gradCamMs: { median: median(camMs), min: Math.min(...camMs), runs: RUNS, target: 300 },
    filters: { layer: LAYER, count: FILTERS, steps: STEPS, convlensSeconds, torchSeconds: torch?.seconds ?? null, torchThreads: torch?.threads ?? null, ratio: torch ? torch.seconds / convlensSeconds : null, target: 1.0 },
  };
  if (JSON_OUT) console.log(JSON.stringify(result));
  else {
    console.log(`backend: ${label}`);
    console.log(`Grad-CAM (cats vs dogs, 180×180, loaded): median ${result.gradCamMs.median.toFixed(1)} ms over ${RUNS} runs (min ${result.gradCamMs.min.toFixed(1)} ms; target < 300 ms)`);
    console.log(`filter patterns (${FILTERS} filters of ${LAYER}, ${STEPS} steps): ConvLens ${convlensSeconds.toFixed(2)} s`);
    if (torch) console.log(`  PyTorch ${torch.version} CPU (${torch.threads} thread(s)): ${torch.seconds.toFixed(2)} s → ConvLens is ${result.filters.ratio.toFixed(2)}× PyTorch (target ≥ 1.0×)`);
    else console.log('  PyTorch not found (python3 -c "import torch" failed): no ratio. Debian: apt-get install python3-torch');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
