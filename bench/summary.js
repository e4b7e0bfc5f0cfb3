// Benchmark: static summary of VGG16 vs building it in TF.js to print the same summary.
// Prints figures; asserts nothing (these machines are shared and noisy: compare ratios).
//   npm run bench:summary            (builds dist/ first)
// Targets (issue #2): in-process warm < 50 ms, whole `convlens summary` process < 1 s
// and < 150 MiB; the summary path never loads tfjs.
'use strict';
const { median } = require('./common');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const core = require(path.join(ROOT, 'dist/core.js'));
const FILES = ['examples/keras/vgg16.py', 'examples/tfjs/vgg16.js'];

function inProcess(file) {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const lang = core.languageForFile(file);
  const t0 = performance.now();
  const first = core.analyzeSource(text, lang, file);
  const cold = performance.now() - t0;
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    core.analyzeSource(text, lang, file);
    times.push(performance.now() - t);
  }
  return { cold, warm: median(times), total: first.models[0]?.totalParams };
}

/** Runs a node script as its own process; returns wall time and peak RSS. */
function processRun(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'report-rss.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const wall = performance.now() - t0;
  const m = /BENCH_MAX_RSS_KB (\d+)/.exec(r.stderr);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, rssMiB: m ? Number(m[1]) / 1024 : NaN, stdout: r.stdout, loadedTfjs: /BENCH_LOADED_TFJS true/.test(r.stderr) };
}

function main() {
  const rows = [];
  for (const file of FILES) {
    const r = inProcess(file);
    rows.push(`in-process summary ${file}: cold ${r.cold.toFixed(1)} ms, warm median ${r.warm.toFixed(2)} ms (total params ${r.total})`);
  }
  for (const file of FILES) {
    const runs = [0, 1, 2].map(() => processRun(['bin/convlens.js', 'summary', file]));
    rows.push(`process \`convlens summary ${file}\`: median ${median(runs.map((r) => r.wall)).toFixed(0)} ms, ` +
      `peak RSS ${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB${runs.some((r) => r.loadedTfjs) ? ', LOADED tfjs' : ', tfjs not loaded'}`);
  }
  let tfjsRow = 'tfjs build of VGG16: skipped (@tensorflow/tfjs not installed)';
  try {
    require.resolve('@tensorflow/tfjs', { paths: [ROOT] });
    const r = processRun([path.join(__dirname, 'tfjs-summary.js'), 'examples/keras/vgg16.py']);
    tfjsRow = `process: build VGG16 in tfjs and print model.summary(): ${r.wall.toFixed(0)} ms, peak RSS ${r.rssMiB.toFixed(0)} MiB ` +
      `(${/Total params: ([\d,]+)/.exec(r.stdout)?.[1] ?? '?'} params)`;
  } catch (e) {
    if (!/Cannot find module/.test(String(e))) throw e;
  }
  rows.push(tfjsRow);
  console.log(rows.join('\n'));
}

main();
