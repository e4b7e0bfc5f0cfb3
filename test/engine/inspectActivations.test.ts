/**
 * Feature maps, predictions and the prepared image (src/core/viz/inspect/): activations equal
 * TF.js' own sub-model outputs, dead channels are found, predictions read any classifier head,
 * and 50 mixed requests leave no tensor behind.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { loadSharp } from '../../src/core/engine/data/sharp';
import { channelValues, layerActivations, normaliseChannel } from '../../src/core/viz/inspect/activations';
import { jet, viridis } from '../../src/core/viz/inspect/colormap';
import { gradCam } from '../../src/core/viz/inspect/gradcam';
import { prepareImage } from '../../src/core/viz/inspect/image';
import { predict } from '../../src/core/viz/inspect/predict';
import { inspectInfo, seededRandom } from '../helpers/inspectModels';

/** A data URL's PNG size and channels. */
async function pngSize(dataUrl: string): Promise<[number, number, number]> {
  const meta = await loadSharp()(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();
  return [meta.width, meta.height, meta.channels];
}

/** conv 'c1' (4 filters; filter 2 has a zero kernel and bias −1, so after ReLU it is dead) → pool → conv → flatten → dense softmax. */
function netWithDeadFilter(): tf.Sequential {
  const model = tf.sequential({
    name: 'dead',
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', name: 'c2' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  const rand = seededRandom(9);
  model.setWeights(
    model.getWeights().map((w, i) => {
      const values = Array.from({ length: w.size }, () => rand() - 0.3);
      if (i === 0) for (let k = 0; k < w.size; k++) if (k % 4 === 2) values[k] = 0; // kernel [3, 3, 3, 4]: output channel 2
      if (i === 1) values[2] = -1;
      return tf.tensor(values, w.shape);
    }),
  );
  return model;
}

describe('inspect: activations, predictions, prepared images', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('activations equal the sub-model tf.model({inputs, outputs: layer.output}) to 1e-6; the dead channel is flagged', async () => {
    const model = netWithDeadFilter();
    const info = inspectInfo(model, ['a', 'b', 'c']);
    const x = tf.randomUniform<tf.Rank.R4>([1, 10, 10, 3], 0, 1, 'float32', 5);
    for (const name of ['c1', 'p1', 'c2']) {
      const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output });
      const expected = sub.predict(x) as tf.Tensor4D;
      const [, h, w, depth] = expected.shape;
      const expectedData = expected.dataSync();
      expected.dispose();
      const values = await channelValues(tf, model, x, name, [h, w, depth]);
      const result = await layerActivations(tf, model, info, x, name);
      assert.deepStrictEqual(result.shape, [h, w, depth]);
      assert.strictEqual(result.channels.length, depth);
      for (let c = 0; c < depth; c++) {
        const channel = Array.from({ length: h * w }, (_, p) => expectedData[p * depth + c]);
        channel.forEach((v, p) => assert.ok(Math.abs(v - values[c * h * w + p]) < 1e-6, `${name} channel ${c} pixel ${p}`));
        const stats = result.channels[c];
        assert.ok(stats);
        assert.ok(Math.abs(stats.min - Math.min(...channel)) < 1e-6 && Math.abs(stats.max - Math.max(...channel)) < 1e-6);
        assert.ok(Math.abs(stats.mean - channel.reduce((s, v) => s + v, 0) / channel.length) < 1e-6);
        assert.strictEqual(
          stats.dead,
          channel.every((v) => v === 0),
          `${name} channel ${c}: dead flag`,
        );
      }
    }
    const c1 = await layerActivations(tf, model, info, x, 'c1');
    assert.deepStrictEqual(
      c1.channels.map((c) => c.dead),
      [false, false, true, false],
    );
    // Each channel is an RGB picture enlarged to at least 64 px (8×8 maps × 8).
    assert.deepStrictEqual(await pngSize(c1.channels[0]?.image ?? ''), [64, 64, 3]);
    await assert.rejects(layerActivations(tf, model, info, x, 'flat'), { name: 'DataError', message: /layers with feature maps: c1, p1, c2$/ });
    x.dispose();
    model.dispose();
  });

  it("Chollet's per-channel normalisation: (v − mean) / std × 64 + 128, clipped; a constant channel is mid-grey", () => {
    // Values 0 and 2: mean 1, std 1, so 64 and 192; 0, 0, 0, 10: mean 2.5, std 4.33, so 10 → 128 + 64·7.5/4.33 = 238.9.
    assert.deepStrictEqual(
      Array.from(normaliseChannel(new Float32Array([0, 2])), (v) => Math.round(v * 255)),
      [64, 192],
    );
    const std = Math.sqrt((3 * 2.5 ** 2 + 7.5 ** 2) / 4);
    assert.ok(Math.abs(normaliseChannel(new Float32Array([0, 0, 0, 10]))[3] * 255 - (128 + (64 * 7.5) / std)) < 1e-3);
    assert.deepStrictEqual(
      Array.from(normaliseChannel(new Float32Array([0, 0, 0])), (v) => Math.round(v * 255)),
      [128, 128, 128],
    );
  });

  it("colour maps hit matplotlib's published points", () => {
    // viridis: _viridis_data[0], [128], [255]; jet: _jet_data's breakpoints (blue 0.5 at 0, green 1 at 0.5, red 0.5 at 1).
    assert.deepStrictEqual(
      viridis(0),
      [0.267004, 0.004874, 0.329415].map((v) => Math.round(v * 255)),
    );
    assert.deepStrictEqual(
      viridis(128 / 255),
      [0.127568, 0.566949, 0.550556].map((v) => Math.round(v * 255)),
    );
    assert.deepStrictEqual(
      viridis(1),
      [0.993248, 0.906157, 0.143936].map((v) => Math.round(v * 255)),
    );
    assert.deepStrictEqual(jet(0), [0, 0, 128]);
    assert.deepStrictEqual(jet(0.5), [Math.round(((0.5 - 0.35) / (0.66 - 0.35)) * 255), 255, Math.round(((0.65 - 0.5) / (0.65 - 0.34)) * 255)]);
    assert.deepStrictEqual(jet(1), [128, 0, 0]);
  });

  it('predictions: softmax as is, logits through softmax, one sigmoid unit as two classes', () => {
    const x = tf.randomUniform<tf.Rank.R4>([1, 4, 4, 1], 0, 1, 'float32', 2);
    const build = (units: number, activation: 'softmax' | 'sigmoid' | 'linear'): tf.Sequential =>
      tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [4, 4, 1] }),
          tf.layers.dense({ units, activation, kernelInitializer: tf.initializers.randomNormal({ seed: 4, stddev: 1 }) }),
        ],
      });

    const logits = build(7, 'linear');
    const z = Array.from((logits.predict(x) as tf.Tensor).dataSync());
    const expSum = z.reduce((s, v) => s + Math.exp(v), 0);
    const top = predict(tf, logits, inspectInfo(logits, ['a', 'b', 'c', 'd', 'e', 'f', 'g']), x);
    assert.strictEqual(top.length, 5);
    const best = z.indexOf(Math.max(...z));
    assert.deepStrictEqual([top[0]?.index, top[0]?.label], [best, 'abcdefg'[best]]);
    top.forEach((s) => assert.ok(Math.abs(s.probability - Math.exp(z[s.index]) / expSum) < 1e-6));

    const binary = build(1, 'sigmoid');
    const p = (binary.predict(x) as tf.Tensor).dataSync()[0];
    const two = predict(tf, binary, inspectInfo(binary, ['cat', 'dog']), x);
    assert.deepStrictEqual(
      two.map((s) => s.label),
      p >= 0.5 ? ['dog', 'cat'] : ['cat', 'dog'],
    );
    two.forEach((s) => assert.ok(Math.abs(s.probability - (s.label === 'dog' ? p : 1 - p)) < 1e-6));
    tf.dispose([x]);
    logits.dispose();
    binary.dispose();
  });

  it('prepareImage: the sample at the input size, times pixelScale, with a PNG to show', async () => {
    const model = netWithDeadFilter();
    const info = { ...inspectInfo(model, ['a', 'b', 'c']), pixelScale: 255 };
    const { x, label, display } = await prepareImage(tf, info, { kind: 'synthetic', index: 3 });
    assert.deepStrictEqual(x.shape, [1, 10, 10, 3]);
    const max = x.max().dataSync()[0];
    assert.ok(max > 1 && max <= 255, `pixels are 0–255 (max ${max})`);
    assert.match(label, /synthetic/);
    assert.ok((await pngSize(display))[0] >= 112, 'enlarged for display');
    x.dispose();
    model.dispose();
  });

  it('no tensor leaks across 50 mixed predict / layerActivations / gradCam calls', async () => {
    const model = netWithDeadFilter();
    const info = inspectInfo(model, ['a', 'b', 'c']);
    const x = tf.randomUniform<tf.Rank.R4>([1, 10, 10, 3], 0, 1, 'float32', 8);
    // One call of each first: lazily created tensors (e.g. constants a kernel caches) are not leaks.
    predict(tf, model, info, x);
    await layerActivations(tf, model, info, x, 'c1');
    await gradCam(tf, model, info, x);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      if (i % 3 === 0) predict(tf, model, info, x);
      else if (i % 3 === 1) await layerActivations(tf, model, info, x, i % 2 ? 'c1' : 'c2');
      else await gradCam(tf, model, info, x, { classIndex: i % 3, layer: i % 2 ? 'p1' : undefined });
    }
    assert.strictEqual(tf.memory().numTensors, before);
    x.dispose();
    model.dispose();
  });
});
