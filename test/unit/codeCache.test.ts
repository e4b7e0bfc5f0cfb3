/**
 * bin/codeCache.js, the CLI's loader through a V8 code cache: each case runs a small bundle in
 * a fresh Node process (a code cache is per process by nature) with the cache folder in a
 * temporary directory, and checks what the user would notice: the bundle's results, the cache
 * file, and that a bad or unwritable cache changes nothing but speed.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const LOADER = path.resolve(__dirname, '../../bin/codeCache.js');

interface Outcome {
  cache: string;
  answer: number;
  helper: string;
  file: string;
}

/** Runs `bundle` through the loader as `command`; the bundle's `exit` export sets the exit code. */
function load(bundle: string, cacheDir: string, env: Record<string, string> = {}, command = 'summary'): Outcome {
  const script = `const r = require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(command)});
    process.exitCode = r.exports.exitCode;
    console.log(JSON.stringify({ cache: r.cache, answer: r.exports.answer(), helper: r.exports.helper, file: r.exports.file }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CONVLENS_CACHE: cacheDir, ...env } });
  assert.strictEqual(r.stderr, '');
  return JSON.parse(r.stdout) as Outcome;
}

function cacheFiles(cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'v8');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

describe('CLI code cache (bin/codeCache.js)', function () {
  this.timeout(20000);
  let dir: string;
  let bundle: string;
  let cacheDir: string;

  /** A CommonJS bundle that needs what esbuild's output needs: require (relative too), __filename, module.exports. */
  function writeBundle(answer: number, exitCode = 0): void {
    fs.writeFileSync(bundle, `'use strict';
      const path = require('path');
      function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
      module.exports = { answer: () => fib(10) + ${answer - 55}, helper: require('./helper.js').name, file: path.basename(__filename), exitCode: ${exitCode} };`);
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-codecache-'));
    bundle = path.join(dir, 'bundle.js');
    cacheDir = path.join(dir, 'cache');
    fs.writeFileSync(path.join(dir, 'helper.js'), "exports.name = 'helper beside the bundle';");
    writeBundle(42);
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a cache on the first run and compiles from it on the next, with the same results', () => {
    const first = load(bundle, cacheDir);
    assert.deepStrictEqual(first, { cache: 'absent', answer: 42, helper: 'helper beside the bundle', file: 'bundle.js' });
    assert.strictEqual(cacheFiles(cacheDir).length, 1);
    assert.match(cacheFiles(cacheDir)[0], /^cli-[0-9a-f]{12}-summary-[0-9a-f]{12}\.bin$/);
    const second = load(bundle, cacheDir);
    assert.deepStrictEqual(second, { ...first, cache: 'accepted' });
  });

  it('keeps one cache per command', () => {
    load(bundle, cacheDir, {}, 'summary');
    load(bundle, cacheDir, {}, 'train');
    load(bundle, cacheDir, {}, '--help');
    assert.deepStrictEqual(cacheFiles(cacheDir).map((f) => f.split('-')[2]), ['other', 'summary', 'train']);
  });

  it('rejects a corrupt cache, runs as without one, and writes a good one', () => {
    load(bundle, cacheDir);
    const [file] = cacheFiles(cacheDir);
    fs.writeFileSync(path.join(cacheDir, 'v8', file), Buffer.from('not a V8 code cache at all, just bytes'));
    const corrupt = load(bundle, cacheDir);
    assert.strictEqual(corrupt.cache, 'rejected');
    assert.strictEqual(corrupt.answer, 42);
    assert.strictEqual(load(bundle, cacheDir).cache, 'accepted');
  });

  it('never uses the cache of an older build of the bundle, and removes it', () => {
    load(bundle, cacheDir);
    const [old] = cacheFiles(cacheDir);
    // Same length and same date, as npm installs every file: V8 alone (it checks the length)
    // would take the old cache and run the old build's code.
    const { atime, mtime } = fs.statSync(bundle);
    writeBundle(7);
    fs.utimesSync(bundle, atime, mtime);
    const rebuilt = load(bundle, cacheDir);
    assert.strictEqual(rebuilt.cache, 'absent');
    assert.strictEqual(rebuilt.answer, 7);
    assert.strictEqual(cacheFiles(cacheDir).length, 1);
    assert.notStrictEqual(cacheFiles(cacheDir)[0], old);
  });

  it('removes caches not written for a month (installs that are gone) when it writes one', () => {
    fs.mkdirSync(path.join(cacheDir, 'v8'), { recursive: true });
    const stale = path.join(cacheDir, 'v8', 'cli-000000000000-summary-000000000000.bin');
    const recent = path.join(cacheDir, 'v8', 'cli-111111111111-summary-111111111111.bin');
    fs.writeFileSync(stale, 'old');
    fs.writeFileSync(recent, 'new');
    const fortyDaysAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    fs.utimesSync(stale, fortyDaysAgo, fortyDaysAgo);
    load(bundle, cacheDir);
    assert.deepStrictEqual([fs.existsSync(stale), fs.existsSync(recent), cacheFiles(cacheDir).length], [false, true, 2]);
  });

  it('writes no cache when the command fails', () => {
    writeBundle(42, 2);
    assert.strictEqual(load(bundle, cacheDir).answer, 42);
    assert.deepStrictEqual(cacheFiles(cacheDir), []);
  });

  it('runs as before when the cache folder cannot be written', () => {
    const blocked = path.join(dir, 'a-file-not-a-folder');
    fs.writeFileSync(blocked, '');
    const outcome = load(bundle, blocked);
    assert.deepStrictEqual([outcome.cache, outcome.answer], ['absent', 42]);
    assert.strictEqual(load(bundle, blocked).cache, 'absent');
  });

  it('lets the bundle import an ES module dynamically (as it loads h5wasm), from the cache too', () => {
    fs.writeFileSync(path.join(dir, 'esm.mjs'), 'export const kind = "an ES module";');
    // As src/core/export/weightsH5.ts does it.
    fs.writeFileSync(bundle, `module.exports = { importEsm: () => globalThis[Symbol.for('convlens.importModule')](${JSON.stringify(path.join(dir, 'esm.mjs'))}) };`);
    const script = `const r = require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(bundle)}, 'export');
      r.exports.importEsm().then((m) => console.log(r.cache, m.kind));`;
    const outputs = [1, 2].map(() => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CONVLENS_CACHE: cacheDir } }));
    assert.deepStrictEqual(outputs.map((r) => [r.stderr, r.stdout]), [['', 'absent an ES module\n'], ['', 'accepted an ES module\n']]);
  });

  it('is off with CONVLENS_NO_CODE_CACHE=1', () => {
    const outcome = load(bundle, cacheDir, { CONVLENS_NO_CODE_CACHE: '1' });
    assert.deepStrictEqual([outcome.cache, outcome.answer, outcome.helper], ['off', 42, 'helper beside the bundle']);
    assert.deepStrictEqual(cacheFiles(cacheDir), []);
  });
});
