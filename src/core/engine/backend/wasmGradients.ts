/**
 * Conv2D gradients for the TF.js `wasm` backend (XNNPACK), which has no
 * `Conv2DBackpropFilter` kernel and a slow `Conv2DBackpropInput` one.
 *
 * Two registrations, both idempotent ({@link registerWasmGradients}):
 *
 * 1. The **Conv2D gradient** (`tf.registerGradient`, global per kernel name, so it runs on
 *    every backend). It branches on `tf.getBackend()`:
 *    - `wasm`: both gradients as plain convolutions (fast XNNPACK Conv2D), see
 *      {@link conv2dFilterGradient} and {@link conv2dInputGradient}; but with ConvLens' native
 *      kernels installed (nativeKernels.ts) the stock gradient, whose backprop kernels are
 *      then oneDNN's gradient passes;
 *    - any other backend with dilation 1: exactly TF.js' stock gradient (captured before the
 *      override), so cpu / tensorflow results do not change at all;
 *    - any backend with dilation > 1: the convolution formulas too. TF.js' stock gradient
 *      rejects dilated convolutions ("dilation rates greater than 1 are not yet supported in
 *      gradients"), Keras trains them, so this is an addition, not a change.
 *
 * 2. A **wasm `Conv2DBackpropFilter` kernel**, composed from wasm's own Transpose, Slice,
 *    PadV2 and Conv2D kernels. The Conv2D gradient above never needs it, but
 *    `tf.fused.conv2d` does: tfjs-layers builds every Conv2D layer with the fused op, and in
 *    gradient mode the fused op stays fused when the activation is linear (a Conv2D followed
 *    by BatchNormalization, say), with a custom gradient that calls the backprop kernels
 *    directly. Without this kernel such models cannot train on wasm.
 *
 * Layout: NHWC only (the wasm Conv2D kernel supports nothing else; NCHW is left to the
 * stock gradient). Padding 'valid', 'same', numbers and explicit pads all go through
 * `backend_util.computeConv2DInfo`, i.e. the pads the forward kernels use (for 'same':
 * total = max((out-1)*s + k_eff - in, 0), before = floor(total/2)).
 *
 * Derivation (one spatial axis, xp = x padded by `top` before; y[o] = sum_k xp[o*s + k*d] f[k]):
 *  - df[k, ci, co] = sum_{n,o} xp[n, k*d + o*s, ci] dy[n, o, co]: a convolution of
 *    x^T [Ci, H, W, N] with dy^T [Ho, Wo, N, Co] as the filter, with stride d (the forward
 *    dilation) and dilation s (the forward stride), output [Ci, kh, kw, Co] when xp is cut to
 *    (k-1)*d + (out-1)*s + 1. TF forbids stride > 1 together with dilation > 1, so the swap
 *    is always a legal conv2d.
 *  - for s = 1: dx[i] = sum_{k,co} dy[i + top - k*d] f[k]; with k' = K-1-k and dy padded by
 *    (K-1)*d - top before, that is a 'valid' convolution with dilation d of the padded dy with
 *    the filter reversed in both spatial axes and its channel axes swapped.
 *  - for s > 1 (then d = 1): the backend's `Conv2DBackpropInput` (wasm has one) through
 *    `tf.conv2dTranspose`.
 *
 * MaxPool's gradient is left to the stock wasm kernel (about a quarter of an MNIST-convnet
 * step). The mask trick `equal(x, upsample(y)) * upsample(dy)` sends the gradient to every
 * tied maximum of a window where TF sends it to the first one (ReLU zeros make ties common).
 * A tie-correct variant for non-overlapping pools (per window position: equal, and-not
 * "taken", or, where; reassembled with stack + reshape) was measured here and lost: its
 * elementwise ops alone cost about as much as the kernel (~40 ms vs ~35 ms per step), and
 * gathering the window positions cost far more (rank-6 Transpose ~255 ms, StridedSlice
 * ~360 ms per step on wasm).
 */

import type * as tfjs from '@tensorflow/tfjs';
import { nativeKernelsInstalled } from './nativeKernels';

type Tf = typeof tfjs;
type Tensor4D = tfjs.Tensor4D;
type ConvInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>;
type TensorInfo = tfjs.TensorInfo;
type NamedAttrMap = tfjs.NamedAttrMap;
type KernelFunc = tfjs.KernelFunc;

/** Marks our gradient config, so a second registration (another `tf` copy, a re-run) is a no-op. */
const REGISTERED = Symbol.for('convlens.wasmConv2dGradient');

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tfjs.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** What {@link registerWasmGradients} did. */
export interface WasmGradientRegistration {
  /** The Conv2D gradient override is in place (false: it already was). */
  conv2dGradient: boolean;
  /** A wasm `Conv2DBackpropFilter` kernel was registered (false: one existed already). */
  backpropFilterKernel: boolean;
}

/**
 * Installs the Conv2D gradient override and the wasm `Conv2DBackpropFilter` kernel. Safe to
 * call more than once and before or after the wasm backend is initialised. Numerically a
 * no-op for other backends at dilation 1 (they keep TF.js' own gradient).
 */
export function registerWasmGradients(tf: Tf): WasmGradientRegistration {
  const result: WasmGradientRegistration = { conv2dGradient: false, backpropFilterKernel: false };

  const stock = tf.getGradient('Conv2D');
  if (!(stock && (stock as unknown as Record<symbol, unknown>)[REGISTERED])) {
    const config: tfjs.GradConfig & { [REGISTERED]: true } = {
      kernelName: 'Conv2D',
      inputsToSave: ['x', 'filter'],
      gradFunc: (dy, saved, attrs) => conv2dGradFunc(tf, stock, dy as Tensor4D, saved, attrs),
      [REGISTERED]: true,
    };
    tf.registerGradient(config);
    result.conv2dGradient = true;
  }

  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ((args: KernelArgs) => wasmConv2DBackpropFilter(tf, args)) as unknown as KernelFunc,
    });
    result.backpropFilterKernel = true;
  }
  return result;
}

function conv2dGradFunc(
  tf: Tf,
  stock: tfjs.GradConfig | undefined,
  dy: Tensor4D,
  saved: tfjs.Tensor[],
  attrs: NamedAttrMap,
): Record<string, () => tfjs.Tensor> {
  const a = attrs as unknown as Conv2DAttrs;
  const [x, filter] = saved as [Tensor4D, Tensor4D];
  const dilated = !isAllOnes(a.dilations);
  // With ConvLens' native kernels in place, wasm's backprop kernels are the fast path (oneDNN's
  // own gradient passes); they take no dilation, so dilated convolutions keep the formulas.
  const slowWasmBackprop = tf.getBackend() === 'wasm' && !nativeKernelsInstalled(tf);
  const useConvs = a.dataFormat !== 'NCHW' && (dilated || slowWasmBackprop);
  if (!useConvs) {
    if (!stock) throw new Error('TF.js has no stock Conv2D gradient to delegate to');
    return stock.gradFunc(dy, saved, attrs);
  }
  const info = convInfo(tf, x.shape, filter.shape, a);
  return {
    x: () => conv2dInputGradient(tf, dy, filter, x.shape, a, info),
    filter: () => conv2dFilterGradient(tf, x, dy, info),
  };
}

function isAllOnes(v: number | number[] | undefined): boolean {
  if (v === undefined) return true;
  return Array.isArray(v) ? v.every((e) => e === 1) : v === 1;
}

function convInfo(tf: Tf, xShape: number[], filterShape: number[], a: Conv2DAttrs): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** Rows (or columns) [start, start + length) of an axis of extent `size`, as a slice then a zero pad. */
interface Window {
  sliceBegin: number;
  sliceSize: number;
  padBefore: number;
  padAfter: number;
}

function window(start: number, length: number, size: number): Window {
  const sliceBegin = Math.min(Math.max(start, 0), size);
  const sliceEnd = Math.max(Math.min(start + length, size), sliceBegin);
  const padBefore = Math.min(Math.max(-start, 0), length);
  const sliceSize = sliceEnd - sliceBegin;
  return { sliceBegin, sliceSize, padBefore, padAfter: length - sliceSize - padBefore };
}

/**
 * Takes the spatial window [startH, startH+lenH) x [startW, startW+lenW) of an NHWC tensor,
 * zero-filled outside it (a crop and/or a pad).
 */
function spatialWindow(tf: Tf, t: Tensor4D, startH: number, lenH: number, startW: number, lenW: number): Tensor4D {
  const [n, h, w, c] = t.shape;
  const wh = window(startH, lenH, h);
  const ww = window(startW, lenW, w);
  let out = t;
  if (wh.sliceBegin !== 0 || wh.sliceSize !== h || ww.sliceBegin !== 0 || ww.sliceSize !== w) {
    out = tf.slice(out, [0, wh.sliceBegin, ww.sliceBegin, 0], [n, wh.sliceSize, ww.sliceSize, c]);
  }
  if (wh.padBefore || wh.padAfter || ww.padBefore || ww.padAfter) {
    out = tf.pad(out, [[0, 0], [wh.padBefore, wh.padAfter], [ww.padBefore, ww.padAfter], [0, 0]]);
  }
  return out;
}

/** dL/dfilter [kh, kw, Ci, Co] as a convolution (see the module comment). */
export function conv2dFilterGradient(tf: Tf, x: Tensor4D, dy: Tensor4D, info: ConvInfo): Tensor4D {
  return tf.tidy(() => {
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const needH = (info.filterHeight - 1) * dh + (info.outHeight - 1) * sh + 1;
    const needW = (info.filterWidth - 1) * dw + (info.outWidth - 1) * sw + 1;
    const xp = spatialWindow(tf, x, -info.padInfo.top, needH, -info.padInfo.left, needW);
    const xT = tf.transpose(xp, [3, 1, 2, 0]); // [Ci, needH, needW, N]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
    const g = tf.conv2d(xT, dyT, [dh, dw], 'valid', 'NHWC', [sh, sw]); // [Ci, kh, kw, Co]
    return tf.transpose(g, [1, 2, 0, 3]);
  });
}

/** dL/dx [N, H, W, Ci]: a convolution for stride 1, the backend's backprop-input kernel otherwise. */
export function conv2dInputGradient(
  tf: Tf,
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: [number, number, number, number],
  attrs: Conv2DAttrs,
  info: ConvInfo,
): Tensor4D {
  return tf.tidy(() => {
    if (info.strideHeight !== 1 || info.strideWidth !== 1) {
      // TF forbids strides > 1 with dilations > 1, so this is the undilated case.
      return tf.conv2dTranspose(dy, filter, xShape, attrs.strides, attrs.pad, attrs.dimRoundingMode);
    }
    const { dilationHeight: dh, dilationWidth: dw } = info;
    const extH = (info.filterHeight - 1) * dh;
    const extW = (info.filterWidth - 1) * dw;
    const dyp = spatialWindow(tf, dy, info.padInfo.top - extH, info.inHeight + extH, info.padInfo.left - extW, info.inWidth + extW);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [kh, kw, Co, Ci]
    return tf.conv2d(dyp, flipped, 1, 'valid', 'NHWC', [dh, dw]);
  });
}

// ---------------------------------------------------------------------------------------
// The wasm Conv2DBackpropFilter kernel, composed from wasm kernels.

interface KernelArgs {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: { disposeData(dataId: object, force?: boolean): boolean };
  attrs: NamedAttrMap;
}

function wasmConv2DBackpropFilter(tf: Tf, args: KernelArgs): TensorInfo {
  const { inputs: { x, dy }, backend, attrs } = args;
  const a = attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
  if (a.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = convInfo(tf, x.shape, a.filterShape, { ...a, dilations: 1 });
  const kernel = (name: string): KernelFunc => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm backend has no ${name} kernel`);
    return k.kernelFunc;
  };
  const run = (name: string, inputs: Record<string, TensorInfo>, kattrs: NamedAttrMap): TensorInfo =>
    kernel(name)({ inputs, backend, attrs: kattrs }) as TensorInfo;

  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => (temps.push(t), t);
  try {
    const { strideHeight: sh, strideWidth: sw } = info;
    const needH = (info.filterHeight - 1) + (info.outHeight - 1) * sh + 1;
    const needW = (info.filterWidth - 1) + (info.outWidth - 1) * sw + 1;
    const [n, h, w, c] = x.shape;
    const wh = window(-info.padInfo.top, needH, h);
    const ww = window(-info.padInfo.left, needW, w);
    let xp = x;
    if (wh.sliceBegin !== 0 || wh.sliceSize !== h || ww.sliceBegin !== 0 || ww.sliceSize !== w) {
      xp = keep(run('Slice', { x: xp }, { begin: [0, wh.sliceBegin, ww.sliceBegin, 0], size: [n, wh.sliceSize, ww.sliceSize, c] }));
    }
    if (wh.padBefore || wh.padAfter || ww.padBefore || ww.padAfter) {
      xp = keep(run('PadV2', { x: xp }, { paddings: [[0, 0], [wh.padBefore, wh.padAfter], [ww.padBefore, ww.padAfter], [0, 0]], constantValue: 0 }));
    }
    const xT = keep(run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] }));
    const dyT = keep(run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
    const g = keep(run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined,
    } as unknown as NamedAttrMap));
    return run('Transpose', { x: g }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}
