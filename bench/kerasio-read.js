// Benchmark (issue #11): the whole `convlens summary <file>` process on every file of the
// keras.io corpus (test/corpus/kerasio/src/, see its README), slowest last. "The largest
// example" is the one that takes longest to read (DeepLabV3+'s ResNet50 graph, not the
// longest file), so each file is timed and the slowest median is the figure. Prints
// figures; asserts nothing (shared, noisy machines). Target: < 200 ms per file.
//   npm run build && node bench/kerasio-read.js
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'test/corpus/kerasio/src');
const RUNS = 7;

function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(file) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/convlens.js'), 'summary', file], { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`convlens summary ${path.basename(file)} exited ${r.status}: ${r.stderr}`);
  }
  return { median: median(times), min: Math.min(...times) };
}

function main() {
  const files = fs.existsSync(SRC) ? fs.readdirSync(SRC).filter((f) => f.endsWith('.py')).map((f) => path.join(SRC, f)) : [];
  if (files.length === 0) {
    console.log(`no corpus sources in ${path.relative(ROOT, SRC)}: see test/corpus/kerasio/README.md`);
    return;
  }
  // Node's own start on the same machine at the same moment: on a loaded machine every figure
  // below grows with it, so it is printed beside them.
  const startup = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    startup.push(performance.now() - t0);
  }
  const rows = files.map((f) => ({ file: path.basename(f), bytes: fs.statSync(f).size, ...time(f) }));
  rows.sort((a, b) => a.median - b.median);
  for (const r of rows) console.log(`${r.file.padEnd(40)} ${String(r.bytes).padStart(6)} bytes  median ${r.median.toFixed(0).padStart(4)} ms  min ${r.min.toFixed(0).padStart(4)} ms`);
  const slowest = rows[rows.length - 1];
  console.log(`slowest: convlens summary ${slowest.file}: median ${slowest.median.toFixed(0)} ms, min ${slowest.min.toFixed(0)} ms ` +
    `over ${RUNS} processes (target < 200 ms); node -e 0 alone: median ${median(startup).toFixed(0)} ms`);
}

main();
