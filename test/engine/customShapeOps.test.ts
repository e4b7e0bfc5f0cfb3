/**
 * The shape-dependent custom layers of test/unit/customShapeCode.test.ts (test/fixtures/customShapeLayers.ts) checked against a real
 * engine: the same computation run in TF.js on zeros with a batch of 2 (strided slices, tile,
 * gather, einsum, split with a -1 size, pad, image resize) must give ConvLens' output shapes
 * with the batch's None as 2, and TF.js' Dense the same weight count.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import type { ModelSummary, Shape } from '../../src/core/shapes/types';
import { CLASS_TOKEN, EINSUM_ATTENTION, HEADS, PATCH_MERGE, UP_PAD } from '../fixtures/customShapeLayers';

function read(...lines: string[]): ModelSummary {
  return analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n') + '\n', 'python').models[0];
}

/** A layer's shape with the batch's None as 2, as TF.js' tensors have it. */
function batchOf2(m: ModelSummary, className: string): Shape | undefined {
  return m.layers.find((l) => l.className === className)?.outputShape?.map((d) => d ?? 2);
}

describe('shape-dependent custom layers against TF.js', () => {
  it('patch merging: strided slices, concat and a Dense without bias', () => {
    const m = read(...PATCH_MERGE, 'inputs = keras.Input((64, 32))', 'model = keras.Model(inputs, PatchMerge((8, 8), 32)(inputs))');
    const dense = tf.layers.dense({ units: 64, useBias: false });
    const out = tf.tidy(() => {
      const x = tf.zeros([2, 64, 32]).reshape([2, 8, 8, 32]);
      const slice = (i: number, j: number): tf.Tensor => tf.stridedSlice(x, [0, i, j, 0], [2, 8, 8, 32], [1, 2, 2, 1]);
      const merged = tf.concat([slice(0, 0), slice(1, 0), slice(0, 1), slice(1, 1)], -1).reshape([2, 16, 128]);
      return (dense.apply(merged) as tf.Tensor).shape;
    });
    assert.deepStrictEqual(batchOf2(m, 'PatchMerge'), out);
    assert.strictEqual(m.totalParams, dense.countParams());
  });

  it('a class token tiled to the batch, and x[:, 0][:, None, :3], x[:, 1:][..., :3], x[:, -2:, ::2]', () => {
    const m = read(...CLASS_TOKEN, ...HEADS, 'inputs = keras.Input((16, 6))', 'model = keras.Model(inputs, Heads()(ClassToken()(inputs)))');
    const [token, heads] = tf.tidy(() => {
      const x = tf.concat([tf.tile(tf.zeros([1, 1, 6]), [2, 1, 1]), tf.zeros([2, 16, 6])], 1);
      const first = tf.stridedSlice(x, [0, 0, 0], [2, 1, 6], [1, 1, 1], 0, 0, 0, 0, 0b010); // x[:, 0]
      const rest = tf.stridedSlice(x, [0, 1, 0], [2, 17, 6], [1, 1, 1]);
      const last = tf.stridedSlice(x, [0, 15, 0], [2, 17, 6], [1, 1, 2]);
      const parts = [first.expandDims(1).slice([0, 0, 0], [2, 1, 3]), rest.slice([0, 0, 0], [2, 16, 3]), last];
      return [x.shape, tf.concat(parts, 1).shape];
    });
    assert.deepStrictEqual([batchOf2(m, 'ClassToken'), batchOf2(m, 'Heads')], [token, heads]);
  });

  it('attention by einsum over split heads with a gathered bias, and resize, pad and split by sizes', () => {
    const m = read(
      ...EINSUM_ATTENTION, ...UP_PAD,
      'seq = keras.Input((10, 8))',
      'img = keras.Input((7, 7, 3))',
      'model = keras.Model([seq, img], [EinsumAttention(2, 8, 12)(seq), UpPad()(img)])',
    );
    const qkv = tf.layers.dense({ units: 24 });
    const [attention, up] = tf.tidy(() => {
      const [q, k, v] = tf.split(qkv.apply(tf.zeros([2, 10, 8])) as tf.Tensor, 3, -1).map((t) => t.reshape([2, 10, 2, 4]));
      const bias = tf.gather(tf.zeros([12, 2]), tf.range(0, 10, 1, 'int32'), 0).transpose().expandDims(0).expandDims(-1);
      const scores = tf.add(tf.einsum('bqhd,bkhd->bhqk', q, k), bias);
      const out = tf.einsum('bhqk,bkhd->bqhd', tf.softmax(scores), v).reshape([2, 10, 8]);
      const padded = tf.pad(tf.image.resizeNearestNeighbor(tf.zeros<tf.Rank.R4>([2, 7, 7, 3]), [14, 14]), [[0, 0], [1, 1], [1, 1], [0, 0]]);
      const [left, right] = tf.split<tf.Tensor4D>(padded, [2, -1], -1);
      return [out.shape, tf.concat([left, tf.image.resizeBilinear(right, [16, 16])], -1).shape];
    });
    assert.deepStrictEqual(batchOf2(m, 'EinsumAttention'), attention);
    // 240 weights: the qkv Dense as TF.js counts it, and the 12·2 bias table.
    assert.strictEqual(m.layers.find((l) => l.className === 'EinsumAttention')?.params, qkv.countParams() + 12 * 2);
    assert.deepStrictEqual(batchOf2(m, 'UpPad'), up);
    assert.strictEqual(m.complete, true);
  });
});
