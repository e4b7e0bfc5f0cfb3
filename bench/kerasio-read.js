// Benchmark (issue #11): `convlens summary <file>` on every file of the keras.io corpus
// (test/corpus/kerasio/src/, see its README). "The largest example" is the one that takes
// longest to read (a big graph such as MobileViT's, not the longest file), so every file is
// timed two ways: the whole process (what a user waits for), and the same command inside this
// process once warm (the reading itself, without Node's start and the bundle's load, which on a
// loaded machine are most of the process figure; Node's own start is printed beside it).
// The process is timed twice, interleaved: as users run it (bin/convlens.js loads the bundle
// through its V8 code cache, written by the first run of each command) and with that cache off
// (CONVLENS_NO_CODE_CACHE=1), to show what the cache is worth. The cache lives in a temporary
// folder, so the bench neither reads nor leaves one in the user's.
// Prints figures; asserts nothing (shared, noisy machines). Target: < 200 ms per file.
//   npm run build && node bench/kerasio-read.js
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'test/corpus/kerasio/src');
const RUNS = 7;

function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-cache-'));

function runSummary(file, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/convlens.js'), 'summary', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CONVLENS_CACHE: CACHE_DIR, ...env } });
  if (r.status !== 0) throw new Error(`convlens summary ${path.basename(file)} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

/** Whole-process times with the code cache (as users run it) and without, interleaved. */
function processTimes(file) {
  const cached = [];
  const uncached = [];
  for (let i = 0; i < RUNS; i++) {
    cached.push(runSummary(file, {}));
    uncached.push(runSummary(file, { CONVLENS_NO_CODE_CACHE: '1' }));
  }
  return { cached, uncached };
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
  runSummary(files[0], {}); // writes the summary command's code cache, as a user's first run does
  const { runCli } = require(path.join(ROOT, 'dist/cli.js'));
  const rows = files.map((f) => {
    const { cached, uncached } = processTimes(f);
    return { file: path.basename(f), process: median(cached), uncached: median(uncached), inProcess: median(inProcessTimes(runCli, f)) };
  });
  rows.sort((a, b) => a.inProcess - b.inProcess);
  for (const r of rows) {
    console.log(`${r.file.padEnd(40)} process ${r.process.toFixed(0).padStart(4)} ms (no code cache ${r.uncached.toFixed(0).padStart(4)} ms)  in process ${r.inProcess.toFixed(1).padStart(6)} ms`);
  }
  const slowest = rows[rows.length - 1];
  const slowestProcess = rows.reduce((a, b) => (b.process > a.process ? b : a));
  console.log(`largest example (slowest to read): ${slowest.file}: ${slowest.inProcess.toFixed(0)} ms in process, ` +
    `${slowest.process.toFixed(0)} ms as a process (${slowest.uncached.toFixed(0)} ms without the code cache; medians of ${RUNS}; target < 200 ms)`);
  console.log(`slowest process: ${slowestProcess.file} ${slowestProcess.process.toFixed(0)} ms (${slowestProcess.uncached.toFixed(0)} ms without the code cache); ` +
    `node -e 0 alone: ${median(startup).toFixed(0)} ms`);
  console.log(`medians over all files: ${median(rows.map((r) => r.process)).toFixed(0)} ms with the code cache, ${median(rows.map((r) => r.uncached)).toFixed(0)} ms without`);
}

try {
  main();
} finally {
  fs.rmSync(CACHE_DIR, { recursive: true, force: true });
}
