/**
 * ConvLens' native kernels for the TF.js `wasm` backend (native/, wrapped as kernel functions
 * in nativeKernelFuncs.ts): convolutions (forward, input gradient, filter gradient) on oneDNN,
 * the library PyTorch's CPU convolutions run on; matrix products on oneDNN's sgemm; the
 * max-pooling gradient and bias-gradient sums as single passes in C++. They replace the wasm
 * backend's kernels of the same names, work in place on the wasm heap (nothing is copied),
 * and hand anything they do not cover (NCHW, non-float32, empty tensors, unusual broadcasts)
 * back to the kernel they replaced.
 *
 * Why: on wasm (XNNPACK, single-threaded, 128-bit SIMD) an MNIST-convnet training step spends
 * most of its time in Conv2D and MaxPoolGrad; with these kernels the step is about four times
 * faster (bench/train.js prints the figures). The addon is optional: it is built by
 * `npm run build:native` where oneDNN's headers are installed (Debian: libdnnl-dev), and
 * without it training runs on the plain wasm kernels.
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { NATIVE_KERNEL_NAMES, nativeKernelTable, type KernelArgs, type NativeAddon } from './nativeKernelFuncs';

export { NATIVE_KERNEL_NAMES, type NativeAddon } from './nativeKernelFuncs';

type Tf = typeof tfjs;
/** Marks our kernel functions, so installing twice is a no-op and uninstall finds the originals. */
const ORIGINAL = Symbol.for('convlens.nativeKernel.original');
type KernelFunc = tfjs.KernelFunc;
/** Our kernel functions carry the configuration of the kernel they replaced. */
type OurKernelFunc = KernelFunc & { [ORIGINAL]?: tfjs.KernelConfig };

/** What is in place after {@link installNativeKernels}. */
export interface NativeKernelsInfo {
  library: 'oneDNN';
  version: string;
  /** oneDNN's OpenMP threads. */
  threads: number;
  kernels: string[];
  addonPath: string;
}

/** Overrides the addon's location (tests, a packaged extension that keeps it elsewhere). */
export const NATIVE_ADDON_ENV = 'CONVLENS_NATIVE_ADDON';
/** oneDNN thread count; default: one less than the CPU count (a core stays with the editor). */
export const NATIVE_THREADS_ENV = 'CONVLENS_NATIVE_THREADS';

const ADDON_FILE = path.join('native', 'build', 'Release', 'convlens_native.node');

/**
 * The kernels work on the wasm backend's private internals (its heap and tensor table), which
 * may change in any release: they go in only on the version they were built and tested with
 * (package.json pins it exactly). Another version trains on TF.js' own kernels, with a note.
 */
export const TESTED_WASM_BACKEND = '4.22.0';


/**
 * Where the addon is: $CONVLENS_NATIVE_ADDON, else native/build/Release under the first
 * folder above this file that has one (the repository root for out/ and dist/ alike).
 */
export function findAddon(from: string = __dirname): string | undefined {
  const forced = process.env[NATIVE_ADDON_ENV];
  if (forced) return forced;
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, ADDON_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** A one-line reason the addon cannot be used, or the addon. */
export function loadAddon(addonPath = findAddon()): { addon: NativeAddon; path: string } | { error: string } {
  if (!addonPath) return { error: 'the native kernels are not built (npm run build:native; needs oneDNN: apt-get install libdnnl-dev)' };
  try {
    // A computed path through a variable: bundlers leave it alone and it is resolved at run time.
    const req: NodeRequire = require;
    return { addon: req(addonPath) as NativeAddon, path: addonPath };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return { error: `the native kernels failed to load: ${text.split('\n')[0]}` };
  }
}

function defaultThreads(): number {
  const forced = Number(process.env[NATIVE_THREADS_ENV]);
  if (Number.isInteger(forced) && forced > 0) return forced;
  return Math.max(1, os.cpus().length - 1);
}

/** The native kernels are registered on this `tf`'s wasm backend. */
export function nativeKernelsInstalled(tf: Tf): boolean {
  const k = tf.getKernel('Conv2D', 'wasm');
  return !!k && ORIGINAL in (k.kernelFunc as object);
}

/**
 * Replaces the wasm kernels with the native ones. Idempotent; throws a one-line Error when the
 * addon cannot be loaded (the caller decides whether that matters).
 */
export function installNativeKernels(tf: Tf, opts: { addonPath?: string; threads?: number; log?: (line: string) => void; wasmVersion?: string } = {}): NativeKernelsInfo {
  if (opts.wasmVersion !== undefined && opts.wasmVersion !== TESTED_WASM_BACKEND) {
    throw new Error(`they were built and tested against @tensorflow/tfjs-backend-wasm ${TESTED_WASM_BACKEND}, and this is ${opts.wasmVersion}: training uses TF.js' own wasm kernels`);
  }
  const loaded = loadAddon(opts.addonPath ?? findAddon());
  if ('error' in loaded) throw new Error(loaded.error);
  const { addon } = loaded;
  const threads = addon.setThreads(opts.threads ?? defaultThreads());
  if (!nativeKernelsInstalled(tf)) {
    const table = nativeKernelTable(tf, addon, opts.log);
    for (const name of NATIVE_KERNEL_NAMES) {
      const run = table[name];
      const original = tf.getKernel(name, 'wasm') as tfjs.KernelConfig | undefined;
      const kernelFunc = ((args: KernelArgs) => {
        // Empty tensors have no heap memory to point at; the replaced kernel knows what to do
        // (except for a product over an empty inner dimension, whose zeros wasm gets wrong).
        const empty = name !== 'BatchMatMul' && Object.values(args.inputs).some((t) => tf.util.sizeFromShape(t.shape) === 0);
        const out = empty ? undefined : run(args);
        if (out !== undefined) return out;
        if (!original) throw new Error(`the wasm backend has no ${name} kernel for this case`);
        return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]);
      }) as unknown as OurKernelFunc;
      kernelFunc[ORIGINAL] = original;
      if (original) tf.unregisterKernel(name, 'wasm');
      // The replaced kernel's setup (it binds its wasm functions when the backend starts) and
      // dispose stay registered: the fallbacks above need them.
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
    }
  }
  return { library: 'oneDNN', version: addon.info().onednn, threads, kernels: [...NATIVE_KERNEL_NAMES], addonPath: loaded.path };
}

/** Puts the replaced wasm kernels back (the bench compares both in one process). */
export function uninstallNativeKernels(tf: Tf): void {
  if (!nativeKernelsInstalled(tf)) return;
  for (const name of NATIVE_KERNEL_NAMES) {
    const ours: OurKernelFunc | undefined = (tf.getKernel(name, 'wasm') as tfjs.KernelConfig | undefined)?.kernelFunc;
    if (!ours || !(ORIGINAL in ours)) continue;
    tf.unregisterKernel(name, 'wasm');
    const original = ours[ORIGINAL];
    if (original) tf.registerKernel(original);
  }
}
