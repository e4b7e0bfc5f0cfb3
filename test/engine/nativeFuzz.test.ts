/**
 * Random convolution and pooling geometries through the native kernels (wasm + oneDNN)
 * against TF.js' cpu backend: shapes the hand-picked cases in nativeKernels.test.ts do not
 * reach (stride 3, different strides per axis, explicit numeric padding, 1-pixel images,
 * kernels as large as the input). Forward output and both gradients must agree within 1e-4;
 * a geometry the addon mis-reads shows up as a large difference or a thrown oneDNN error.
 * fast-check keeps the runs reproducible (fixed seed). Skips without the addon, except under
 * CONVLENS_REQUIRE_NATIVE=1 (CI).
 */
import * as assert from 'assert';
import * as fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { findAddon, installNativeKernels, nativeKernelsInstalled, uninstallNativeKernels } from '../../src/core/engine/backend/nativeKernels';

interface Geometry {
  n: number; h: number; w: number; cin: number; cout: number;
  kh: number; kw: number; sh: number; sw: number; dilation: number; pad: 'valid' | 'same' | number;
}

/** Valid geometries only: TF forbids strides > 1 with dilation > 1, and 'valid' needs the kernel to fit. */
const geometry: fc.Arbitrary<Geometry> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }),
    cin: fc.integer({ min: 1, max: 5 }), cout: fc.integer({ min: 1, max: 5 }),
    kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }), dilation: fc.integer({ min: 1, max: 2 }),
    pad: fc.oneof(fc.constant('valid' as const), fc.constant('same' as const), fc.integer({ min: 0, max: 2 })),
  })
  .map((g) => (g.dilation > 1 ? { ...g, sh: 1, sw: 1 } : g))
  // TF.js computes the output size of a numeric pad with the first axis' kernel size and
  // stride for both axes (every backend alike), so numeric pads get square kernels and
  // equal strides here.
  .map((g) => (typeof g.pad === 'number' ? { ...g, kw: g.kh, sw: g.sh } : g))
  .filter((g) => {
    const pad = typeof g.pad === 'number' ? 2 * g.pad : 0;
    const fits = (size: number, k: number) => size + pad >= (k - 1) * g.dilation + 1;
    return g.pad === 'same' || (fits(g.h, g.kh) && fits(g.w, g.kw));
  });

function values(shape: number[], seed: number): Float32Array {
  return Float32Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));
}

/** conv output and the gradients of sum(conv * r) wrt x and the filter, read back. */
async function convOn(backend: string, g: Geometry, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xShape: [number, number, number, number] = [g.n, g.h, g.w, g.cin];
  const fShape: [number, number, number, number] = [g.kh, g.kw, g.cin, g.cout];
  const outShape = tf.backend_util.computeConv2DInfo(xShape, fShape, [g.sh, g.sw], g.dilation, g.pad).outShape;
  const ts = tf.tidy(() => {
    const [x, f, r] = [tf.tensor(values(xShape, seed), xShape), tf.tensor(values(fShape, seed + 1), fShape), tf.tensor(values(outShape, seed + 2), outShape)];
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [g.sh, g.sw], g.pad, 'NHWC', g.dilation);
    return [conv(x, f), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, f])];
  });
  const out = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(ts);
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.strictEqual(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe('native kernels: random geometries against cpu (fast-check)', function () {
  this.timeout(120000);
  let restore: { backend: string | null; installed: boolean } | undefined;

  before(async function () {
    if (findAddon() === undefined) {
      if (process.env.CONVLENS_REQUIRE_NATIVE === '1') throw new Error('CONVLENS_REQUIRE_NATIVE=1 but the native addon is not built');
      console.log('      skipping: the native addon is not built (npm run build:native)');
      this.skip();
    }
    restore = { backend: tf.getBackend() ?? null, installed: nativeKernelsInstalled(tf) };
    assert.ok((await selectBackend(tf, 'wasm')).nativeKernels);
  });

  after(async () => {
    if (!restore) return;
    if (restore.installed) installNativeKernels(tf); else uninstallNativeKernels(tf);
    if (restore.backend) await tf.setBackend(restore.backend);
  });

  it('Conv2D forward, input gradient and filter gradient agree with cpu on 200 random geometries', async () => {
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(geometry, fc.integer({ min: 1, max: 1e6 }), async (g, seed) => {
        const [native, cpu] = [await convOn('wasm', g, seed), await convOn('cpu', g, seed)];
        native.forEach((t, k) => {
          const d = maxDiff(t, cpu[k]);
          worst = Math.max(worst, d);
          assert.ok(d <= 1e-4, `${['y', 'dx', 'dfilter'][k]} differs by ${d} for ${JSON.stringify(g)}`);
        });
      }),
      { numRuns: 200, seed: 20261128 },
    );
    console.log(`      worst |diff| over 200 geometries: ${worst.toExponential(2)}`);
  });
});
