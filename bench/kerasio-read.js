// Benchmark (issue #11): `convlens summary <file>` on every file of the keras.io corpus
// (test/corpus/kerasio/src/, see its README). "The largest example" is the one that takes
// longest to read (a big graph such as MobileViT's, not the longest file), so every file is
// timed two ways: the whole process (what a user waits for), and the same command inside this
// process once warm (the reading itself, without Node's start and the bundle's load, which on a
// loaded machine are most of the process figure; Node's own start is printed beside it).
// Prints figures; asserts nothing (shared, noisy machines). Target: < 200 ms per file.
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

function processTimes(file) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/convlens.js'), 'summary', file], { cwd: ROOT, encoding: 'utf8' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`convlens summary ${path.basename(file)} exited ${r.status}: ${r.stderr}`);
  }
  return times;
}

function inProcessTimes(runCli, file) {
  const write = process.stdout.write;
  const times = [];
  for (let i = 0; i <= RUNS; i++) {
    process.stdout.write = () => true;
    const t0 = performance.now();
    try {
      runCli(['summary', file]);
    } finally {
      process.stdout.write = write;
    }
    if (i > 0) times.push(performance.now() - t0); // the first run warms the code up
  }
  return times;
}

function main() {
  const files = fs.existsSync(SRC) ? fs.readdirSync(SRC).filter((f) => f.endsWith('.py')).map((f) => path.join(SRC, f)) : [];
  if (files.length === 0) {
    console.log(`no corpus sources in ${path.relative(ROOT, SRC)}: see test/corpus/kerasio/README.md`);
    return;
  }
  const startup = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    startup.push(performance.now() - t0);
  }
  const { runCli } = require(path.join(ROOT, 'dist/cli.js'));
  const rows = files.map((f) => ({ file: path.basename(f), process: median(processTimes(f)), inProcess: median(inProcessTimes(runCli, f)) }));
  rows.sort((a, b) => a.inProcess - b.inProcess);
  for (const r of rows) console.log(`${r.file.padEnd(40)} process ${r.process.toFixed(0).padStart(4)} ms  in process ${r.inProcess.toFixed(1).padStart(6)} ms`);
  const slowest = rows[rows.length - 1];
  const slowestProcess = rows.reduce((a, b) => (b.process > a.process ? b : a));
  console.log(`largest example (slowest to read): ${slowest.file}: ${slowest.inProcess.toFixed(0)} ms in process, ` +
    `${slowest.process.toFixed(0)} ms as a process (medians of ${RUNS}; target < 200 ms)`);
  console.log(`slowest process: ${slowestProcess.file} ${slowestProcess.process.toFixed(0)} ms; node -e 0 alone: ${median(startup).toFixed(0)} ms`);
}

main();
