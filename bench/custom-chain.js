// Benchmark: reading a custom layer whose call is a residual chain (`x = x + block(x)` over
// `depth` Dense blocks made in __init__; test/fixtures/customLayers.ts' residualTower). Each
// step refers to the previous one twice, so as a tree the expression doubles per step; read
// per distinct node the cost must grow linearly with the depth. Prints, per depth: the
// in-process read (analyzeSource, median of 5), the worker-boundary check of the spec
// (structured clone + ModelSpecSchema, as a request to a worker), and the total parameters.
// Prints figures; asserts nothing (shared, noisy machines).
//   npm run compile-tests && node bench/custom-chain.js
'use strict';
const path = require('path');
const { median } = require('./common');

const OUT = path.resolve(__dirname, '../out');
const { analyzeSource } = require(path.join(OUT, 'src/core/analysis.js'));
const { ModelSpecSchema } = require(path.join(OUT, 'src/core/model/specSchema.js'));
const { residualTower } = require(path.join(OUT, 'test/fixtures/customLayers.js'));
const v = require('valibot');

function timed(f) {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

console.log('depth  read ms  boundary ms  total params');
for (const depth of [12, 24, 50, 100, 200, 500]) {
  const text = ['import keras', 'from keras import layers', ...residualTower(depth, 64)].join('\n') + '\n';
  const reads = Array.from({ length: 5 }, () => timed(() => analyzeSource(text, 'python')));
  const { specs, models } = reads[0].value;
  const boundary = median(Array.from({ length: 5 }, () => timed(() => v.is(ModelSpecSchema, structuredClone(specs[0]))).ms));
  console.log(`${String(depth).padStart(5)}  ${median(reads.map((r) => r.ms)).toFixed(1).padStart(7)}  ${boundary.toFixed(1).padStart(11)}  ${models[0].totalParams ?? 'unknown'}`);
}
