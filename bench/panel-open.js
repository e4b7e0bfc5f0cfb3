#!/usr/bin/env node
// How long "Show Model Summary" takes in code-server until the panel shows the model, split
// into VS Code's part (creating the page's frame and document) and ConvLens' part (loading and
// running the bundles, answering `ready`, rendering). Runs test/integration/panelOpen.bench.ts
// through the integration runner; needs `npm run build && npm run compile-tests` first.
//   node bench/panel-open.js            (CONVLENS_BENCH_ROUNDS=12 by default)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'test-integration.js')], {
  stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CONVLENS_IT_SUFFIX: '.bench.js' },
});
if (r.status !== 0) {
  console.error(`bench: the integration runner failed (${r.status}); see test-results/integration/`);
  process.exit(1);
}
const rounds = JSON.parse(fs.readFileSync(path.join(root, 'test-results', 'integration', 'panel-open.json'), 'utf8'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log('example                          frame    dom  scripts  model  total (ms)');
for (const x of rounds) {
  console.log(`${x.example.padEnd(30)} ${[x.frame, x.dom, x.scripts, x.model, x.total].map((n) => String(n).padStart(6)).join(' ')}`);
}
const cols = ['frame', 'dom', 'scripts', 'model', 'total'];
console.log(`${'median'.padEnd(30)} ${cols.map((c) => String(median(rounds.map((x) => x[c]))).padStart(6)).join(' ')}`);
console.log(`${'max'.padEnd(30)} ${cols.map((c) => String(Math.max(...rounds.map((x) => x[c]))).padStart(6)).join(' ')}`);
console.log('frame+dom: VS Code creating the webview (iframe, service worker, placeholder document); scripts+model: ConvLens');
