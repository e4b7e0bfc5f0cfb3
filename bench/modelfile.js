// Opening a large saved model: a VGG16-sized Keras HDF5 file (bench/make_vgg_h5.py, 109 MB,
// 27.3 M parameters, written with h5py as tf.keras 2.x lays it out) read the ways ConvLens
// reads it. Targets (issue #12): the summary in under 1 s, the weights in a TF.js model in
// under 5 s.
//
// - `convlens summary FILE`: the whole process, as a terminal or the editor's first paint sees it;
// - openModelFile in process: config → spec → shapes, plus the stored weights' shapes checked;
// - loadStoredModel: the model built in TF.js (wasm) and every stored array placed in it.
//
// Needs /usr/bin/python3 with h5py (python3-h5py), the build and tsc's output:
//   npm run build && npm run compile-tests && node bench/modelfile.js [--runs 3] [--json]
'use strict';
const { arg, median } = require('./common');
const path = require('path');
const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src', 'core');
const RUNS = Number(arg('runs', '3'));
const JSON_OUT = process.argv.includes('--json');

function seconds(fn) {
  const t = process.hrtime.bigint();
  const value = fn();
  return { value, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-h5-'));
  try {
    const file = path.join(dir, 'vgg_sized.h5');
    const made = spawnSync('/usr/bin/python3', [path.join(__dirname, 'make_vgg_h5.py'), file], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`make_vgg_h5.py failed (needs python3-h5py): ${made.stderr.trim().split('\n').pop()}`);
    const megabytes = fs.statSync(file).size / 1e6;

    const cli = [];
    for (let i = 0; i < RUNS; i++) {
      const r = seconds(() => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'convlens.js'), 'summary', file], { encoding: 'utf8' }));
      if (r.value.status !== 0) throw new Error(`convlens summary failed: ${r.value.stderr}`);
      cli.push(r.seconds);
    }

    const { openModelFile } = require(path.join(OUT, 'modelFile', 'open.js'));
    const { loadStoredModel } = require(path.join(OUT, 'modelFile', 'weights.js'));
    const { selectBackend, backendLabel } = require(path.join(OUT, 'engine', 'backend', 'select.js'));
    const tf = require(require.resolve('@tensorflow/tfjs', { paths: [ROOT] }));
    const backend = await selectBackend(tf, 'auto');
    const open = [];
    const load = [];
    let params = 0;
    for (let i = 0; i < RUNS; i++) {
      const opened = seconds(() => openModelFile(file));
      open.push(opened.seconds);
      params = opened.value.summary.totalParams;
      const loaded = seconds(() => loadStoredModel(tf, opened.value));
      load.push(loaded.seconds);
      loaded.value.dispose();
    }
    const result = {
      file: `${megabytes.toFixed(0)} MB, ${params.toLocaleString('en-US')} parameters`,
      backend: backendLabel(backend),
      summaryProcessSeconds: median(cli), openSeconds: median(open), weightsSeconds: median(load),
    };
    if (JSON_OUT) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(`VGG16-sized Keras .h5 (${result.file}), medians of ${RUNS}:`);
    console.log(`  convlens summary (whole process): ${result.summaryProcessSeconds.toFixed(2)} s (target < 1 s)`);
    console.log(`  open in process (config, shapes, stored weights checked): ${result.openSeconds.toFixed(2)} s`);
    console.log(`  weights into a TF.js model (${result.backend}): ${result.weightsSeconds.toFixed(2)} s (target < 5 s)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
