// Helper for bench/summary.js: what a user would do without ConvLens — build the model in
// TF.js (from the same static spec) and print model.summary().
'use strict';
const path = require('path');
const fs = require('fs');
const ROOT = path.resolve(__dirname, '..');
const tf = require(require.resolve('@tensorflow/tfjs', { paths: [ROOT] }));
const core = require(path.join(ROOT, 'dist/core.js'));

const file = process.argv[2];
const analysis = core.readSource(fs.readFileSync(path.join(ROOT, file), 'utf8'), core.languageForFile(file), file);
tf.setBackend('cpu').then(() => {
  const model = core.buildTfjsModel(tf, analysis.models[0]);
  model.summary(undefined, undefined, (line) => console.log(line));
  model.dispose();
});
