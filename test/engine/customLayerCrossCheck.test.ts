/**
 * Custom layers with sublayers checked against a real engine: the same computation built
 * with TF.js' own layers (tf.layers.conv2d, batchNormalization, embedding, dense,
 * layerNormalization) must have ConvLens' output shapes and parameter counts (trainable and
 * not). TF.js has no MultiHeadAttention: its 8,416 weights in the Transformer block are
 * Keras' formula, worked out in test/unit/customSublayers.test.ts.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import type { ModelSummary } from '../../src/core/shapes/types';
import { PATCH_ENCODER, RESIDUAL_BLOCK, SIAMESE_TOWERS, TRANSFORMER_CLASSIFIER, residualTower } from '../fixtures/customLayers';

function read(...lines: string[]): ModelSummary {
  return analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n') + '\n', 'python').models[0];
}

function counts(model: tf.LayersModel): [number, number] {
  const size = (ws: tf.LayerVariable[]): number => ws.reduce((n, w) => n + w.shape.reduce((p: number, d) => p * (d ?? 0), 1), 0);
  return [size(model.trainableWeights), size(model.nonTrainableWeights)];
}

describe('custom layers against TF.js', () => {
  it('a residual block subclass: two Conv2D + BatchNormalization pairs, the ReLU and add shared', () => {
    const summary = read(
      ...RESIDUAL_BLOCK,
      'inp = keras.Input((32, 32, 16))',
      'x = layers.Conv2D(16, 3, padding="same")(inp)',
      'x = ResidualBlock(16)(x)',
      'x = ResidualBlock(16)(x)',
      'model = keras.Model(inp, layers.GlobalAveragePooling2D()(x))',
    );
    const input = tf.input({ shape: [32, 32, 16] });
    const block = (x: tf.SymbolicTensor): tf.SymbolicTensor => {
      let y = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
      y = tf.layers.reLU().apply(tf.layers.batchNormalization().apply(y)) as tf.SymbolicTensor;
      y = tf.layers.batchNormalization().apply(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(y)) as tf.SymbolicTensor;
      return tf.layers.reLU().apply(tf.layers.add().apply([y, x])) as tf.SymbolicTensor;
    };
    let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
    x = block(block(x));
    const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor });
    assert.ok(summary.complete);
    assert.deepStrictEqual([summary.trainableParams, summary.nonTrainableParams], counts(model));
    assert.deepStrictEqual(summary.layers[2].outputShape, [null, 32, 32, 16]);
    model.dispose();
  });

  it('the Transformer classifier: embeddings, feed-forward network and normalisations as TF.js counts them, plus attention', () => {
    const summary = read(...TRANSFORMER_CLASSIFIER);
    // The block without its attention: x + LN(x) → FFN → LN, over TF.js' embeddings of tokens and positions.
    const tokens = tf.input({ shape: [200] });
    const positions = tf.input({ shape: [200] });
    const embedded = tf.layers.add().apply([
      tf.layers.embedding({ inputDim: 20000, outputDim: 32 }).apply(tokens) as tf.SymbolicTensor,
      tf.layers.embedding({ inputDim: 200, outputDim: 32 }).apply(positions) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
    const out1 = tf.layers.layerNormalization({ epsilon: 1e-6 }).apply(embedded) as tf.SymbolicTensor;
    let ffn = tf.layers.dense({ units: 32, activation: 'relu' }).apply(out1) as tf.SymbolicTensor;
    ffn = tf.layers.dense({ units: 32 }).apply(ffn) as tf.SymbolicTensor;
    const out2 = tf.layers.layerNormalization({ epsilon: 1e-6 }).apply(tf.layers.add().apply([out1, ffn])) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling1d().apply(out2) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [tokens, positions], outputs: tf.layers.dense({ units: 2, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
    const attention = 8416;
    assert.ok(summary.complete);
    assert.strictEqual(summary.totalParams, model.countParams() + attention);
    assert.deepStrictEqual(summary.layers.map((l) => l.outputShape), [[null, 200], [null, 200, 32], [null, 200, 32], [null, 32], [null, 2]]);
    assert.deepStrictEqual(out2.shape, [null, 200, 32]);
    model.dispose();
  });

  it("ViT's PatchEncoder: a Dense projection of each patch plus a position Embedding", () => {
    const summary = read(
      ...PATCH_ENCODER,
      'inputs = keras.Input(shape=(144, 108))',
      'model = keras.Model(inputs, PatchEncoder(144, 64)(inputs))',
    );
    const patches = tf.input({ shape: [144, 108] });
    const positions = tf.input({ shape: [144] });
    const encoded = tf.layers.add().apply([
      tf.layers.dense({ units: 64 }).apply(patches) as tf.SymbolicTensor,
      tf.layers.embedding({ inputDim: 144, outputDim: 64 }).apply(positions) as tf.SymbolicTensor,
    ]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [patches, positions], outputs: encoded });
    assert.strictEqual(summary.totalParams, model.countParams());
    assert.deepStrictEqual(summary.layers[1].outputShape, encoded.shape);
    model.dispose();
  });

  it('two towers sharing one encoder: TF.js counts the shared layers once, as ConvLens\' totals must', () => {
    const summary = analyzeSource(['import keras', 'from keras import layers', ...SIAMESE_TOWERS].join('\n') + '\n', 'python').models
      .find((m) => m.kerasName === 'towers')!;
    const encoder = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [10] }), tf.layers.dense({ units: 8 })] });
    const tower = (x: tf.SymbolicTensor): tf.SymbolicTensor =>
      tf.layers.dense({ units: 4 }).apply(encoder.apply(x)) as tf.SymbolicTensor;
    const left = tf.input({ shape: [10] });
    const right = tf.input({ shape: [10] });
    const model = tf.model({ inputs: [left, right], outputs: tf.layers.concatenate().apply([tower(left), tower(right)]) as tf.SymbolicTensor });
    assert.ok(summary.complete);
    assert.deepStrictEqual([summary.trainableParams, summary.nonTrainableParams], counts(model));
    model.dispose();
  });
  for (const depth of [24, 50]) {
    it(`a ${depth}-block residual tower in one custom layer (x = x + block(x)): TF.js' Dense blocks and adds, count for count`, () => {
      const summary = read(...residualTower(depth, 64));
      const input = tf.input({ shape: [64] });
      let x = input;
      for (let i = 0; i < depth; i++) {
        x = tf.layers.add().apply([x, tf.layers.dense({ units: 64, activation: 'relu' }).apply(x) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      }
      const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10 }).apply(x) as tf.SymbolicTensor });
      assert.ok(summary.complete);
      assert.deepStrictEqual([summary.trainableParams, summary.nonTrainableParams], counts(model));
      assert.deepStrictEqual(summary.layers[1].outputShape, x.shape);
      assert.deepStrictEqual(summary.layers[2].outputShape, model.outputs[0].shape);
      model.dispose();
    });
  }
});
