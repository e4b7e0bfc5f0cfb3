/**
 * ConvLens' native (oneDNN) kernels for the TF.js wasm backend (nativeKernels.ts, native/src)
 * against TF.js' stock cpu kernels. The addon gets TF.js' sizes and pads as raw integers and
 * writes straight into the wasm heap, so a wrong pad, a layout mix-up or a wrong offset shows
 * up here as a large difference or a wrong tie winner, not as a slightly worse training curve.
 * It proves: Conv2D and its x / filter gradients match cpu within 1e-4 (valid/same, strides
 * 1/2, dilations 1/2, odd/even sizes, non-square kernels, 1 or more channels, batch > 1) and the
 * native kernels are the ones that run; MaxPoolGrad matches cpu and follows TF's tie rule
 * exactly (ReLU zeros make ties common in training); a small convnet trains and its weight
 * gradients match cpu; no tensor or wasm buffer leaks; bad input to the addon is a JS Error,
 * not a crash of the extension host; uninstalling restores the stock kernels.
 * The addon is optional: the suite skips when it is not built, except under
 * CONVLENS_REQUIRE_NATIVE=1 (CI), where a missing addon fails.
 */

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import {
  TESTED_WASM_BACKEND,
  NATIVE_KERNEL_NAMES, findAddon, installNativeKernels, loadAddon, nativeKernelsInstalled, uninstallNativeKernels,
} from '../../src/core/engine/backend/nativeKernels';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same';

/** nativeKernels.ts marks its kernel functions with this global symbol. */
const NATIVE_MARK = Symbol.for('convlens.nativeKernel.original');
const isNative = (name: string): boolean => NATIVE_MARK in ((tf.getKernel(name, 'wasm')?.kernelFunc ?? {}) as object);

/** Seeded data, made once and given to both backends as the same floats. */
function randn(shape: number[], seed: number): Float32Array {
  return Float32Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));
}
/** Small non-negative integers, mostly 0 (relu of rounded noise): ties in nearly every window. */
function tiedInts(shape: number[], seed: number): Float32Array {
  return Float32Array.from(tf.tidy(() => tf.relu(tf.round(tf.randomNormal(shape, 0, 1.5, 'float32', seed))).dataSync()));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.strictEqual(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const maxAbs = (a: ArrayLike<number>): number => maxAbsDiff(a, new Float32Array(a.length));

/** Runs `fn` on a backend and reads its tensors back; everything it made is disposed. */
async function on(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const ts = tf.tidy(fn);
  const out = await Promise.all(ts.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(ts);
  return out;
}

interface ConvCase { x: Shape4; f: Shape4; pad: Pad; strides: number; dilations: number }

/** y = conv(x, f) and the gradients of sum(conv(x, f) * r) wrt x and f (r: fixed random). */
function convRun(c: ConvCase, seed: number): () => tf.Tensor[] {
  const out = tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, c.dilations, c.pad).outShape;
  const [xs, fs, rs] = [randn(c.x, seed), randn(c.f, seed + 1), randn(out, seed + 2)];
  return () => {
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
    const [x, f, r] = [tf.tensor(xs, c.x), tf.tensor(fs, c.f), tf.tensor(rs, out)];
    return [conv(x, f), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, f])];
  };
}

interface PoolCase { x: Shape4; k: number; s: number; pad: Pad }
const poolOut = (c: PoolCase) => tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad).outShape;

/** The gradient of sum(maxPool(x) * r) wrt x. */
function poolRun(c: PoolCase, xs: Float32Array, rs: Float32Array): () => tf.Tensor[] {
  return () => {
    const r = tf.tensor(rs, poolOut(c));
    return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), r)))(tf.tensor(xs, c.x))];
  };
}

/** TF's rule in plain JS: each window's dy goes to its first maximum; also counts tied windows. */
function poolGradRef(c: PoolCase, x: Float32Array, dy: Float32Array): { dx: Float32Array; ties: number } {
  const info = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad);
  const [N, H, W, C] = c.x;
  const dx = new Float32Array(x.length);
  let ties = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < info.outHeight; oh++)
      for (let ow = 0; ow < info.outWidth; ow++)
        for (let ch = 0; ch < C; ch++) {
          let best = -Infinity, at = -1, count = 0;
          for (let kh = 0; kh < c.k; kh++)
            for (let kw = 0; kw < c.k; kw++) {
              const ih = oh * c.s - info.padInfo.top + kh, iw = ow * c.s - info.padInfo.left + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const i = ((n * H + ih) * W + iw) * C + ch;
              if (x[i] > best) [best, at, count] = [x[i], i, 1];
              else if (x[i] === best) count++;
            }
          if (count > 1) ties++;
          if (at >= 0) dx[at] += dy[((n * info.outHeight + oh) * info.outWidth + ow) * C + ch];
        }
  return { dx, ties };
}

const SHAPES: { x: Shape4; f: Shape4 }[] = [
  { x: [2, 9, 11, 3], f: [3, 2, 3, 4] }, // odd sizes, non-square kernel
  { x: [3, 10, 8, 1], f: [2, 3, 1, 5] }, // even sizes, one input channel
  { x: [2, 7, 6, 4], f: [4, 1, 4, 1] }, // one output channel, a 4x1 kernel
];
const CONV_CASES: ConvCase[] = [];
for (const s of SHAPES)
  for (const pad of ['valid', 'same'] as Pad[])
    for (const [strides, dilations] of [[1, 1], [2, 1], [1, 2]]) CONV_CASES.push({ ...s, pad, strides, dilations });

const POOL_CASES: { name: string; c: PoolCase }[] = [
  { name: '2x2 stride 2 valid, even size', c: { x: [2, 8, 8, 3], k: 2, s: 2, pad: 'valid' } },
  { name: '2x2 stride 2 valid, odd size', c: { x: [2, 9, 7, 3], k: 2, s: 2, pad: 'valid' } },
  { name: '3x3 stride 2 same (overlapping windows)', c: { x: [2, 9, 10, 2], k: 3, s: 2, pad: 'same' } },
];

describe('native kernels (oneDNN) on wasm', function () {
  this.timeout(120000);
  let restore: { backend: string | null; installed: boolean } | undefined;
  const worst = { conv: 0, pool: 0, model: 0 };

  before(async function () {
    if (findAddon() === undefined) {
      const why = 'the native addon is not built (npm run build:native; needs libdnnl-dev)';
      if (process.env.CONVLENS_REQUIRE_NATIVE === '1') throw new Error(`CONVLENS_REQUIRE_NATIVE=1 but ${why}`);
      console.log(`      skipping the native-kernel tests: ${why}`);
      this.skip();
    }
    restore = { backend: tf.getBackend() ?? null, installed: nativeKernelsInstalled(tf) };
    // A built addon that fails to load is a failure, never a skip.
    const info = await selectBackend(tf, 'wasm');
    assert.ok(info.nativeKernels, `native kernels unavailable: ${info.nativeKernelsUnavailable}`);
    const { library, version, threads, kernels } = info.nativeKernels;
    assert.ok(library === 'oneDNN' && /^\d+\.\d+\.\d+$/.test(version) && threads >= 1, JSON.stringify(info.nativeKernels));
    assert.deepStrictEqual(kernels, [...NATIVE_KERNEL_NAMES]);
  });

  after(async () => {
    if (!restore) return; // skipped
    console.log(`      max |diff| vs cpu: conv ${worst.conv.toExponential(2)}, maxPoolGrad ${worst.pool.toExponential(2)}, model gradients (relative) ${worst.model.toExponential(2)}`);
    if (restore.installed) installNativeKernels(tf); else uninstallNativeKernels(tf);
    if (restore.backend) await tf.setBackend(restore.backend);
  });

  CONV_CASES.forEach((c, i) => {
    it(`Conv2D and its gradients match cpu: x ${c.x.join('x')}, kernel ${c.f[0]}x${c.f[1]} ${c.f[2]}->${c.f[3]}, ${c.pad}, strides ${c.strides}, dilations ${c.dilations}`, async () => {
      const run = convRun(c, 100 * i);
      const [wasm, cpu] = [await on('wasm', run), await on('cpu', run)];
      ['y', 'dx', 'dfilter'].forEach((what, k) => {
        const d = maxAbsDiff(wasm[k], cpu[k]);
        worst.conv = Math.max(worst.conv, d);
        assert.ok(d <= 1e-4, `${what}: max |diff| ${d}`);
      });
    });
  });

  it('go in only on the wasm backend version they were tested with (package.json pins it)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const pinned = manifest.dependencies['@tensorflow/tfjs-backend-wasm'];
    assert.strictEqual(pinned, TESTED_WASM_BACKEND, 'the dependency is pinned to the tested version');
    assert.throws(() => installNativeKernels(tf, { wasmVersion: '4.23.0' }), /built and tested against @tensorflow\/tfjs-backend-wasm 4\.22\.0, and this is 4\.23\.0: training uses TF\.js' own wasm kernels/);
  });

  it('the kernels that run are the native ones (registry and tf.profile)', async () => {
    await tf.setBackend('wasm');
    assert.ok(nativeKernelsInstalled(tf));
    for (const name of NATIVE_KERNEL_NAMES) assert.ok(isNative(name), `${name} is the stock wasm kernel`);
    const x = tf.tensor(randn([2, 8, 8, 3], 7), [2, 8, 8, 3]);
    const f = tf.tensor(randn([3, 3, 3, 4], 8), [3, 3, 3, 4]);
    const prof = await tf.profile(() => tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), 2, 2, 'valid')))([x, f]));
    tf.dispose([x, f, prof.result]);
    for (const name of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad']) {
      assert.ok(prof.kernelNames.includes(name), `${name} did not run: ${prof.kernelNames.join(' ')}`);
    }
  });

  POOL_CASES.forEach(({ name, c }, i) => {
    it(`MaxPoolGrad matches cpu: ${name}`, async () => {
      const x = randn(c.x, 500 + i);
      const r = randn(poolOut(c), 600 + i);
      const [[wasm], [cpu]] = [await on('wasm', poolRun(c, x, r)), await on('cpu', poolRun(c, x, r))];
      const d = maxAbsDiff(wasm, cpu);
      worst.pool = Math.max(worst.pool, d);
      assert.ok(d <= 1e-4, `max |diff| ${d}`);
    });

    it(`MaxPoolGrad on ties gives the first maximum, exactly as cpu: ${name}`, async () => {
      const x = tiedInts(c.x, 700 + i);
      // Integer dy: sums of overlapping windows are exact in any order, so "exactly" is fair.
      const r = Float32Array.from(randn(poolOut(c), 800 + i), (v) => Math.round(4 * v));
      const ref = poolGradRef(c, x, r);
      assert.ok(ref.ties > r.length / 4, `only ${ref.ties} tied windows of ${r.length}: the case tests nothing`);
      const [[wasm], [cpu]] = [await on('wasm', poolRun(c, x, r)), await on('cpu', poolRun(c, x, r))];
      assert.deepStrictEqual(Array.from(wasm), Array.from(cpu));
      assert.deepStrictEqual(Array.from(wasm), Array.from(ref.dx));
    });
  });

  it('MaxPoolGrad on hand-made ties and padding', async () => {
    // (a) x = [[1, 1], [1, 1]], one 2x2 'valid' window, four equal maxima. TF scans the
    //     window row-major and only a strictly greater value replaces the best so far, so
    //     (0,0) wins: d sum(maxPool(x)) / dx = [[1, 0], [0, 0]].
    // (b) x = 3x3 of -1, 2x2 stride 2 'same': out 2x2, total pad (2-1)*2 + 2 - 3 = 1, split
    //     0 before / 1 after, so windows start at rows and cols 0 and 2 and the ones at 2 hang
    //     over the padding. Padding is -inf to TF (it never wins, although every real value is
    //     -1), so each window's first real cell wins: (0,0), (0,2), (2,0), (2,2).
    const cases: { x: number[]; shape: Shape4; pad: Pad; want: number[] }[] = [
      { x: [1, 1, 1, 1], shape: [1, 2, 2, 1], pad: 'valid', want: [1, 0, 0, 0] },
      { x: Array<number>(9).fill(-1), shape: [1, 3, 3, 1], pad: 'same', want: [1, 0, 1, 0, 0, 0, 1, 0, 1] },
    ];
    for (const c of cases) {
      const run = () => [tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, c.pad)))(tf.tensor(c.x, c.shape))];
      for (const backend of ['wasm', 'cpu']) {
        const [dx] = await on(backend, run);
        assert.deepStrictEqual(Array.from(dx), c.want, `${backend}, ${c.shape.join('x')} ${c.pad}`);
      }
    }
  });

  it('a small convnet trains on wasm + oneDNN, and its weight gradients match cpu', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed }); // a run is reproducible
    const build = () => tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        // A second conv, so the input gradient (Conv2DBackpropInput) is on the path too.
        tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
      ],
    });
    const n = 16;
    const xData = randn([n, 10, 10, 2], 900);
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    const data = () => [tf.tensor(xData, [n, 10, 10, 2]), tf.oneHot(tf.tensor1d(labels, 'int32'), 3)];
    const gradsOf = (model: tf.Sequential) => () => {
      const [xs, ys] = data();
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => tf.mean<tf.Scalar>(tf.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)), vars);
      return vars.map((v) => grads[v.name]);
    };

    await tf.setBackend('wasm');
    const model = build();
    const initial = model.getWeights().map((w) => ({ values: w.dataSync().slice() as Float32Array, shape: w.shape }));
    const wasm = await on('wasm', gradsOf(model));
    await tf.setBackend('cpu');
    const twin = build();
    const copies = initial.map((w) => tf.tensor(w.values, w.shape));
    twin.setWeights(copies);
    tf.dispose(copies);
    const cpu = await on('cpu', gradsOf(twin));
    twin.dispose();
    // Tolerance 1e-4 relative to each weight's largest gradient (absolute for gradients below 1):
    // the backends sum the same float32 products in different orders (oneDNN blocks and
    // vectorises), which moves the last bits of a sum by ~1e-7 of its largest terms, and
    // ReLU/max-pool make no discrete choice differently unless a value sits within that of a
    // kink. A wrong kernel (pad, layout, tie winner) is off by the order of the gradient itself.
    assert.strictEqual(wasm.length, 6);
    wasm.forEach((g, k) => {
      const d = maxAbsDiff(g, cpu[k]) / Math.max(1, maxAbs(cpu[k]));
      worst.model = Math.max(worst.model, d);
      assert.ok(d <= 1e-4, `weight ${k}: relative max |diff| ${d}`);
    });

    await tf.setBackend('wasm');
    model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
    const [xs, ys] = data();
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) losses.push((await model.trainOnBatch(xs, ys)) as number);
    assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
    // The same fixed batch every step, with RMSprop's default small step: the loss falls steadily.
    for (let k = 1; k < losses.length; k++) assert.ok(losses[k] < losses[k - 1], `loss rose at step ${k}: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('leaks neither tensors nor wasm buffers across repeated forward and gradient runs', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend as unknown as { numDataIds(): number };
    const x = tf.tensor<tf.Rank.R4>(randn([2, 9, 9, 3], 51), [2, 9, 9, 3]);
    const f = tf.tensor<tf.Rank.R4>(randn([3, 3, 3, 4], 52), [3, 3, 3, 4]);
    const all = () => {
      for (const [s, d, pad] of [[1, 1, 'valid'], [2, 1, 'same'], [1, 2, 'same']] as [number, number, Pad][]) {
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad, 'NHWC', d), 3, 2, 'same'));
        tf.dispose(tf.conv2d(x, f, s, pad, 'NHWC', d));
        tf.dispose(tf.grads(loss)([x, f]));
      }
    };
    all(); // warm-up: oneDNN plans and any backend state made on first use
    const before = { tensors: tf.memory().numTensors, dataIds: backend.numDataIds() };
    for (let i = 0; i < 3; i++) all();
    assert.deepStrictEqual({ tensors: tf.memory().numTensors, dataIds: backend.numDataIds() }, before);
    tf.dispose([x, f]);
  });

  it('bad input to the addon is a JS Error, not a crash', () => {
    const loaded = loadAddon(findAddon());
    if ('error' in loaded) throw new Error(loaded.error);
    const { addon } = loaded;
    // x 1x4x4x1, filter 3x3x1x1, 'valid': y 1x2x2x1, i.e. 16 + 9 + 4 floats, 116 bytes.
    const g = Int32Array.from([1, 4, 4, 1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0]);
    const outside = (e: unknown) => e instanceof Error && e.message.includes('outside the wasm heap');
    const small = new ArrayBuffer(64);
    assert.throws(() => addon.conv2d(0, small, 0, 64, 0, g), outside); // filter past the end
    assert.throws(() => addon.conv2d(2, small, -4, 0, 0, g), outside);
    assert.throws(() => addon.conv2d(0, small, 2, 0, 0, g), outside); // misaligned float
    assert.throws(() => addon.conv2d(0, small, NaN, 0, 0, g), outside);
    assert.throws(() => addon.maxPoolGrad(small, 0, 0, 60, Int32Array.from([1, 4, 4, 1, 2, 2, 2, 2, 2, 2, 0, 0])), outside);
    const big = new ArrayBuffer(4096);
    assert.throws(() => addon.conv2d(0, big, 0, 0, 0, new Int32Array(16)), /geometry must be an Int32Array of 17/);
    assert.throws(() => addon.maxPoolGrad(big, 0, 0, 0, new Int32Array(17)), /geometry must be an Int32Array of 12/);
    assert.throws(() => addon.conv2d(0, big, 0, 0, 0, Int32Array.from(g, (v, i) => (i === 4 ? -1 : v))), /negative size/);
    assert.throws(() => addon.conv2d(7 as 0, big, 0, 256, 512, g), /unknown convolution pass/);
    assert.throws(() => addon.conv2d(0, new Float32Array(1024) as unknown as ArrayBuffer, 0, 256, 512, g), /wasm heap/);
    // An output size that does not follow from the input: oneDNN refuses it (an Error, no write).
    // Twice: a failed plan must not stay behind in the addon's plan cache.
    const inconsistent = Int32Array.from(g, (v, i) => (i === 4 || i === 5 ? 3 : v));
    for (let i = 0; i < 2; i++) assert.throws(() => addon.conv2d(0, big, 0, 256, 512, inconsistent), /^Error: oneDNN: /);
    addon.conv2d(0, big, 0, 256, 512, g); // and the addon still works afterwards
  });

  it('uninstalling restores the stock kernels; selectBackend can opt out and back in', async () => {
    uninstallNativeKernels(tf);
    assert.ok(!nativeKernelsInstalled(tf));
    for (const name of NATIVE_KERNEL_NAMES) assert.ok(!isNative(name), `${name} is still native`);
    const c: ConvCase = { x: [2, 9, 8, 3], f: [3, 3, 3, 4], pad: 'same', strides: 2, dilations: 1 };
    const [wasm, cpu] = [await on('wasm', convRun(c, 40)), await on('cpu', convRun(c, 40))];
    wasm.forEach((w, k) => assert.ok(maxAbsDiff(w, cpu[k]) <= 1e-4, `output ${k} on the stock wasm kernels`));
    const pc = POOL_CASES[2].c, pool = poolRun(pc, randn(pc.x, 41), randn(poolOut(pc), 42));
    const [[pw], [pcpu]] = [await on('wasm', pool), await on('cpu', pool)];
    assert.ok(maxAbsDiff(pw, pcpu) <= 1e-4, 'stock wasm MaxPoolGrad');

    const off = await selectBackend(tf, 'wasm', { nativeKernels: false });
    assert.strictEqual(off.nativeKernels, undefined);
    assert.strictEqual(off.nativeKernelsUnavailable, undefined);
    assert.ok(!nativeKernelsInstalled(tf));
    const on2 = await selectBackend(tf, 'wasm');
    assert.ok(on2.nativeKernels && nativeKernelsInstalled(tf));
  });
});

describe('native kernels: a missing addon', () => {
  it('loadAddon of a file that is not there returns a one-line error', () => {
    const loaded = loadAddon('/nonexistent/x.node');
    assert.ok('error' in loaded);
    assert.match(loaded.error, /^the native kernels failed to load: Cannot find module '\/nonexistent\/x\.node'$/);
  });
});
