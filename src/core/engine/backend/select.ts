/**
 * Picks the TF.js backend training runs on: the best of tensorflow-gpu
 * (`@tensorflow/tfjs-node-gpu`), tensorflow (`@tensorflow/tfjs-node`), wasm
 * (`@tensorflow/tfjs-backend-wasm`, with our Conv2D gradient fixes) and cpu that loads, or
 * the one a setting forces.
 *
 * Every package is required lazily, inside the functions: importing this module loads
 * nothing. The optional native packages go through {@link nodeRequire} rather than literal
 * `require('...')` calls, so a bundler neither inlines nor fails on them; the wasm backend, a
 * dependency, is a literal require, so the production bundle carries it (the development
 * build keeps `@tensorflow/*` external).
 *
 * **One engine.** The native packages `require('@tensorflow/tfjs')` themselves and register a
 * backend named 'tensorflow' (both the CPU and the GPU build use that name). TF.js keeps its
 * engine and its kernel registry on the global object (`_tfengine`, `_tfGlobals`), so the
 * registration lands in the same engine as the `tf` passed in even if npm gave the native
 * package its own nested copy of tfjs-core. What this module does to be sure:
 *  - it switches with `tf.setBackend(name)` on the `tf` it was given and then checks that
 *    `tf.getBackend()` reports that name, so the caller's `tf` is the one whose backend is set;
 *  - after requiring a native package it checks `tf.findBackendFactory('tensorflow')`: a
 *    package that loaded but registered nowhere this `tf` can see is reported as unavailable;
 *  - it logs a warning when the native package's own tfjs-core version differs from
 *    `tf.version['tfjs-core']` (kernels compiled against another core version may misbehave).
 */

import * as path from 'path';
import * as fs from 'fs';
import type * as tfjs from '@tensorflow/tfjs';
import type * as NodeModule from 'module';
import { registerWasmGradients } from './wasmGradients';
import { installNativeKernels, uninstallNativeKernels, type NativeKernelsInfo } from './nativeKernels';

type Tf = typeof tfjs;

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Auto-selection order, best first. */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  /** One line: why it could not be used. */
  error: string;
}

export interface BackendInfo {
  name: BackendName;
  /** `tf.getBackend()` after selection ('tensorflow' for both native builds). */
  tfBackend: string;
  /** Why this one: 'forced by the setting' or the reason the better ones were skipped. */
  reason?: string;
  /** Better backends tried first (auto), with why each failed. */
  tried: BackendAttempt[];
  /** wasm only: ConvLens' oneDNN kernels in place of wasm's convolution and pooling-gradient kernels. */
  nativeKernels?: NativeKernelsInfo;
  /** wasm only, when the native kernels were wanted but could not be used: why (one line). */
  nativeKernelsUnavailable?: string;
}

/** How a backend is shown to the user: "wasm + oneDNN" when the native kernels run. */
export function backendLabel(info: Pick<BackendInfo, 'name' | 'nativeKernels'>): string {
  return info.nativeKernels ? `${info.name} + ${info.nativeKernels.library}` : info.name;
}

export interface SelectOptions {
  log?: (line: string) => void;
  /** Module loader; defaults to Node's require. Tests pass a stand-in to simulate packages. */
  requireModule?: (id: string) => unknown;
  /** On wasm, use ConvLens' native (oneDNN) kernels when they are built; default true. */
  nativeKernels?: boolean;
}

export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** Why not (unavailable), or a note (available). */
  reason?: string;
}

/** A forced backend that cannot be used. The message is one line and says what to do. */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: BackendName, readonly reason: string) {
    super(`Backend "${backend}" is not available: ${reason}; ${advice(backend)}`);
    this.name = 'BackendUnavailableError';
  }
}

function advice(backend: BackendName): string {
  switch (backend) {
    case 'tensorflow-gpu':
      return 'use "tensorflow", "wasm" or "cpu", or run "ConvLens: Install Native Backend"';
    case 'tensorflow':
      return 'use "wasm" or "cpu", or run "ConvLens: Install Native Backend"';
    case 'wasm':
      return 'use "cpu", or reinstall @tensorflow/tfjs-backend-wasm';
    case 'cpu':
      return 'reinstall @tensorflow/tfjs';
  }
}

const NATIVE_PACKAGE: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** The tf backend name each of ours registers under. */
function tfNameOf(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

/**
 * Where "ConvLens: Install Native Backend" puts the native packages (the extension's global
 * storage): searched after the usual module paths. Set in the environment so the training
 * worker, which inherits it, sees the same folder.
 */
export const NATIVE_MODULES_ENV = 'CONVLENS_NATIVE_MODULES';

/** Node's require, reached through a variable so bundlers leave these ids alone. */
function nodeRequire(id: string): unknown {
  const req: NodeRequire = require;
  try {
    return req(id);
  } catch (e) {
    const extra = process.env[NATIVE_MODULES_ENV];
    if (!extra || (e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    const { createRequire } = req('module') as typeof NodeModule;
    return createRequire(`${extra.replace(/[\\/]$/, '')}/noop.js`)(id);
  }
}

function nodeResolve(id: string): string {
  const req: NodeRequire = require;
  return req.resolve(id);
}

/** The wasm backend: a literal id, so the production bundle includes it. */
function requireWasmPackage(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs-backend-wasm');
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

function isNotInstalled(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(`'${pkg}'`);
}

function loadFailure(e: unknown, pkg: string): string {
  if (isNotInstalled(e, pkg)) {
    return pkg.startsWith('@tensorflow/tfjs-node')
      ? `${pkg} is not installed (its install step downloads libtensorflow, which fails without access to storage.googleapis.com)`
      : `${pkg} is not installed`;
  }
  return `${pkg} failed to load: ${firstLine(e)}`;
}

/** Loads a native package and checks that it registered 'tensorflow' where `tf` can see it. */
function loadNative(tf: Tf, name: 'tensorflow-gpu' | 'tensorflow', opts: SelectOptions): void {
  const pkg = NATIVE_PACKAGE[name];
  const req = opts.requireModule ?? nodeRequire;
  let mod: unknown;
  try {
    mod = req(pkg);
  } catch (e) {
    throw new BackendUnavailableError(name, loadFailure(e, pkg));
  }
  if (!tf.findBackendFactory('tensorflow')) {
    throw new BackendUnavailableError(name, `${pkg} loaded but registered no "tensorflow" backend in this TF.js engine (a second, incompatible copy of @tensorflow/tfjs-core?)`);
  }
  const theirs = (mod as { version?: Record<string, string> } | undefined)?.version?.['tfjs-core'];
  const ours = tf.version['tfjs-core'];
  if (theirs && ours && theirs !== ours) {
    opts.log?.(`warning: ${pkg} was built with tfjs-core ${theirs}, the engine runs ${ours}`);
  }
}

/** Where the production build copies the wasm binaries: beside the bundle running this code. */
const BUNDLED_WASM_DIR = path.join(__dirname, 'wasm');

/**
 * The directory holding the wasm binaries, resolved at run time (bundles move code, not
 * node_modules): the production bundle's own copy (dist/wasm/, the only one an installed
 * extension has), else the package's dist/ directory.
 */
export function wasmBinaryDir(resolve: (id: string) => string = nodeResolve): string {
  if (fs.existsSync(path.join(BUNDLED_WASM_DIR, 'tfjs-backend-wasm-simd.wasm'))) return BUNDLED_WASM_DIR + path.sep;
  return path.join(path.dirname(resolve(`${WASM_PACKAGE}/package.json`)), 'dist') + path.sep;
}

function loadWasm(tf: Tf, opts: SelectOptions): void {
  let mod: { setWasmPaths?: (prefix: string) => void };
  try {
    mod = (opts.requireModule ? opts.requireModule(WASM_PACKAGE) : requireWasmPackage()) as typeof mod;
  } catch (e) {
    throw new BackendUnavailableError('wasm', loadFailure(e, WASM_PACKAGE));
  }
  if (!tf.findBackendFactory('wasm')) {
    throw new BackendUnavailableError('wasm', `${WASM_PACKAGE} loaded but registered no "wasm" backend in this TF.js engine`);
  }
  // The binaries sit in the package's dist/ directory; in Node the prefix is a file path.
  // (setWasmPaths only throws after a failed initialisation; tf.findBackend is not used to
  // check for one because it starts initialising the backend.)
  if (typeof mod.setWasmPaths === 'function') {
    try {
      mod.setWasmPaths(wasmBinaryDir());
    } catch (e) {
      throw new BackendUnavailableError('wasm', `setting the path of its binaries failed: ${firstLine(e)}`);
    }
  }
  registerWasmGradients(tf);
}

function load(tf: Tf, name: BackendName, opts: SelectOptions): void {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return loadNative(tf, name, opts);
    case 'wasm':
      return loadWasm(tf, opts);
    case 'cpu':
      if (!tf.findBackendFactory('cpu')) throw new BackendUnavailableError('cpu', 'the TF.js cpu backend is not registered');
  }
}

async function activate(tf: Tf, name: BackendName): Promise<void> {
  const tfName = tfNameOf(name);
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
  } catch (e) {
    throw new BackendUnavailableError(name, `initialising the "${tfName}" backend failed: ${firstLine(e)}`);
  }
  if (!ok || tf.getBackend() !== tfName) {
    throw new BackendUnavailableError(name, `initialising the "${tfName}" backend failed`);
  }
  await tf.ready();
}

/**
 * On wasm, puts ConvLens' native kernels in (or takes them out when the caller opted out);
 * a missing addon is not an error, only a note on the backend.
 */
function wasmKernels(tf: Tf, name: BackendName, opts: SelectOptions): Pick<BackendInfo, 'nativeKernels' | 'nativeKernelsUnavailable'> {
  if (name !== 'wasm') return {};
  if (opts.nativeKernels === false) {
    uninstallNativeKernels(tf);
    return {};
  }
  try {
    const wasmVersion = (requireWasmPackage() as { version_wasm?: string }).version_wasm;
    return { nativeKernels: installNativeKernels(tf, { log: opts.log, wasmVersion }) };
  } catch (e) {
    const why = firstLine(e);
    opts.log?.(`ConvLens native kernels unavailable: ${why}`);
    return { nativeKernelsUnavailable: why };
  }
}

/**
 * Loads and activates a backend on `tf`. 'auto' takes the first of {@link BACKEND_ORDER}
 * that works and records why the better ones did not; a forced backend that cannot be used
 * rejects with a {@link BackendUnavailableError}.
 */
export async function selectBackend(
  tf: Tf,
  preference: BackendPreference,
  opts: SelectOptions = {},
): Promise<BackendInfo> {
  const log = opts.log ?? (() => undefined);
  if (preference !== 'auto') {
    if (!BACKEND_ORDER.includes(preference)) {
      throw new Error(`Unknown backend "${String(preference)}": expected auto, ${BACKEND_ORDER.join(', ')}`);
    }
    load(tf, preference, opts);
    await activate(tf, preference);
    const info: BackendInfo = { name: preference, tfBackend: tf.getBackend(), reason: 'forced by the setting', tried: [], ...wasmKernels(tf, preference, opts) };
    log(`TF.js backend: ${backendLabel(info)} (forced by the setting)`);
    return info;
  }
  const tried: BackendAttempt[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      load(tf, name, opts);
      await activate(tf, name);
    } catch (e) {
      const error = e instanceof BackendUnavailableError ? e.reason : firstLine(e);
      tried.push({ name, error });
      log(`TF.js backend ${name} unavailable: ${error}`);
      continue;
    }
    const reason = tried.length === 0 ? 'the best backend available' : `${tried.map((t) => t.name).join(', ')} unavailable`;
    const info: BackendInfo = { name, tfBackend: tf.getBackend(), reason, tried, ...wasmKernels(tf, name, opts) };
    log(`TF.js backend: ${backendLabel(info)} (${reason})`);
    return info;
  }
  throw new Error(`No TF.js backend could be initialised: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/**
 * Which backends could be selected, without switching the active one. The native packages
 * are loaded (their load is the only test of whether libtensorflow works here; loading
 * registers a backend but does not activate it); wasm is checked for its package and
 * binaries without initialising it.
 */
export function probeBackends(tf: Tf, opts: Pick<SelectOptions, 'requireModule'> = {}): BackendProbe[] {
  return BACKEND_ORDER.map((name): BackendProbe => {
    try {
      if (name === 'wasm') {
        try {
          if (opts.requireModule) opts.requireModule(WASM_PACKAGE);
          else requireWasmPackage();
        } catch (e) {
          throw new BackendUnavailableError('wasm', loadFailure(e, WASM_PACKAGE));
        }
        const dir = wasmBinaryDir();
        const binary = path.join(dir, 'tfjs-backend-wasm-simd.wasm');
        if (!fs.existsSync(binary)) throw new BackendUnavailableError('wasm', `missing ${binary}`);
        return { name, available: true };
      }
      load(tf, name, opts);
      return { name, available: true };
    } catch (e) {
      return { name, available: false, reason: e instanceof BackendUnavailableError ? e.reason : firstLine(e) };
    }
  });
}
