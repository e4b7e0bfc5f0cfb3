/**
 * Filter patterns (Chollet's gradient ascent) on a convnet trained on synthetic shapes: a
 * pattern excites its filter far more than real images do, the same seed gives the same
 * pattern, an abort stops within a step, nothing leaks; the first layer's kernels as images.
 */
import * as assert from 'assert';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { mulberry32, subSeed } from '../../src/core/engine/data/rng';
import { syntheticSample } from '../../src/core/engine/data/synthetic';
import { loadSharp } from '../../src/core/engine/data/sharp';
import { filterPatterns, firstConvKernels } from '../../src/core/viz/inspect/filters';
import { loadInspectable, type Inspectable } from '../../src/core/viz/inspect/load';
import { trainedRun } from './inspectFixture';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof tfjs;

/** A PNG data URL's pixels, `channels` per pixel (sharp may read a greyscale PNG as RGB). */
async function decodePng(url: string, channels: number): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  let img = loadSharp()(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
  if (channels === 1) img = img.extractChannel(0);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('inspect: filter patterns', function () {
  this.timeout(120000);
  let loaded: Inspectable;
  const LAYER = 'conv2d_1';
  /** Mean activation of each filter of LAYER on these images (N×24×24×1, the model's pixel range): an independent forward pass. */
  let meanActivation: (images: tfjs.Tensor4D) => number[][];

  before(async () => {
    await selectBackend(tf, 'wasm');
    const run = await trainedRun();
    loaded = await loadInspectable(tf, run.runDir, 'wasm');
    const sub = tf.model({ inputs: loaded.model.inputs, outputs: loaded.model.getLayer(LAYER).output });
    meanActivation = (images) => tf.tidy(() => (sub.predict(images) as tfjs.Tensor4D).mean([1, 2]).arraySync() as number[][]);
  });
  after(() => loaded.model.dispose());

  // Chollet's 40 steps of 1/255 move a pattern only a little on a small net trained on [0, 1]
  // images (measured: 1.5× the real images' mean at 40 steps, 3.7× at 200, 6.9× at 400); the
  // step count is the user's choice, and 400 shows that the ascent climbs.
  const STEPS = 400;
  it('patterns excite their filter far more than real images do', async () => {
    const { info } = loaded;
    const shape: [number, number, number] = [info.input.height, info.input.width, info.input.channels];
    const real = tf.tidy<tfjs.Tensor4D>(() => tf.stack(Array.from({ length: 20 }, (_, i) => tf.tensor3d(syntheticSample(i, shape).pixels, shape))).mul(info.pixelScale));
    const perImage = meanActivation(real);
    // The same images shown as a pattern is (Chollet's deprocess: centre, 0.1 std, + 0.5, clip), to compare at equal contrast.
    const realShown = tf.tidy<tfjs.Tensor4D>(() => {
      const x = real.div(info.pixelScale);
      const { mean, variance } = tf.moments(x, [1, 2, 3], true);
      return x.sub(mean).div(variance.sqrt().add(1e-5)).mul(0.1).add(0.5).clipByValue(0, 1).mul(info.pixelScale);
    });
    const perShown = meanActivation(realShown);
    tf.dispose([real, realShown]);
    const filters = Array.from({ length: 8 }, (_, i) => i);
    const realMean = filters.map((f) => perImage.reduce((a, row) => a + row[f], 0) / perImage.length);
    const shownMean = filters.map((f) => perShown.reduce((a, row) => a + row[f], 0) / perShown.length);
    const patterns = await filterPatterns(tf, loaded.model, info, { layer: LAYER, filters, steps: STEPS, seed: 1 });
    assert.deepStrictEqual(patterns.map((p) => p.index), filters);
    // The deprocessed PNG too: what the user sees must still excite the filter.
    const pngs = await Promise.all(patterns.map((p) => decodePng(p.image, info.input.channels)));
    const pngBatch = tf.tidy(() => tf.stack(pngs.map((d) => tf.tensor3d(Float32Array.from(d.data, (v) => (v / 255) * info.pixelScale), shape))) as tfjs.Tensor4D);
    const pngActivation = meanActivation(pngBatch).map((row, i) => row[filters[i]]);
    pngBatch.dispose();
    // A filter the ascent leaves practically silent (under 1e-3, as filter 3 of this net, which
    // real images hardly excite either) has no pattern for the display to show.
    const live = filters.filter((f) => patterns[f].activation > 1e-3);
    const ratio = (values: number[], base = realMean): number => live.reduce((a, f) => a + values[f], 0) / live.reduce((a, f) => a + base[f], 0);
    const rows = filters.map((f) => `${f}: real ${realMean[f].toFixed(4)} start ${patterns[f].startActivation.toFixed(4)} pattern ${patterns[f].activation.toFixed(4)} png ${pngActivation[f].toFixed(4)}`);
    console.log(`      ${rows.join('\n      ')}\n      live filters ${live.length}/${filters.length}, ${STEPS} steps: pattern/real ${ratio(patterns.map((p) => p.activation)).toFixed(1)}×, png/real ${ratio(pngActivation).toFixed(1)}×, png/real shown alike ${ratio(pngActivation, shownMean).toFixed(1)}×`);
    for (const p of patterns) assert.ok(p.activation >= p.startActivation, `filter ${p.index} went down`);
    assert.ok(live.length >= filters.length / 2, `only ${live.length} filters respond at all`);
    assert.ok(ratio(patterns.map((p) => p.activation)) > 4);
    // Each start is Chollet's grey plus noise in the model's units: recomputed here from the noise seed.
    const starts = tf.tidy(() => tf.stack(filters.map((f) => {
      const rng = mulberry32(subSeed(1, f));
      return tf.tensor3d(Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => ((rng() * 20 + 128) / 255) * info.pixelScale), shape);
    })) as tfjs.Tensor4D);
    const startActivation = meanActivation(starts).map((row, i) => row[filters[i]]);
    starts.dispose();
    patterns.forEach((p, i) => assert.ok(Math.abs(p.startActivation - startActivation[i]) < 1e-4, `filter ${p.index}: start ${p.startActivation} vs ${startActivation[i]}`));
    // What the user sees (the deprocessed PNG) still excites the filter more than the start did.
    for (const f of live) assert.ok(pngActivation[f] > patterns[f].startActivation, `filter ${f}: png ${pngActivation[f]} vs start ${patterns[f].startActivation}`);
  });

  it('the same seed gives the same pattern, another seed another; PNGs at the input size', async () => {
    const request = { layer: LAYER, filters: [2], steps: 5, seed: 7 };
    const [a] = await filterPatterns(tf, loaded.model, loaded.info, request);
    const [b] = await filterPatterns(tf, loaded.model, loaded.info, request);
    const [c] = await filterPatterns(tf, loaded.model, loaded.info, { ...request, seed: 8 });
    assert.deepStrictEqual(a, b);
    assert.notStrictEqual(a.image, c.image);
    const png = await decodePng(a.image, 1);
    assert.deepStrictEqual([png.height, png.width], [loaded.info.input.height, loaded.info.input.width]);
  });

  it('reports each pattern as it finishes and stops promptly on abort', async () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const done = await filterPatterns(tf, loaded.model, loaded.info, { layer: LAYER, filters: [0, 1, 2, 3], steps: 3, seed: 1 }, {
      signal: controller.signal,
      onPattern: (p) => { seen.push(p.index); if (seen.length === 2) controller.abort(); },
    });
    assert.deepStrictEqual(seen, [0, 1]);
    assert.deepStrictEqual(done.map((p) => p.index), [0, 1]);
    // Mid-pattern: 100,000 steps would take minutes; the abort lands within a step.
    const mid = new AbortController();
    const t = Date.now();
    setTimeout(() => mid.abort(), 200);
    const none = await filterPatterns(tf, loaded.model, loaded.info, { layer: LAYER, filters: [0], steps: 100000, seed: 1 }, { signal: mid.signal });
    assert.strictEqual(none.length, 0);
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
  });

  it('leaks no tensors across repeated and aborted calls', async () => {
    const request = { layer: LAYER, filters: [0, 5], steps: 3, seed: 1 };
    await filterPatterns(tf, loaded.model, loaded.info, request);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await filterPatterns(tf, loaded.model, loaded.info, request);
    const controller = new AbortController();
    await filterPatterns(tf, loaded.model, loaded.info, request, { signal: controller.signal, onPattern: () => controller.abort() });
    await firstConvKernels(tf, loaded.model, loaded.info);
    assert.strictEqual(tf.memory().numTensors, before);
  });

  it('refuses a layer that is not a conv layer, listing those that are, and filters it does not have', async () => {
    await assert.rejects(filterPatterns(tf, loaded.model, loaded.info, { layer: 'max_pooling2d', filters: [0], steps: 1, seed: 1 }),
      { name: 'DataError', message: "'max_pooling2d' (MaxPooling2D) is not a conv layer; the conv layers are conv2d, conv2d_1" });
    await assert.rejects(filterPatterns(tf, loaded.model, loaded.info, { layer: 'nope', filters: [0], steps: 1, seed: 1 }), /no layer named 'nope'; the conv layers are conv2d, conv2d_1/);
    await assert.rejects(filterPatterns(tf, loaded.model, loaded.info, { layer: LAYER, filters: [16], steps: 1, seed: 1 }), /conv2d_1 has filters 0 to 15; there is no filter 16/);
  });

  it("draws the first conv layer's kernels, each normalised to 0–255 on its own", async () => {
    const kernels = await firstConvKernels(tf, loaded.model, loaded.info);
    assert.ok(kernels);
    assert.strictEqual(kernels.layer, 'conv2d');
    assert.deepStrictEqual(kernels.shape, [3, 3, 1]);
    assert.strictEqual(kernels.images.length, 8);
    // The expected bytes from the weights themselves: (w − min) / (max − min) · 255 per filter.
    const w = loaded.model.getLayer('conv2d').getWeights()[0].arraySync() as number[][][][];
    const filter = 3;
    const values = w.flatMap((row) => row.map((col) => col[0][filter]));
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const expected = values.map((v) => Math.round(((v - min) / (max - min)) * 255));
    const png = await loadSharp()(Buffer.from(kernels.images[filter].split(',')[1], 'base64')).extractChannel(0).resize(3, 3, { kernel: 'nearest' }).raw().toBuffer();
    assert.deepStrictEqual([...png].map((v, i) => Math.abs(v - expected[i]) <= 1), expected.map(() => true), `${[...png].join(',')} vs ${expected.join(',')}`);
  });
});
