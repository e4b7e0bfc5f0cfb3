/**
 * The kernels of ConvLens' native addon (native/) for the TF.js wasm backend, as TF.js kernel
 * functions: each returns its output, or undefined for a case it does not cover (the caller,
 * nativeKernels.ts, then runs the kernel it replaced). They read and write tensors in place on
 * the wasm heap: the addon gets the heap's ArrayBuffer and byte offsets of tensors the
 * backend allocated, and checks both before touching memory.
 */

import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type TensorInfo = tfjs.TensorInfo;

/** The addon's functions (native/src/addon.cc). */
export interface NativeAddon {
  conv2d(pass: 0 | 1 | 2, heap: ArrayBuffer, a: number, b: number, out: number, geometry: Int32Array): void;
  maxPoolGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, geometry: Int32Array): void;
  batchMatMul(heap: ArrayBuffer, a: number, b: number, c: number, geometry: Int32Array): void;
  sumRows(heap: ArrayBuffer, x: number, out: number, rows: number, cols: number): void;
  setThreads(n: number): number;
  info(): { onednn: string; threads: number };
}

/** The wasm kernels the addon replaces. */
export const NATIVE_KERNEL_NAMES = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'BatchMatMul', 'Sum'] as const;
export type NativeKernelName = (typeof NATIVE_KERNEL_NAMES)[number];

export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tfjs.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
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

/**
 * The sizes obey the convolution formula on both axes: oneDNN checks it and refuses
 * anything else, TF.js does not (its numeric pads use the kernel height and stride of the
 * first axis for both).
 */
function consistent(info: ConvInfo): boolean {
  const fits = (size: number, before: number, after: number, k: number, d: number, s: number, out: number) =>
    Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1 === out;
  const p = info.padInfo;
  return fits(info.inHeight, p.top, p.bottom, info.filterHeight, info.dilationHeight, info.strideHeight, info.outHeight) &&
    fits(info.inWidth, p.left, p.right, info.filterWidth, info.dilationWidth, info.strideWidth, info.outWidth);
}

export interface KernelArgs {
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

/**
 * A new output tensor filled by `fill`; when the addon refuses (oneDNN rejects a geometry the
 * checks here let through, say), the buffer is freed and undefined sends the call to the
 * replaced kernel, with the reason reported once per kernel through `onFallback`.
 */
function withOutput(backend: WasmBackend, shape: number[], fill: (out: TensorInfo) => void, onFallback: (reason: string) => void): TensorInfo | undefined {
  const out = backend.makeOutput(shape, 'float32');
  try {
    fill(out);
    return out;
  } catch (e) {
    backend.disposeData(out.dataId, true);
    onFallback(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Each kernel: when it applies, and how it runs. Anything else goes to the replaced kernel. */
export function nativeKernelTable(tf: Tf, addon: NativeAddon, log: (line: string) => void = () => undefined): Record<NativeKernelName, (args: KernelArgs) => TensorInfo | undefined> {
  const reported = new Set<string>();
  const fallback = (kernel: string) => (reason: string): void => {
    if (reported.has(kernel)) return;
    reported.add(kernel);
    log(`ConvLens native ${kernel} fell back to the wasm kernel: ${reason.split('\n')[0]}`);
  };
  const conv = (a: KernelArgs, xShape: number[], filterShape: number[], dilations: Attrs['dilations']): ConvInfo => {
    const attrs = a.attrs as unknown as Attrs;
    return tf.backend_util.computeConv2DInfo(
      xShape as [number, number, number, number], filterShape as [number, number, number, number],
      attrs.strides, dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  };
  const nhwcFloat = (a: KernelArgs, ...ts: TensorInfo[]): boolean =>
    (a.attrs as unknown as Attrs).dataFormat !== 'NCHW' && ts.every((t) => t.dtype === 'float32' && t.shape.length === 4);
  /**
   * One convolution pass on the addon, or undefined (the replaced kernel runs) when the tensors
   * are not NHWC float32, the pass is empty, or TF.js' geometry does not match the tensors it
   * came with (TF.js computes numeric pads for square kernels only, for one).
   */
  const pass = (a: KernelArgs, which: 0 | 1 | 2, first: TensorInfo, second: TensorInfo, info: ConvInfo, outShape: number[]): TensorInfo | undefined => {
    if (!nhwcFloat(a, first, second) || tf.util.sizeFromShape(info.outShape) === 0 || tf.util.sizeFromShape(info.inShape) === 0) return undefined;
    const dy = which === 0 ? undefined : which === 1 ? first : second;
    if ((dy && !tf.util.arraysEqual(dy.shape, info.outShape)) || !consistent(info)) return undefined;
    return withOutput(a.backend, outShape,
      (out) => addon.conv2d(which, heap(a.backend), offset(a.backend, first), offset(a.backend, second), offset(a.backend, out), convGeometry(info)),
      fallback(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'][which]));
  };
  return {
    Conv2D: (a) => {
      const { x, filter } = a.inputs;
      if (x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
      const info = conv(a, x.shape, filter.shape, (a.attrs as unknown as Attrs).dilations);
      return pass(a, 0, x, filter, info, info.outShape);
    },
    Conv2DBackpropInput: (a) => {
      const { dy, filter } = a.inputs;
      const inputShape = a.attrs.inputShape as number[];
      if (inputShape.length !== 4 || filter.shape.length !== 4) return undefined;
      return pass(a, 1, dy, filter, conv(a, inputShape, filter.shape, 1), inputShape);
    },
    Conv2DBackpropFilter: (a) => {
      const { x, dy } = a.inputs;
      const filterShape = a.attrs.filterShape as number[];
      if (x.shape.length !== 4 || filterShape.length !== 4) return undefined;
      return pass(a, 2, x, dy, conv(a, x.shape, filterShape, 1), filterShape);
    },
    MaxPoolGrad: (a) => {
      const { dy, input } = a.inputs;
      if (!(dy.dtype === 'float32' && input.dtype === 'float32' && input.shape.length === 4)) return undefined;
      const attrs = a.attrs as unknown as Attrs & { filterSize: number | [number, number] };
      const info = tf.backend_util.computePool2DInfo(
        input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
      // dy must be the pooled shape: the addon reads it by the geometry's sizes.
      if (!tf.util.arraysEqual(dy.shape, info.outShape)) return undefined;
      const geometry = Int32Array.from([
        info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
        info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
      ]);
      return withOutput(a.backend, input.shape,
        (out) => addon.maxPoolGrad(heap(a.backend), offset(a.backend, dy), offset(a.backend, input), offset(a.backend, out), geometry),
        fallback('MaxPoolGrad'));
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
      if (k !== k2) return undefined; // the replaced kernel says what is wrong
      // Batch dimensions broadcast as in NumPy. Handled here: equal batches, or one side a
      // single matrix (every dense layer); any other broadcast goes to the replaced kernel.
      const batchA = tf.util.sizeFromShape(outer(left.shape)), batchB = tf.util.sizeFromShape(outer(right.shape));
      const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(outer(left.shape), outer(right.shape));
      const batch = tf.util.sizeFromShape(batchShape);
      if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return undefined;
      if (batchA === batch && batchB === batch && !tf.util.arraysEqual(outer(left.shape), outer(right.shape))) return undefined;
      const outShape = [...batchShape, m, n];
      // Nothing to compute (an empty batch, say): the empty result, without the addon.
      if (tf.util.sizeFromShape(outShape) === 0) return a.backend.makeOutput(outShape, 'float32');
      return withOutput(a.backend, outShape,
        (out) => addon.batchMatMul(heap(a.backend), offset(a.backend, left), offset(a.backend, right), offset(a.backend, out),
          Int32Array.from([batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0])),
        fallback('BatchMatMul'));
    },
    // Bias gradients: a sum over every axis but the last, which wasm does by transposing first.
    Sum: (a) => {
      const { x } = a.inputs;
      const rank = x.shape.length;
      if (x.dtype !== 'float32' || rank < 2) return undefined;
      const axes = tf.util.parseAxisParam(a.attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
      if (axes.length !== rank - 1 || axes.some((ax, i) => ax !== i)) return undefined;
      const cols = x.shape[rank - 1];
      return withOutput(a.backend, a.attrs.keepDims === true ? [...new Array<number>(rank - 1).fill(1), cols] : [cols],
        (out) => addon.sumRows(heap(a.backend), offset(a.backend, x), offset(a.backend, out), tf.util.sizeFromShape(x.shape) / cols, cols),
        fallback('Sum'));
    },
  };
}

