// @ts-check
'use strict';
// Loads a CommonJS bundle through a V8 code cache, so that a short `convlens summary` does not
// spend its time compiling: without one, Node compiles the 1.3 MB CLI bundle on every start
// (about 26 ms) and then each function again, lazily, the first time it runs (the cold
// analysis of a keras.io example took 66 ms, 15 ms of it reading once warm). Node 20 has no
// module compile cache (`module.enableCompileCache` came in Node 22), so this is the same idea
// by hand: the cache is taken when the process exits, after the command ran, so it holds the
// functions that command used, compiled; each command keeps its own.
//
// The cache is only a speed-up. V8 rejects one made by another V8 or with other flags (then it
// is written again), and the file's name carries a digest of the bundle, so a rebuilt bundle
// never meets an older build's cache; any failure to read or write one is ignored, and the
// bundle is compiled as before. CONVLENS_NO_CODE_CACHE=1 turns it off (the
// benchmark compares both); CONVLENS_CACHE sets the folder (as for the tests' code-server).
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const Module = require('module');

/** The user's cache folder for ConvLens, by each platform's convention (the test scripts keep code-server there too). */
function cacheRoot() {
  if (process.env.CONVLENS_CACHE) return process.env.CONVLENS_CACHE;
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'convlens', 'Cache');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'convlens');
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'convlens');
}

/** A short hex digest, for file names. */
function digest(...parts) {
  const hash = crypto.createHash('sha1');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/**
 * Where the cache for a bundle run as `command` lives: `cli-<where>-<command>-<build>.bin`.
 * `<where>` tags the bundle's path, so that two installs (a global one and a checkout) keep
 * their own caches; `<build>` tags the bundle's bytes and Node's version. V8 checks a cache
 * against the source's length only, so the name is what keeps a rebuilt bundle (npm gives
 * every installed file the same date) from running an older build's compiled code.
 */
function cacheFile(bundle, source, command) {
  const safeCommand = /^[a-z][a-z-]{0,30}$/.test(command) ? command : 'other';
  return path.join(cacheRoot(), 'v8', `cli-${digest(bundle)}-${safeCommand}-${digest(source, process.version, process.arch)}.bin`);
}

/** Writes through a temporary file and a rename, so that a reader never sees half a cache. */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
  // Caches would otherwise pile up: those of older builds of this bundle for this command, and
  // those of installs that are gone (any cache not written for a month; one still in use is
  // then written again by its next run).
  const prefix = path.basename(file).replace(/[0-9a-f]{12}\.bin$/, '');
  const monthAgo = Date.now() - 30 * 24 * 3600 * 1000;
  for (const other of fs.readdirSync(path.dirname(file))) {
    if (!other.endsWith('.bin') || other === path.basename(file)) continue;
    const otherFile = path.join(path.dirname(file), other);
    if (other.startsWith(prefix) || fs.statSync(otherFile).mtimeMs < monthAgo) fs.rmSync(otherFile, { force: true });
  }
}

/**
 * Requires `bundle` (an absolute path to a CommonJS file) as Node would, compiled from the
 * code cache for `command` when there is a good one. A missing or rejected cache is written
 * when the process exits, if it exits with 0. Returns the bundle's exports and what became of the cache.
 * @param {string} bundle
 * @param {string} command
 * @returns {{ exports: any, cache: 'off' | 'absent' | 'accepted' | 'rejected' }}
 */
function requireWithCodeCache(bundle, command) {
  if (process.env.CONVLENS_NO_CODE_CACHE === '1') return { exports: require(bundle), cache: 'off' };
  const bytes = fs.readFileSync(bundle);
  const source = bytes.toString('utf8');
  const file = cacheFile(bundle, bytes, command);
  let cached;
  try {
    cached = fs.readFileSync(file);
  } catch {
    cached = undefined; // no cache yet (or no cache folder): compile, and write one at exit
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData: cached });
  // Code compiled by vm.Script cannot import() on Node 20 (its import callbacks need
  // --experimental-vm-modules, and do not survive a code cache), so this module, which Node
  // compiled, lends its import() to the bundle's one use of it (h5wasm, in weightsH5.ts).
  Object.defineProperty(globalThis, Symbol.for('convlens.importModule'), { value: (specifier) => import(specifier), configurable: true });
  // The bundle is esbuild's CommonJS output: it needs only `module.exports`, `require`,
  // `__filename` and `__dirname` (its workers and data files are found beside it).
  const mod = { exports: {} };
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  if (cached === undefined || script.cachedDataRejected) {
    process.once('exit', (code) => {
      // Only a command that worked leaves a cache: a typo or a failed run would otherwise leave
      // one under a mistyped name, or one that holds little of the command's code.
      if (code !== 0) return;
      try {
        writeAtomically(file, script.createCachedData());
      } catch {
        // A read-only or full disk: the next start compiles, as it would without a cache.
      }
    });
  }
  return { exports: mod.exports, cache: cached === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted' };
}

module.exports = { requireWithCodeCache, cacheRoot };
