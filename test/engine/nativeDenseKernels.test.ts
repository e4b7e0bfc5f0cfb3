/**
 * The native kernels beyond plain convolution (nativeKernelFuncs.ts): BatchMatMul on
 * oneDNN's sgemm and Sum for bias gradients, transposed convolutions (which run on the
 * backprop-input kernel), and the edges every native kernel must get right because TF.js
 * reaches them — broadcast batch shapes, transposed operands, empty tensors, int32 sums, NaN
 * and -Infinity in max pooling. Each case runs on wasm with the native kernels and
 * on TF.js' cpu backend; results (and output shapes) must agree. Cases the native kernels do
 * not cover must still be right: they fall back to the wasm kernel they replaced.
 * Skips without the addon, except under CONVLENS_REQUIRE_NATIVE=1 (CI).
 */

import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { findAddon, installNativeKernels, nativeKernelsInstalled, uninstallNativeKernels } from '../../src/core/engine/backend/nativeKernels';
import { nativeKernelTable } from '../../src/core/engine/backend/nativeKernelFuncs';

/** Seeded values, made once so both backends see the same floats. */
function randn(shape: number[], seed: number): Float32Array {
  return Float32Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));
}

/** `fn` on a backend: the output's shape and values (everything it made is disposed). */
async function on(backend: string, fn: () => tf.Tensor): Promise<{ shape: number[]; values: number[] }> {
  await tf.setBackend(backend);
  const t = tf.tidy(fn);
  const out = { shape: t.shape, values: Array.from(await t.data()) };
  t.dispose();
  return out;
}

/** Same shape, and values within `tol` (NaN only where cpu has NaN). */
async function sameOnBoth(fn: () => tf.Tensor, tol = 1e-4): Promise<void> {
  const [native, cpu] = [await on('wasm', fn), await on('cpu', fn)];
  assert.deepStrictEqual(native.shape, cpu.shape, 'output shape');
  cpu.values.forEach((v, i) => {
    const n = native.values[i];
    if (Number.isNaN(v)) assert.ok(Number.isNaN(n), `[${i}] NaN on cpu, ${n} native`);
    else assert.ok(Math.abs(n - v) <= tol * Math.max(1, Math.abs(v)), `[${i}] native ${n} vs cpu ${v}`);
  });
}

describe('native kernels: matrix products, sums and edge cases', function () {
  this.timeout(60000);
  let restore: { backend: string | null; installed: boolean } | undefined;

  before(async function () {
    if (findAddon() === undefined) {
      const why = 'the native addon is not built (npm run build:native; needs libdnnl-dev)';
      if (process.env.CONVLENS_REQUIRE_NATIVE === '1') throw new Error(`CONVLENS_REQUIRE_NATIVE=1 but ${why}`);
      console.log(`      skipping: ${why}`);
      this.skip();
    }
    restore = { backend: tf.getBackend() ?? null, installed: nativeKernelsInstalled(tf) };
    const info = await selectBackend(tf, 'wasm');
    assert.ok(info.nativeKernels?.kernels.includes('BatchMatMul') && info.nativeKernels.kernels.includes('Sum'));
  });

  after(async () => {
    if (!restore) return;
    if (restore.installed) installNativeKernels(tf); else uninstallNativeKernels(tf);
    if (restore.backend) await tf.setBackend(restore.backend);
  });

  // [a shape, b shape, transposeA, transposeB]: a dense layer's forward pass and both of its
  // gradients (dW = xᵀ·dy, dx = dy·Wᵀ), batched products, and NumPy-style batch broadcasts —
  // the last two broadcast shapes are ones the native kernel hands back to wasm's.
  const PRODUCTS: Array<[number[], number[], boolean, boolean]> = [
    [[64, 576], [576, 64], false, false],
    [[64, 576], [64, 64], true, false],
    [[64, 64], [576, 64], false, true],
    [[7, 5], [3, 7], true, true],
    [[3, 4, 5], [3, 5, 2], false, false],
    [[3, 5, 4], [3, 2, 5], true, true],
    [[1, 1, 2, 3], [4, 3, 5], false, false],
    [[2, 3], [1, 1, 3, 5], false, false],
    [[4, 2, 3], [3, 5], false, false],
    [[2, 1, 2, 3], [1, 3, 3, 4], false, false],
    [[4, 2, 3], [1, 4, 3, 5], false, false],
  ];
  PRODUCTS.forEach(([as, bs, ta, tb], i) => {
    it(`BatchMatMul ${as.join('x')}${ta ? 'ᵀ' : ''} · ${bs.join('x')}${tb ? 'ᵀ' : ''} matches cpu`, async () => {
      const [av, bv] = [randn(as, 10 * i), randn(bs, 10 * i + 1)];
      await sameOnBoth(() => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb));
    });
  });

  it('BatchMatMul with an empty inner or outer dimension matches cpu (zeros / empty)', async () => {
    await sameOnBoth(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])));
    await sameOnBoth(() => tf.matMul(tf.zeros([0, 3]), tf.ones([3, 4])));
    // An empty batch broadcast against a single matrix, either side: an empty result of the
    // broadcast shape (cpu's own answers carry a stray value there, so shapes and sizes only).
    for (const [as, bs, out] of [[[0, 2, 3], [3, 4], [0, 2, 4]], [[1, 2, 3], [0, 3, 4], [0, 2, 4]]]) {
      const r = await on('wasm', () => tf.matMul(tf.ones(as), tf.ones(bs)));
      assert.deepStrictEqual([r.shape, r.values.length], [out, 0]);
    }
  });

  // Bias gradients sum over every axis but the last; other reductions go to wasm's kernel.
  const SUMS: Array<[number[], number | number[], boolean]> = [
    [[64, 26, 26, 32], [0, 1, 2], false],
    [[64, 10], 0, false],
    [[4, 5, 6], [1, 0], true],
    [[4, 5, 6], [-3, -2], false],
    [[4, 5, 6], [0, 2], false],
    [[4, 5, 6], 2, true],
    [[7], 0, false],
  ];
  SUMS.forEach(([shape, axis, keepDims], i) => {
    it(`Sum of ${shape.join('x')} over ${JSON.stringify(axis)}${keepDims ? ' (keepDims)' : ''} matches cpu`, async () => {
      const v = randn(shape, 500 + i);
      await sameOnBoth(() => tf.sum(tf.tensor(v, shape), axis, keepDims));
    });
  });

  it('Sum of int32 and of empty tensors matches cpu', async () => {
    await sameOnBoth(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    await sameOnBoth(() => tf.sum(tf.zeros([3, 0]), 0));
    await sameOnBoth(() => tf.sum(tf.zeros([0, 3]), 0));
  });

  it('a 43,264-row bias gradient sums as accurately as cpu (double accumulation)', async () => {
    // conv1's bias gradient in the MNIST convnet: 64·26·26 rows of 32; values near 1 make
    // float32 accumulation drift, so compare with a float64 sum of the same floats.
    const shape = [64 * 26 * 26, 32];
    const v = Float32Array.from(randn(shape, 900), (x) => 1 + 0.1 * x);
    const exact = new Float64Array(32);
    v.forEach((x, i) => (exact[i % 32] += x));
    const native = await on('wasm', () => tf.sum(tf.tensor(v, shape), 0));
    native.values.forEach((s, c) => assert.ok(Math.abs(s - exact[c]) / exact[c] < 1e-6, `column ${c}: ${s} vs ${exact[c]}`));
  });

  // Conv2DTranspose (DCGAN's generator, VAE decoders) runs forward on the Conv2DBackpropInput
  // kernel, with the layer's output size as the "input shape": strides 2, both paddings.
  const TRANSPOSED: Array<[number[], number[], number, 'same' | 'valid', number[]]> = [
    [[2, 7, 7, 8], [4, 4, 3, 8], 2, 'same', [2, 14, 14, 3]],
    [[2, 5, 6, 4], [3, 3, 2, 4], 2, 'valid', [2, 11, 13, 2]],
    [[1, 4, 4, 3], [5, 5, 6, 3], 1, 'same', [1, 4, 4, 6]],
  ];
  TRANSPOSED.forEach(([xs, fs, stride, pad, outShape], i) => {
    it(`conv2dTranspose ${xs.join('x')} → ${outShape.join('x')} (stride ${stride}, ${pad}) and its gradients match cpu`, async () => {
      const [xv, fv, rv] = [randn(xs, 700 + i), randn(fs, 710 + i), randn(outShape, 720 + i)];
      const run = (which: 0 | 1 | 2) => () => {
        const [x, f, r] = [tf.tensor4d(xv, xs as [number, number, number, number]), tf.tensor4d(fv, fs as [number, number, number, number]), tf.tensor(rv, outShape)];
        const deconv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape as [number, number, number, number], stride, pad);
        if (which === 0) return deconv(x, f);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(deconv(a, b), r)))([x, f])[which - 1];
      };
      for (const which of [0, 1, 2] as const) await sameOnBoth(run(which));
    });
  });

  it('MaxPoolGrad with NaN and -Infinity in a window follows cpu (NaN never wins; all -Infinity: no gradient)', async () => {
    const cases: number[][] = [
      [NaN, 1, 2, 0],
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [-Infinity, NaN, -Infinity, 3],
    ];
    for (const values of cases) {
      await sameOnBoth(() => tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d(values, [1, 2, 2, 1])));
    }
  });
});

describe('native kernels: an addon that refuses', () => {
  it('frees the output it made, reports once, and hands the call to the replaced kernel', () => {
    // A stand-in addon and backend: every addon call throws as oneDNN does for a geometry it rejects.
    const refuse = (): never => { throw new Error('oneDNN: could not create a descriptor'); };
    const addon = { conv2d: refuse, maxPoolGrad: refuse, batchMatMul: refuse, sumRows: refuse, setThreads: () => 1, info: () => ({ onednn: '2.6.3', threads: 1 }) };
    const made: object[] = [];
    const freed: object[] = [];
    const backend = {
      wasm: { HEAPU8: new Uint8Array(1024) },
      dataIdMap: { get: () => ({ memoryOffset: 0 }) },
      makeOutput: (shape: number[], dtype: tf.DataType) => { const info = { dataId: {}, shape, dtype }; made.push(info.dataId); return info; },
      disposeData: (dataId: object) => { freed.push(dataId); return true; },
    };
    const logs: string[] = [];
    const table = nativeKernelTable(tf, addon, (l) => logs.push(l));
    const args = (inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => ({ inputs, backend, attrs });
    const info = (shape: number[]): tf.TensorInfo => ({ dataId: {}, shape, dtype: 'float32' });
    const conv = args({ x: info([1, 5, 5, 1]), filter: info([3, 3, 1, 2]) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
    assert.strictEqual(table.Conv2D(conv), undefined);
    assert.strictEqual(table.Conv2D(conv), undefined);
    assert.strictEqual(table.Sum(args({ x: info([4, 3]) }, { axis: 0, keepDims: false })), undefined);
    assert.deepStrictEqual(freed, made, 'every output made was freed');
    assert.deepStrictEqual(logs, [
      'ConvLens native Conv2D fell back to the wasm kernel: oneDNN: could not create a descriptor',
      'ConvLens native Sum fell back to the wasm kernel: oneDNN: could not create a descriptor',
    ]);
  });
});
