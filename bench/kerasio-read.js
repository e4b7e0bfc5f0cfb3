// Benchmark (issue #11): the whole `convlens summary <file>` process on the largest file of
// the keras.io corpus (test/corpus/kerasio/src/, see its README). Prints figures; asserts
// nothing (shared, noisy machines). Target: < 200 ms per file.
//   npm run build && node bench/kerasio-read.js
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'test/corpus/kerasio/src');
const RUNS = 7;

function largest() {
  if (!fs.existsSync(SRC)) return undefined;
  const files = fs.readdirSync(SRC).filter((f) => f.endsWith('.py')).map((f) => path.join(SRC, f));
  return files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}

function main() {
  const file = largest();
  if (!file) {
    console.log(`no corpus sources in ${path.relative(ROOT, SRC)}: see test/corpus/kerasio/README.md`);
    return;
  }
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/convlens.js'), 'summary', file], { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`convlens summary exited ${r.status}: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`convlens summary ${path.relative(ROOT, file)} (${fs.statSync(file).size} bytes): ` +
    `median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms over ${RUNS} processes (target < 200 ms)`);
}

main();
