/**
 * Custom layers with sublayers made in build, and with several outputs, checked against a
 * real engine: the same computation built from TF.js' own layers must have ConvLens' output
 * shapes and parameter counts (trainable and not). The layers are the unit tests'
 * (test/unit/customBuildSublayers.test.ts, customMultiOutput.test.ts). TF.js has no
 * extract_patches, so the patch gate is checked through its weighted part: the generator
 * Sequential that build makes, applied where call applies it.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { ModelSummary } from '../../src/core/shapes/types';
import { SCORED_PROJECTION, readPython } from '../fixtures/customLayers';

const read = (...lines: string[]): ModelSummary => readPython(...lines)[0];

function counts(model: tf.LayersModel): [number, number] {
  const size = (ws: tf.LayerVariable[]): number => ws.reduce((n, w) => n + w.shape.reduce((p: number, d) => p * (d ?? 0), 1), 0);
  return [size(model.trainableWeights), size(model.nonTrainableWeights)];
}

describe('custom layers made in build, or giving several tensors, against TF.js', () => {
  it('a generator Sequential made in build from __init__ values: Conv2D, BatchNormalization, Conv2D', () => {
    const summary = read(
      'class KernelGen(layers.Layer):',
      '    def __init__(self, hidden, k):',
      '        super().__init__()',
      '        self.hidden = hidden',
      '        self.k = k',
      '    def build(self, input_shape):',
      '        (_, rows, cols, depth) = input_shape',
      '        self.gen = keras.Sequential([layers.Conv2D(self.hidden, 1), layers.BatchNormalization(), layers.ReLU(), layers.Conv2D(self.k * self.k, 1)])',
      '        self.flat = layers.Reshape(target_shape=(rows * cols, self.k * self.k))',
      '    def call(self, x):',
      '        return self.flat(self.gen(x))',
      'inp = keras.Input((12, 12, 5))',
      'model = keras.Model(inp, KernelGen(3, 3)(inp))',
    );
    const input = tf.input({ shape: [12, 12, 5] });
    let y = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    y = tf.layers.reLU().apply(tf.layers.batchNormalization().apply(y)) as tf.SymbolicTensor;
    y = tf.layers.conv2d({ filters: 9, kernelSize: 1 }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.reshape({ targetShape: [144, 9] }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    assert.strictEqual(summary.complete, true);
    assert.deepStrictEqual(summary.layers[1].outputShape, model.outputs[0].shape);
    assert.deepStrictEqual([summary.trainableParams, summary.nonTrainableParams], counts(model));
    model.dispose();
  });

  it('a layer returning (weighted projection, scores), both used downstream', () => {
    const summary = read(...SCORED_PROJECTION,
      'inputs = keras.Input((10, 8))',
      'y, scores = ScoredProjection(4)(inputs)',
      'joined = layers.Concatenate()([layers.Flatten()(y), layers.Flatten()(scores)])',
      'model = keras.Model(inputs, layers.Dense(3)(joined))',
    );
    const input = tf.input({ shape: [10, 8] });
    const h = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    const s = tf.layers.softmax({ axis: 1 }).apply(tf.layers.dense({ units: 1 }).apply(h)) as tf.SymbolicTensor;
    // Keras' h * s broadcasts the scores over the 4 features; TF.js' multiply layer does not, so repeat them.
    const sWide = tf.layers.concatenate({ axis: -1 }).apply([s, s, s, s]) as tf.SymbolicTensor;
    const weighted = tf.layers.multiply().apply([h, sWide]) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([tf.layers.flatten().apply(weighted), tf.layers.flatten().apply(s)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3 }).apply(joined) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    assert.strictEqual(summary.complete, true);
    const scored = summary.layers.find((l) => l.className === 'ScoredProjection');
    assert.deepStrictEqual(scored?.outputShapes, [weighted.shape, s.shape]);
    assert.deepStrictEqual(summary.layers.find((l) => l.className === 'Concatenate')?.outputShape, joined.shape);
    assert.deepStrictEqual([summary.trainableParams, summary.nonTrainableParams], counts(model));
    model.dispose();
  });
});
