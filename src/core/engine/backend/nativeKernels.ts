/**
 * ConvLens' native kernels for the TF.js `wasm` backend: convolutions (forward, input
 * gradient, filter gradient) on oneDNN, the library PyTorch's CPU convolutions run on, and
 * the max-pooling gradient as a single pass in C++ (native/). They replace the wasm
 * backend's kernels of the same names, work in place on the wasm heap (the addon gets the
 * heap's ArrayBuffer and the byte offsets of tensors the backend allocated: nothing is
 * copied), and hand anything they do not cover (NCHW, non-float32) back to the kernel they
 * replaced.
 *
 * Why: on wasm (XNNPACK, single-threaded, 128-bit SIMD) an MNIST-convnet training step spends
 * most of its time in Conv2D and MaxPoolGrad; these kernels make that step several times
 * faster (bench/train.js prints the figures). The addon is optional: it is built by
 * `npm run build:native` where oneDNN's headers are installed (Debian: libdnnl-dev), and
 * without it training runs on the plain wasm kernels.
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type TensorInfo = tfjs.TensorInfo;
type KernelFunc = tfjs.KernelFunc;

/** The addon's functions (native/src/addon.cc). */
export interface NativeAddon {
  conv2d(pass: 0 | 1 | 2, heap: ArrayBuffer, a: number, b: number, out: number, geometry: Int32Array): void;
  maxPoolGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, geometry: Int32Array): void;
  batchMatMul(heap: ArrayBuffer, a: number, b: number, c: number, geometry: Int32Array): void;
  sumRows(heap: ArrayBuffer, x: number, out: number, rows: number, cols: number): void;
  setThreads(n: number): number;
  info(): { onednn: string; threads: number };
}

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

/** The wasm kernels the addon replaces. */
export const NATIVE_KERNEL_NAMES = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'BatchMatMul', 'Sum'] as const;
type NativeKernelName = (typeof NATIVE_KERNEL_NAMES)[number];

/** Marks our kernel functions, so installing twice is a no-op and uninstall finds the originals. */
const ORIGINAL = Symbol.for('convlens.nativeKernel.original');

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tfjs.DataType): TensorInfo;
}

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

function heap(backend: WasmBackend): ArrayBuffer {
  // Read after makeOutput: an allocation can grow (and so replace) the heap's buffer.
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

function offset(backend: WasmBackend, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (!data) throw new Error('native kernels: a tensor is not on the wasm backend');
  return data.memoryOffset;
}

type ConvInfo = tfjs.backend_util.Conv2DInfo;

function convGeometry(info: ConvInfo): Int32Array {
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth,
    info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, info.padInfo.bottom, info.padInfo.right,
  ]);
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
}

type Attrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** Each kernel: when it applies, and how it runs. Anything else goes to the replaced kernel. */
function kernels(tf: Tf, addon: NativeAddon): Record<NativeKernelName, (args: KernelArgs) => TensorInfo | undefined> {
  const conv = (a: KernelArgs, xShape: number[], filterShape: number[], dilations: Attrs['dilations']): ConvInfo => {
    const attrs = a.attrs as unknown as Attrs;
    return tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number], filterShape as [number, number, number, number],
      attrs.strides, dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  };
  const nhwcFloat = (a: KernelArgs, ...ts: TensorInfo[]): boolean =>
    (a.attrs as unknown as Attrs).dataFormat !== 'NCHW' && ts.every((t) => t.dtype === 'float32' && t.shape.length === 4);
  return {
    Conv2D: (a) => {
      const { x, filter } = a.inputs;
      if (!nhwcFloat(a, x, filter)) return undefined;
      const info = conv(a, x.shape, filter.shape, (a.attrs as unknown as Attrs).dilations);
      const out = a.backend.makeOutput(info.outShape, 'float32');
      addon.conv2d(0, heap(a.backend), offset(a.backend, x), offset(a.backend, filter), offset(a.backend, out), convGeometry(info));
      return out;
    },
    Conv2DBackpropInput: (a) => {
      const { dy, filter } = a.inputs;
      if (!nhwcFloat(a, dy, filter)) return undefined;
      const inputShape = a.attrs.inputShape as number[];
      const info = conv(a, inputShape, filter.shape, 1);
      const out = a.backend.makeOutput(inputShape, 'float32');
      addon.conv2d(1, heap(a.backend), offset(a.backend, dy), offset(a.backend, filter), offset(a.backend, out), convGeometry(info));
      return out;
    },
    Conv2DBackpropFilter: (a) => {
      const { x, dy } = a.inputs;
      if (!nhwcFloat(a, x, dy)) return undefined;
      const filterShape = a.attrs.filterShape as number[];
      const info = conv(a, x.shape, filterShape, 1);
      const out = a.backend.makeOutput(filterShape, 'float32');
      addon.conv2d(2, heap(a.backend), offset(a.backend, x), offset(a.backend, dy), offset(a.backend, out), convGeometry(info));
      return out;
    },
    MaxPoolGrad: (a) => {
      const { dy, input } = a.inputs;
      if (!(dy.dtype === 'float32' && input.dtype === 'float32' && input.shape.length === 4)) return undefined;
      const attrs = a.attrs as unknown as Attrs & { filterSize: number | [number, number] };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
      const out = a.backend.makeOutput(input.shape, 'float32');
      const geometry = Int32Array.from([
        info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
        info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
      ]);
      addon.maxPoolGrad(heap(a.backend), offset(a.backend, dy), offset(a.backend, input), offset(a.backend, out), geometry);
      return out;
    },
    // Dense layers: wasm's product with a transposed operand (both appear in every gradient) is slow.
    BatchMatMul: (a) => {
      const { a: left, b: right } = a.inputs;
      if (left.dtype !== 'float32' || right.dtype !== 'float32' || left.shape.length < 2 || right.shape.length < 2) return undefined;
      const transposeA = a.attrs.transposeA === true, transposeB = a.attrs.transposeB === true;
      const outer = (shape: number[]) => shape.slice(0, -2);
      const [ra, ca] = left.shape.slice(-2), [rb, cb] = right.shape.slice(-2);
      const [m, k] = transposeA ? [ca, ra] : [ra, ca];
      const [k2, n] = transposeB ? [cb, rb] : [rb, cb];
      const batchA = tf.util.sizeFromShape(outer(left.shape)), batchB = tf.util.sizeFromShape(outer(right.shape));
      const sameOuter = tf.util.arraysEqual(outer(left.shape), outer(right.shape));
      if (k !== k2 || !(sameOuter || batchA === 1 || batchB === 1)) return undefined; // broadcasting rules: the wasm kernel
      const outShape = [...(batchA >= batchB ? outer(left.shape) : outer(right.shape)), m, n];
      const out = a.backend.makeOutput(outShape, 'float32');
      addon.batchMatMul(heap(a.backend), offset(a.backend, left), offset(a.backend, right), offset(a.backend, out),
        Int32Array.from([batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0]));
      return out;
    },
    // Bias gradients: a sum over every axis but the last, which wasm does by transposing first.
    Sum: (a) => {
      const { x } = a.inputs;
      const rank = x.shape.length;
      if (x.dtype !== 'float32' || rank < 2) return undefined;
      const axes = tf.util.parseAxisParam(a.attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
      if (axes.length !== rank - 1 || axes.some((ax, i) => ax !== i)) return undefined;
      const cols = x.shape[rank - 1];
      const out = a.backend.makeOutput(a.attrs.keepDims === true ? [...new Array<number>(rank - 1).fill(1), cols] : [cols], 'float32');
      addon.sumRows(heap(a.backend), offset(a.backend, x), offset(a.backend, out), tf.util.sizeFromShape(x.shape) / cols, cols);
      return out;
    },
  };
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
export function installNativeKernels(tf: Tf, opts: { addonPath?: string; threads?: number } = {}): NativeKernelsInfo {
  const loaded = loadAddon(opts.addonPath ?? findAddon());
  if ('error' in loaded) throw new Error(loaded.error);
  const { addon } = loaded;
  const threads = addon.setThreads(opts.threads ?? defaultThreads());
  const table = kernels(tf, addon);
  if (!nativeKernelsInstalled(tf)) {
    for (const name of NATIVE_KERNEL_NAMES) {
      const run = table[name];
      const original = (tf.getKernel(name, 'wasm') as tfjs.KernelConfig | undefined)?.kernelFunc;
      const kernelFunc = ((args: KernelArgs) => {
        const out = run(args);
        if (out !== undefined) return out;
        if (!original) throw new Error(`the wasm backend has no ${name} kernel for this case`);
        return original(args as unknown as Parameters<KernelFunc>[0]);
      }) as unknown as KernelFunc & { [ORIGINAL]?: KernelFunc };
      kernelFunc[ORIGINAL] = original;
      if (original) tf.unregisterKernel(name, 'wasm');
      tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    }
  }
  return { library: 'oneDNN', version: addon.info().onednn, threads, kernels: [...NATIVE_KERNEL_NAMES], addonPath: loaded.path };
}

/** Puts the replaced wasm kernels back (the bench compares both in one process). */
export function uninstallNativeKernels(tf: Tf): void {
  if (!nativeKernelsInstalled(tf)) return;
  for (const name of NATIVE_KERNEL_NAMES) {
    const ours = tf.getKernel(name, 'wasm')?.kernelFunc as (KernelFunc & { [ORIGINAL]?: KernelFunc }) | undefined;
    if (!ours || !(ORIGINAL in ours)) continue;
    tf.unregisterKernel(name, 'wasm');
    const original = ours[ORIGINAL];
    if (original) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: original });
  }
}
