/**
 * Issue #11: custom layers whose `call` depends on the input's shape and rank, slices tensors,
 * rearranges axes (tile, take, einsum, split, pad, image resize) or branches on `training`.
 * The layers are our own, written in the style of keras.io examples (Compact Convolutional
 * Transformers' StochasticDepth, Swin's PatchMerging, ViT's class token, a U-Net's
 * upsampling) — not copied from them. Each expected shape and count is worked out by hand in
 * the comment beside it from the functions' NumPy/Keras rules.
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { analyzeSource } from '../../src/core/analysis';
import { analyzeModel } from '../../src/core/shapes/analyze';
import { ModelSpecSchema } from '../../src/core/model/specSchema';
import { layerOf as layer, readPython as read } from '../fixtures/customLayers';
import { CLASS_TOKEN, EINSUM_ATTENTION, HEADS, PATCH_MERGE, UP_PAD } from '../fixtures/customShapeLayers';
import { SIAMESE_TOWERS } from '../fixtures/customLayers';

describe('custom layers: shape-dependent call code', () => {
  it('reads stochastic depth (rank from len(), a shape built as (batch,) + (1,) * (rank - 1), if training:) and Swin-style patch merging', () => {
    const [m] = read(
      'class StochasticDepth(layers.Layer):',
      '    def __init__(self, drop_prob, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.drop_prob = drop_prob',
      '    def call(self, x, training=None):',
      '        if training:',
      '            keep = 1 - self.drop_prob',
      '            shape = (tf.shape(x)[0],) + (1,) * (len(tf.shape(x)) - 1)',
      '            mask = tf.floor(keep + tf.random.uniform(shape, 0, 1))',
      '            return (x / keep) * mask',
      '        return x',
      ...PATCH_MERGE,
      'inputs = keras.Input((64, 32))',
      'x = StochasticDepth(0.1)(inputs)',
      'x = PatchMerge((8, 8), 32)(x)',
      'model = keras.Model(inputs, x)',
    );
    // Training: the mask is (None, 1, 1), broadcast against x (None, 64, 32) → (None, 64, 32),
    // the same as the branch that returns x, so the shape is known; no weights.
    assert.deepStrictEqual([layer(m, 'StochasticDepth').outputShape, layer(m, 'StochasticDepth').params], [[null, 64, 32], 0]);
    // (None, 64, 32) → (None, 8, 8, 32); each stride-2 slice (None, 4, 4, 32); four of them
    // concatenated (None, 4, 4, 128) → (None, 16, 128); Dense to 64 without bias: 128·64 = 8192.
    const merge = layer(m, 'PatchMerge');
    assert.deepStrictEqual([merge.outputShape, merge.params], [[null, 16, 64], 8192]);
    assert.strictEqual(m.complete, true);
    assert.strictEqual(m.totalParams, 8192);
  });

  it('slices tensors: a ViT class token tiled to the batch, x[:, 0], x[:, 1:], x[..., :3], x[:, None]', () => {
    const [m] = read(
      ...CLASS_TOKEN,
      'class Heads(layers.Layer):',
      '    def call(self, x):',
      '        first, rest = x[:, 0], x[:, 1:]',
      '        return ops.concatenate([first[:, tf.newaxis], rest[..., :3], x[:, -2:, ::2]], axis=1)',
      'inputs = keras.Input((16, 6))',
      'x = ClassToken()(inputs)',
      'model = keras.Model(inputs, [x, Heads()(x)])',
    );
    // The token (1, 1, 6) tiled by (None, 1, 1) → (None, 1, 6), concatenated before (None, 16, 6): (None, 17, 6); 6 weights.
    const token = layer(m, 'ClassToken');
    assert.deepStrictEqual([token.outputShape, token.params], [[null, 17, 6], 6]);
    // x[:, 0] (None, 6) → [:, None] (None, 1, 6); x[:, 1:] (None, 16, 6) → [..., :3] (None, 16, 3)?
    // No: concatenating (None, 1, 6) with (None, 16, 3) on axis 1 is refused, as Keras refuses it.
    assert.match(layer(m, 'Heads').unknownReason ?? '', /cannot concatenate/);
    const [ok] = read(
      ...HEADS,
      'inputs = keras.Input((17, 6))',
      'model = keras.Model(inputs, Heads()(inputs))',
    );
    // (None, 1, 3) + (None, 16, 3) + the last two steps, every other feature (None, 2, 3): (None, 19, 3).
    assert.deepStrictEqual(layer(ok, 'Heads').outputShape, [null, 19, 3]);
    assert.strictEqual(ok.complete, true);
  });

  it('takes the branch the input rank decides, per call', () => {
    const [m] = read(
      'class ToTokens(layers.Layer):',
      '    def call(self, x):',
      '        if len(x.shape) == 4:',
      '            b, h, w, c = ops.shape(x)',
      '            x = ops.reshape(x, (b, h * w, c))',
      '        elif x.ndim != 3:',
      '            raise ValueError("expected a sequence or an image")',
      '        return x',
      'images = keras.Input((8, 8, 3))',
      'tokens = keras.Input((5, 3))',
      'flat = keras.Input((5,))',
      'model = keras.Model([images, tokens, flat], [ops.concatenate([ToTokens()(images), ToTokens()(tokens)], axis=1), ToTokens()(flat)])',
    );
    // The image (None, 8, 8, 3) becomes (None, 64, 3); the sequence (None, 5, 3) passes unchanged;
    // a rank-2 input takes the raise, which is Keras' error, not a shape.
    const rows = m.layers.filter((l) => l.className === 'ToTokens');
    assert.deepStrictEqual(rows.map((l) => l.outputShape), [[null, 64, 3], [null, 5, 3], null]);
    assert.match(rows[2].unknownReason ?? '', /raises an error for these input shapes/);
  });

  it('knows the shape of an if training: branch only when both branches agree', () => {
    const [m] = read(
      'class Jitter(layers.Layer):',
      '    def call(self, x, training=False):',
      '        noisy = x + keras.random.normal(ops.shape(x)) if training else x',
      '        return noisy',
      'class Crop(layers.Layer):',
      '    def call(self, x, training=None):',
      '        if training:',
      '            return x[:, :4]',
      '        return x',
      'inputs = keras.Input((6, 2))',
      'model = keras.Model(inputs, Crop()(Jitter()(inputs)))',
    );
    assert.deepStrictEqual(layer(m, 'Jitter').outputShape, [null, 6, 2]);
    // Training crops to (None, 4, 2), inference keeps (None, 6, 2): Keras' shape depends on the phase.
    assert.strictEqual(layer(m, 'Crop').outputShape, null);
    assert.match(layer(m, 'Crop').unknownReason ?? '', /give different shapes: \(None, 4, 2\) and \(None, 6, 2\)/);
    assert.strictEqual(m.complete, false);
  });

  it('evaluates split, einsum, take, pad and image resize', () => {
    const [m] = read(
      ...EINSUM_ATTENTION,
      ...UP_PAD,
      'seq = keras.Input((10, 8))',
      'img = keras.Input((7, 7, 3))',
      'model = keras.Model([seq, img], [EinsumAttention(2, 8, 12)(seq), UpPad()(img)])',
    );
    // qkv: Dense 8 → 24, (8 + 1)·24 = 216, split into three (None, 10, 8), each (None, 10, 2, 4);
    // scores (None, 2, 10, 10); the bias rows 0..9 of a (12, 2) table → (10, 2) → (2, 10) →
    // (1, 2, 10, 1), broadcast; out (None, 10, 2, 4) → (None, 10, 8). Weights 216 + 12·2 = 240.
    const attention = layer(m, 'EinsumAttention');
    assert.deepStrictEqual([attention.outputShape, attention.params], [[null, 10, 8], 240]);
    // 7 → 14 → padded 16; channels split 2 and the rest (1); the rest resized to 16 (no change): (None, 16, 16, 3).
    assert.deepStrictEqual(layer(m, 'UpPad').outputShape, [null, 16, 16, 3]);
    assert.strictEqual(m.complete, true);
  });

  it('reads shifted patch tokenization (ViT for small datasets): crop and pad to a bounding box in a helper, patches, norm, projection', () => {
    const [m] = read(
      'class ShiftedPatches(layers.Layer):',
      '    def __init__(self, image_size, patch_size, num_patches, dim):',
      '        super().__init__()',
      '        self.image_size = image_size',
      '        self.patch_size = patch_size',
      '        self.half = patch_size // 2',
      '        self.flatten = layers.Reshape((num_patches, -1))',
      '        self.project = layers.Dense(dim)',
      '        self.norm = layers.LayerNormalization(epsilon=1e-6)',
      '    def shifted(self, images, down, right):',
      '        side = self.image_size - self.half',
      '        cropped = tf.image.crop_to_bounding_box(images, 0 if down else self.half, 0 if right else self.half, side, side)',
      '        return tf.image.pad_to_bounding_box(cropped, self.half if down else 0, self.half if right else 0, self.image_size, self.image_size)',
      '    def call(self, images):',
      '        images = tf.concat([images, self.shifted(images, False, False), self.shifted(images, True, False),',
      '                            self.shifted(images, False, True), self.shifted(images, True, True)], axis=-1)',
      '        p = self.patch_size',
      '        patches = tf.image.extract_patches(images=images, sizes=[1, p, p, 1], strides=[1, p, p, 1], rates=[1, 1, 1, 1], padding="VALID")',
      '        return self.project(self.norm(self.flatten(patches)))',
      'inputs = keras.Input((32, 32, 3))',
      'model = keras.Model(inputs, ShiftedPatches(32, 4, 64, 16)(inputs))',
    );
    // Each shifted image is cropped to 30×30 and padded back to 32×32; five of them: 15 channels.
    // 4×4 patches: (None, 8, 8, 4·4·15 = 240) → (None, 64, 240); LayerNormalization 2·240 = 480,
    // Dense (240 + 1)·16 = 3,856: (None, 64, 16) and 4,336 weights.
    const tokens = layer(m, 'ShiftedPatches');
    assert.deepStrictEqual([tokens.outputShape, tokens.params], [[null, 64, 16], 480 + 3856]);
    assert.strictEqual(m.complete, true);
  });

  it('sends every new kind of expression across the worker boundary, and the layer reads the same there', () => {
    const lines = [...PATCH_MERGE, ...CLASS_TOKEN, ...HEADS, ...EINSUM_ATTENTION, ...UP_PAD,
      'class Branchy(layers.Layer):',
      '    def call(self, x, training=None):',
      '        if len(x.shape) == 3:',
      '            y = ops.tile(x, (1, 1, 2))[..., :ops.shape(x)[-1]] if training else x',
      '        else:',
      '            raise ValueError("rank")',
      '        return ops.einsum("bij->bji", y) + ops.reshape(x, (-1,) + tuple(x.shape[1:]))[:, :1, :1] * int(math.sqrt(4))',
      'seq = keras.Input((64, 32))',
      'img = keras.Input((7, 7, 3))',
      'tok = keras.Input((16, 6))',
      'a = PatchMerge((8, 8), 32)(seq)',
      'model = keras.Model([seq, img, tok], [Heads()(ClassToken()(tok)), EinsumAttention(2, 64, 20)(a), UpPad()(img), Branchy()(a)])',
    ];
    const { specs, models } = analyzeSource(['import keras', 'import math', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n'), 'python');
    const received = v.parse(ModelSpecSchema, JSON.parse(JSON.stringify(specs[0])));
    const there = analyzeModel(received);
    assert.deepStrictEqual(there.layers.map((l) => [l.outputShape, l.params]), models[0].layers.map((l) => [l.outputShape, l.params]));
    // Branchy: (None, 16, 64) both ways, transposed to (None, 64, 16), plus a (None, 1, 1) corner: known.
    assert.deepStrictEqual(layer(there, 'Branchy').outputShape, [null, 64, 16]);
    assert.strictEqual(there.complete, true);
    const towers = analyzeSource(['import keras', 'from keras import layers', ...SIAMESE_TOWERS].join('\n'), 'python');
    const shared = analyzeModel(v.parse(ModelSpecSchema, JSON.parse(JSON.stringify(towers.specs[1]))));
    assert.strictEqual(shared.totalParams, 384);
  });

  it("refuses build's input_shape read as one shape when the layer gets several tensors", () => {
    const [m] = read(
      'class Gate(layers.Layer):',
      '    def build(self, input_shape):',
      '        self.w = self.add_weight(shape=(input_shape[-1], 1))',
      '    def call(self, inputs):',
      '        a, b = inputs',
      '        return a * ops.sigmoid(b @ self.w)',
      'a = keras.Input((5, 3))',
      'b = keras.Input((5, 4))',
      'model = keras.Model([a, b], Gate()([a, b]))',
    );
    // Keras gives build [(None, 5, 3), (None, 5, 4)]: input_shape[-1] is a shape, not 3 or 4.
    assert.match(layer(m, 'Gate').unknownReason ?? '', /build or compute_output_shape reads input_shape as one tensor's shape, but the layer is given several/);
    assert.strictEqual(m.complete, false);
  });

  it('keeps the shape through roll and flip (Swin-style shifted windows)', () => {
    const [m] = read(
      'class Shift(layers.Layer):',
      '    def __init__(self, shift):',
      '        super().__init__()',
      '        self.shift = shift',
      '    def call(self, x):',
      '        return ops.flip(tf.roll(x, shift=[-self.shift, -self.shift], axis=[1, 2]), axis=-1)',
      'inputs = keras.Input((8, 8, 3))',
      'model = keras.Model(inputs, Shift(2)(inputs))',
    );
    assert.deepStrictEqual(layer(m, 'Shift').outputShape, [null, 8, 8, 3]);
  });

  it('keeps what it cannot follow unknown, with the reason', () => {
    const cases: [string, RegExp][] = [
      ['return x[:, self.idx]', /indexing with a tensor|self\.idx is not known/],
      ['return ops.einsum("ij,jk->ik", x, x)', /einsum subscripts 'ij' do not fit a \(None, 6, 2\) operand/],
      ['return ops.split(x, 4, axis=1)[0]', /an axis of 6 does not split into 4 equal parts/],
      ['return ops.reshape(x, (-1, ops.shape(x)[1] / 4))', /a size of 1\.5 is not a whole number/],
      ['return x[0] * 2', /indexes its one input as a list \(inputs\[0\]\), but the layer is given a single tensor/],
      ['b, h, w, c = ops.shape(x)\n        return ops.reshape(x, (b, h * w, c))', /unpacks the shape of a rank-3 tensor into 4 names/],
    ];
    for (const [body, reason] of cases) {
      const [m] = read(
        'class Odd(layers.Layer):',
        '    def call(self, x):',
        `        ${body}`,
        'inputs = keras.Input((6, 2))',
        'model = keras.Model(inputs, Odd()(inputs))',
      );
      assert.strictEqual(m.complete, false, body);
      assert.match(layer(m, 'Odd').unknownReason ?? '', reason, body);
    }
  });
});
