/**
 * Grad-CAM (src/core/viz/inspect/gradcam.ts) against the same formula computed independently:
 * the model's forward pass written out in plain JS (float64 loops over the known weights), the
 * gradient of the class logit by central finite differences of that JS forward pass, then
 * channel weights, ReLU, max-normalisation and TF's half-pixel bilinear resize in plain arrays.
 * Also: a conv base nested as a model gives the same heatmap as the same weights in a flat model.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { gradCam, gradCamMap } from '../../src/core/viz/inspect/gradcam';
import { inspectInfo, seededRandom } from '../helpers/inspectModels';

type Head = 'softmax' | 'sigmoid' | 'linear';
const H = 7;
const UNITS: Record<Head, number> = { softmax: 2, sigmoid: 1, linear: 3 };

/** input 7×7×1 → conv1 3×3×2 relu → conv2 2×2×3 (linear: no ReLU ties for the finite differences) → maxpool 2 → flatten → dense. */
function smallModel(head: Head, seed: number): { model: tf.LayersModel; weights: number[][] } {
  const model = tf.sequential({
    name: `small_${head}`,
    layers: [
      tf.layers.conv2d({ inputShape: [H, H, 1], filters: 2, kernelSize: 3, activation: 'relu', name: 'conv1' }),
      tf.layers.conv2d({ filters: 3, kernelSize: 2, name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: UNITS[head], activation: head, name: 'out' }),
    ],
  });
  const rand = seededRandom(seed);
  const weights = model.getWeights().map((w) => Array.from({ length: w.size }, () => rand() * 2 - 1));
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]?.shape)));
  return { model, weights };
}

/** Valid 2-D convolution, stride 1, TF's kernel layout [kh, kw, in, out]; `input` is h×w×c row-major. */
function conv(input: number[], h: number, w: number, c: number, kernel: number[], bias: number[], k: number, out: number, relu: boolean): number[] {
  const oh = h - k + 1;
  const ow = w - k + 1;
  const result: number[] = [];
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let f = 0; f < out; f++) {
        let s = bias[f];
        for (let di = 0; di < k; di++)
          for (let dj = 0; dj < k; dj++)
            for (let ci = 0; ci < c; ci++) s += input[((i + di) * w + (j + dj)) * c + ci] * kernel[((di * k + dj) * c + ci) * out + f];
        result.push(relu ? Math.max(0, s) : s);
      }
  return result;
}

/** The class's logit from conv2's output A (4×4×3): 2×2 max-pool, flatten (h, w, c order), dense without its activation. */
function logitFromA(a: number[], weights: number[][], head: Head, classIndex: number): number {
  const pooled: number[] = [];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let c = 0; c < 3; c++) pooled.push(Math.max(...[0, 1].flatMap((di) => [0, 1].map((dj) => a[((2 * i + di) * 4 + (2 * j + dj)) * 3 + c]))));
  const [kernel, bias] = [weights[4], weights[5]];
  const units = UNITS[head];
  const unit = units === 1 ? 0 : classIndex;
  let z = bias[unit];
  pooled.forEach((v, i) => (z += v * kernel[i * units + unit]));
  // A single sigmoid unit is class 1's logit; class 0's is its negation.
  return units === 1 && classIndex === 0 ? -z : z;
}

/** Grad-CAM at conv2's resolution (4×4), written plainly. */
function referenceCam(image: number[], weights: number[][], head: Head, classIndex: number): number[] {
  const a1 = conv(image, H, H, 1, weights[0], weights[1], 3, 2, true);
  const a = conv(a1, 5, 5, 2, weights[2], weights[3], 2, 3, false);
  const eps = 1e-5;
  const grad = a.map((_, i) => {
    const up = a.slice();
    const down = a.slice();
    up[i] = up[i] + eps;
    down[i] = down[i] - eps;
    return (logitFromA(up, weights, head, classIndex) - logitFromA(down, weights, head, classIndex)) / (2 * eps);
  });
  const channelWeight = [0, 1, 2].map((c) => grad.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0) / 16);
  const cam = Array.from({ length: 16 }, (_, p) =>
    Math.max(
      0,
      [0, 1, 2].reduce((s, c) => s + channelWeight[c] * a[p * 3 + c], 0),
    ),
  );
  const max = Math.max(...cam);
  return cam.map((v) => (max > 0 ? v / max : 0));
}

/** TF's bilinear resize with half-pixel centres (tf.image.resizeBilinear(…, false, true)), from its definition. */
function resizeBilinear(src: number[], inSize: number, outSize: number): number[] {
  const scale = inSize / outSize;
  const axis = (o: number): [number, number, number] => {
    const x = (o + 0.5) * scale - 0.5;
    return [Math.max(Math.floor(x), 0), Math.min(Math.ceil(x), inSize - 1), x - Math.floor(x)];
  };
  const out: number[] = [];
  for (let y = 0; y < outSize; y++) {
    const [y0, y1, fy] = axis(y);
    for (let x = 0; x < outSize; x++) {
      const [x0, x1, fx] = axis(x);
      const at = (r: number, c: number): number => src[r * inSize + c];
      const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
      const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
      out.push(top + (bottom - top) * fy);
    }
  }
  return out;
}

describe('Grad-CAM against an independent computation of the formula', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  for (const head of ['softmax', 'sigmoid', 'linear'] as const) {
    it(`${head} head: the heatmap equals the plain-JS finite-difference Grad-CAM for every class`, async () => {
      const { model, weights } = smallModel(head, head.length * 101);
      const info = inspectInfo(model, []);
      assert.strictEqual(info.lastConvLayer, 'conv2', 'the last feature-map layer with spatial size > 1 that is not a pooling');
      const rand = seededRandom(17);
      let nonZeroMaps = 0;
      for (let trial = 0; trial < 3; trial++) {
        const image = Array.from({ length: H * H }, () => rand());
        const x = tf.tensor4d(image, [1, H, H, 1]);
        for (let classIndex = 0; classIndex < Math.max(2, UNITS[head]); classIndex++) {
          const expected = referenceCam(image, weights, head, classIndex);
          if (Math.max(...expected) > 0) nonZeroMaps++;
          const cam = gradCamMap(tf, model, x, 'conv2', classIndex);
          const actual = Array.from(cam.dataSync());
          cam.dispose();
          actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-3, `class ${classIndex}, cell ${i}: ${v} vs ${expected[i]}`));

          const result = await gradCam(tf, model, info, x, { layer: 'conv2', classIndex });
          const resized = resizeBilinear(expected, 4, H);
          result.heatmap.values.flat().forEach((v, i) => assert.ok(Math.abs(v - resized[i]) < 1e-3, `resized pixel ${i}: ${v} vs ${resized[i]}`));
          assert.strictEqual(result.target.index, classIndex);
          if (Math.max(...resized) > 0) {
            const peak = resized.indexOf(Math.max(...resized));
            assert.ok(
              resized[result.peak.y * H + result.peak.x] > Math.max(...resized) - 1e-3,
              `peak ${JSON.stringify(result.peak)} is not at the maximum (${peak % H}, ${Math.floor(peak / H)})`,
            );
          }
        }
        x.dispose();
      }
      assert.ok(nonZeroMaps >= 3, `only ${nonZeroMaps} heatmaps were not all zero: the comparison would be vacuous`);
      model.dispose();
    });
  }

  it('an all-zero map stays zero (no NaN), and bad layers and classes are one-line DataErrors', async () => {
    const { model } = smallModel('softmax', 5);
    const info = inspectInfo(model, ['a', 'b']);
    // Zero weights: every gradient and every feature is zero.
    model.setWeights(model.getWeights().map((w) => tf.zerosLike(w)));
    const x = tf.ones<tf.Rank.R4>([1, H, H, 1]);
    const result = await gradCam(tf, model, info, x, { layer: 'conv2' });
    assert.ok(result.heatmap.values.flat().every((v) => v === 0));
    await assert.rejects(gradCam(tf, model, info, x, { layer: 'flat' }), {
      name: 'DataError',
      message: /layer 'flat' \(Flatten\) has no feature maps.*conv1, conv2, pool/,
    });
    await assert.rejects(gradCam(tf, model, info, x, { layer: 'nope' }), { name: 'DataError', message: /no layer 'nope'/ });
    await assert.rejects(gradCam(tf, model, info, x, { classIndex: 2 }), { name: 'DataError', message: /class 2 is out of range: the model has 2 classes/ });
    x.dispose();
    model.dispose();

    const dense = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 4, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    const denseX = tf.zeros<tf.Rank.R4>([1, 4, 4, 1]);
    await assert.rejects(gradCam(tf, dense, inspectInfo(dense, []), denseX), { name: 'DataError', message: /no convolutional layer/ });
    denseX.dispose();
    dense.dispose();
  });

  it('a conv base nested as a model (tf-keras-vis "Graph disconnected"): default layer inside it, same heatmap as the flat model', async () => {
    const build = (nested: boolean): tf.LayersModel => {
      const conv1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block1_conv' });
      const conv2 = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'block2_conv' });
      const pool = tf.layers.maxPooling2d({ poolSize: 2, name: 'block2_pool' });
      const input = tf.input({ shape: [12, 12, 3] });
      let features: tf.SymbolicTensor;
      if (nested) {
        const baseIn = tf.input({ shape: [12, 12, 3] });
        const base = tf.model({ inputs: baseIn, outputs: pool.apply(conv2.apply(conv1.apply(baseIn))) as tf.SymbolicTensor, name: 'vgg_like' });
        features = base.apply(input) as tf.SymbolicTensor;
      } else {
        features = pool.apply(conv2.apply(conv1.apply(input))) as tf.SymbolicTensor;
      }
      const flat = tf.layers.flatten().apply(features);
      const dense = tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes' }).apply(flat) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: dense, name: nested ? 'transfer' : 'flat' });
    };
    const nested = build(true);
    const flat = build(false);
    const rand = seededRandom(3);
    const weights = nested.getWeights().map((w) =>
      tf.tensor(
        Array.from({ length: w.size }, () => rand() - 0.5),
        w.shape,
      ),
    );
    nested.setWeights(weights);
    flat.setWeights(weights);
    tf.dispose(weights);

    const nestedInfo = inspectInfo(nested, ['cat', 'dog', 'fox']);
    assert.strictEqual(nestedInfo.lastConvLayer, 'block2_conv');
    assert.strictEqual(nestedInfo.layers.find((l) => l.name === 'block2_pool')?.parent, 'vgg_like');
    const x = tf.randomUniform<tf.Rank.R4>([1, 12, 12, 3], 0, 1, 'float32', 11);
    for (const layer of [undefined, 'block1_conv', 'vgg_like/block2_conv']) {
      const a = await gradCam(tf, nested, nestedInfo, x, layer ? { layer, classIndex: 1 } : { classIndex: 1 });
      const b = await gradCam(tf, flat, inspectInfo(flat, ['cat', 'dog', 'fox']), x, { layer: a.layer.replace('vgg_like/', ''), classIndex: 1 });
      assert.ok(
        a.heatmap.values.flat().some((v) => v > 0),
        `${a.layer}: the heatmap is not all zero`,
      );
      a.heatmap.values.flat().forEach((v, i) => assert.ok(Math.abs(v - b.heatmap.values.flat()[i]) < 1e-5, `${a.layer} pixel ${i}`));
      assert.deepStrictEqual(a.target, b.target);
    }
    x.dispose();
    nested.dispose();
    flat.dispose();
  });
});
