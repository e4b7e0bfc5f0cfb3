/**
 * Issue #11: custom layers with sublayers made in __init__ and calls evaluated symbolically
 * (reshape, concatenate, matmul, reductions, …). The classes are written here in the style of
 * keras.io's examples (Transformer block, token-and-position embedding, ViT's Patches and
 * PatchEncoder, a residual block). Each expected count is worked out from Keras' formulas in
 * the comment beside it; test/engine/customLayerCrossCheck.test.ts builds the same layers in
 * TF.js and compares the counts with TF.js' own.
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { analyzeSource } from '../../src/core/analysis';
import { ModelSpecSchema } from '../../src/core/model/specSchema';
import { PATCH_ENCODER, TRANSFORMER, TRANSFORMER_CLASSIFIER } from '../fixtures/transformerLayers';
import type { LayerSummary, ModelSummary } from '../../src/core/shapes/types';

function read(...lines: string[]): ModelSummary[] {
  return analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n') + '\n', 'python').models;
}

function layer(m: ModelSummary, className: string): LayerSummary {
  const l = m.layers.find((x) => x.className === className);
  assert.ok(l, `no ${className} in ${m.layers.map((x) => x.className).join(', ')}`);
  return l;
}


describe('custom layers with sublayers', () => {
  it('reads a Transformer classifier: attention, a feed-forward Sequential and normalisations inside one layer', () => {
    const models = read(...TRANSFORMER_CLASSIFIER);
    // The Sequential made in __init__ belongs to the block: it is not a model of the file.
    assert.deepStrictEqual(models.map((m) => m.name), ['model']);
    const [m] = models;
    assert.strictEqual(m.complete, true);
    // Token embedding 20000·32 + position embedding 200·32.
    const embedding = layer(m, 'TokenAndPositionEmbedding');
    assert.deepStrictEqual([embedding.outputShape, embedding.params], [[null, 200, 32], 20000 * 32 + 200 * 32]);
    // MultiHeadAttention(2 heads, key_dim 32) on 32 features: query, key and value projections
    // 2·32·(32 + 1) each, output 2·32·32 + 32; the FFN (32 + 1)·32 twice; two LayerNorms 2·32.
    const attention = 3 * 2 * 32 * 33 + (2 * 32 * 32 + 32);
    const block = layer(m, 'TransformerBlock');
    assert.deepStrictEqual([block.outputShape, block.params], [[null, 200, 32], attention + 2 * 33 * 32 + 2 * 2 * 32]);
    assert.strictEqual(attention, 8416);
    assert.match(block.formulas.params ?? '', /multi_head_attention 8,416/);
    assert.strictEqual(m.totalParams, 646400 + 10656 + 33 * 2);
  });

  it('sends a custom layer with its sublayers across the worker boundary, and refuses a malformed one', () => {
    const { specs } = analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...TRANSFORMER,
      'inputs = layers.Input(shape=(200,))',
      'model = keras.Model(inputs, TransformerBlock(32, 2, 32)(TokenAndPositionEmbedding(200, 20000, 32)(inputs)))'].join('\n'), 'python');
    const received = v.parse(ModelSpecSchema, JSON.parse(JSON.stringify(specs[0])));
    assert.deepStrictEqual(received.layers[2].custom?.sublayers.map((l) => l.className), ['MultiHeadAttention', 'Dropout', 'LayerNormalization', 'Sequential', 'Dropout', 'LayerNormalization']);
    const broken = JSON.parse(JSON.stringify(specs[0])) as { layers: { custom?: { output: unknown } }[] };
    broken.layers[2].custom!.output = { kind: 'sublayer', index: 'att', args: [] };
    assert.strictEqual(v.safeParse(ModelSpecSchema, broken).success, false);
  });

  it("counts a sublayer called twice once, as Keras' shared weights", () => {
    // A residual block: Conv2D 3·3·16·16 + 16 twice, BatchNormalization 4·16 twice (half of it
    // non-trainable moving statistics); the one ReLU is applied twice.
    const [m] = read(
      'class ResidualBlock(layers.Layer):',
      '    def __init__(self, filters, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.conv1 = layers.Conv2D(filters, 3, padding="same")',
      '        self.bn1 = layers.BatchNormalization()',
      '        self.conv2 = layers.Conv2D(filters, 3, padding="same")',
      '        self.bn2 = layers.BatchNormalization()',
      '        self.relu = layers.ReLU()',
      '    def call(self, x):',
      '        y = self.relu(self.bn1(self.conv1(x)))',
      '        y = self.bn2(self.conv2(y))',
      '        return self.relu(layers.add([x, y]))',
      'inp = keras.Input((32, 32, 16))',
      'out = ResidualBlock(16, name="res")(inp)',
      'out = ResidualBlock(16)(out)',
      'model = keras.Model(inp, out)',
    );
    const conv = 3 * 3 * 16 * 16 + 16;
    const [first, second] = m.layers.slice(1);
    assert.strictEqual(first.name, 'res');
    assert.deepStrictEqual([first.outputShape, first.trainableParams, first.nonTrainableParams], [[null, 32, 32, 16], 2 * conv + 2 * 2 * 16, 2 * 2 * 16]);
    assert.strictEqual(second.params, first.params, 'each instance has its own sublayers');
    assert.strictEqual(m.totalParams, 2 * (2 * conv + 4 * 2 * 16));
  });

  it('reads ViT patches: extract_patches, reshape with the batch size, and a position embedding', () => {
    const [m] = read(
      'class Patches(layers.Layer):',
      '    def __init__(self, patch_size):',
      '        super().__init__()',
      '        self.patch_size = patch_size',
      '    def call(self, images):',
      '        input_shape = ops.shape(images)',
      '        batch_size = input_shape[0]',
      '        num_patches_h = input_shape[1] // self.patch_size',
      '        num_patches_w = input_shape[2] // self.patch_size',
      '        patches = keras.ops.image.extract_patches(images, size=self.patch_size)',
      '        return ops.reshape(patches, (batch_size, num_patches_h * num_patches_w, self.patch_size * self.patch_size * input_shape[3]))',
      ...PATCH_ENCODER,
      'class TfPatches(layers.Layer):',
      '    def call(self, images):',
      '        patches = tf.image.extract_patches(images=images, sizes=[1, 6, 6, 1], strides=[1, 6, 6, 1], rates=[1, 1, 1, 1], padding="VALID")',
      '        return tf.reshape(patches, [tf.shape(images)[0], -1, patches.shape[-1]])',
      'inputs = keras.Input(shape=(72, 72, 3))',
      'patches = Patches(6)(inputs)',
      'same = TfPatches()(inputs)',
      'encoded = PatchEncoder(144, 64)(patches)',
      'model = keras.Model(inputs, [encoded, same])',
    );
    assert.strictEqual(m.complete, true);
    // 72 / 6 = 12 patches a side, 144 in all, each 6·6·3 = 108 values.
    assert.deepStrictEqual(layer(m, 'Patches').outputShape, [null, 144, 108]);
    assert.deepStrictEqual(layer(m, 'TfPatches').outputShape, [null, 144, 108]);
    // Dense (108 + 1)·64 and Embedding 144·64; (None, 144, 64) + (1, 144, 64) broadcasts.
    const encoder = layer(m, 'PatchEncoder');
    assert.deepStrictEqual([encoder.outputShape, encoder.params], [[null, 144, 64], 109 * 64 + 144 * 64]);
  });

  it('evaluates reshape, concatenate, matmul, reductions, transpose, squeeze and one_hot in call', () => {
    const code = [
      'class Mix(layers.Layer):',
      '    def __init__(self, heads, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.heads = heads',
      '    def build(self, input_shape):',
      '        self.w = self.add_weight(shape=(input_shape[-1], 8), trainable=True)',
      '    def call(self, x, labels):',
      '        b = ops.shape(x)[0]',
      '        h = ops.reshape(x, (b, -1, self.heads, 4))',
      '        h = ops.transpose(h, (0, 2, 1, 3))',
      '        scores = tf.matmul(h, h, transpose_b=True)',
      '        pooled = ops.mean(scores, axis=-1, keepdims=True)',
      '        pooled = ops.squeeze(ops.sum(pooled, axis=1), axis=-1)',
      '        proj = x @ self.w',
      '        onehot = tf.one_hot(labels, depth=10)',
      '        return ops.concatenate([pooled, ops.max(proj, axis=-1), ops.argmax(onehot, axis=-1), ops.sum(onehot, axis=(1, 2))[:, None]], axis=-1)',
      'x = keras.Input((6, 8))',
      'labels = keras.Input((6,), dtype="int32")',
      'model = keras.Model([x, labels], Mix(2, name="mix")([x, labels]))',
    ];
    const [m] = read(...code);
    // The slice at the end is not evaluated, so the layer is unknown with that reason.
    const mix = layer(m, 'Mix');
    assert.strictEqual(mix.outputShape, null);
    assert.match(mix.unknownReason ?? '', /slicing in call is not evaluated/);
    assert.strictEqual(m.complete, false);
    const [fixed] = read(...code.map((line) => line.replace(', ops.sum(onehot, axis=(1, 2))[:, None]', '')));
    // h: (None, 6, 2, 4) → (None, 2, 6, 4); scores (None, 2, 6, 6); mean keepdims (None, 2, 6, 1);
    // sum over the heads (None, 6, 1), squeezed (None, 6); proj (None, 6, 8) max → (None, 6);
    // one_hot (None, 6, 10), argmax → (None, 6): concatenated (None, 18). The kernel is 8·8.
    const ok = layer(fixed, 'Mix');
    assert.deepStrictEqual([ok.outputShape, ok.params], [[null, 18], 64]);
    // Keras refuses to concatenate tensors of different ranks, and so does ConvLens.
    const [ranks] = read(...code.map((line) => line.replace('ops.argmax(onehot, axis=-1), ops.sum(onehot, axis=(1, 2))[:, None]', 'onehot')));
    assert.match(layer(ranks, 'Mix').unknownReason ?? '', /different ranks/);
  });

  it('concatenates what fits, and uses compute_output_shape where the class has one', () => {
    const [m] = read(
      'class Pair(layers.Layer):',
      '    def call(self, a, b):',
      '        return ops.concatenate([ops.expand_dims(ops.mean(a, axis=1), 1), tf.one_hot(b, 5)], axis=-1)',
      'class Declared(layers.Layer):',
      '    def __init__(self, units):',
      '        super().__init__()',
      '        self.units = units',
      '    def build(self, input_shape):',
      '        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))',
      '    def call(self, x):',
      '        return some_helper(x, self.kernel)',
      '    def compute_output_shape(self, input_shape):',
      '        return (input_shape[0], self.units)',
      'a = keras.Input((3, 7))',
      'b = keras.Input((1,), dtype="int32")',
      'p = Pair()(a, b)',
      'model = keras.Model([a, b], Declared(4)(layers.Flatten()(p)))',
    );
    // mean over axis 1: (None, 7) → expand (None, 1, 7); one_hot (None, 1, 5); concatenated (None, 1, 12).
    assert.deepStrictEqual(layer(m, 'Pair').outputShape, [null, 1, 12]);
    // Its call is opaque, its shape declared: (None, 4), with a 12·4 kernel from build.
    const declared = layer(m, 'Declared');
    assert.deepStrictEqual([declared.outputShape, declared.params], [[null, 4], 48]);
    assert.strictEqual(m.complete, true);
  });

  it('loops over a list of sublayers made in __init__', () => {
    const [m] = read(
      'class Stack(layers.Layer):',
      '    def __init__(self, widths):',
      '        super().__init__()',
      '        self.blocks = [layers.Dense(w, activation="relu") for w in widths]',
      '    def call(self, x):',
      '        for block in self.blocks:',
      '            x = block(x)',
      '        return x',
      'inp = keras.Input((10,))',
      'model = keras.Model(inp, Stack([16, 8])(inp))',
    );
    // (10 + 1)·16 + (16 + 1)·8
    assert.deepStrictEqual([m.layers[1].outputShape, m.layers[1].params], [[null, 8], 11 * 16 + 17 * 8]);
  });

  it('counts a sublayer that build builds by hand, where call applies it (a masked convolution)', () => {
    const code = [
      'import numpy as np',
      'class MaskedConv(layers.Layer):',
      '    def __init__(self, mask_type, **kwargs):',
      '        super().__init__()',
      '        self.mask_type = mask_type',
      '        self.conv = layers.Conv2D(**kwargs)',
      '    def build(self, input_shape):',
      '        self.conv.build(input_shape)',
      '        k = self.conv.kernel.shape',
      '        self.mask = np.ones(k)',
      '        if self.mask_type == "B":',
      '            self.mask[k[0] // 2, k[1] // 2] = 0.0',
      '    def call(self, inputs):',
      '        self.conv.kernel.assign(self.conv.kernel * self.mask)',
      '        return self.conv(inputs)',
      'inputs = keras.Input((28, 28, 1))',
      'x = MaskedConv("A", filters=8, kernel_size=5, padding="same")(inputs)',
      'model = keras.Model(inputs, MaskedConv("B", filters=4, kernel_size=3)(x))',
    ];
    const [m] = read(...code);
    // Conv2D 5·5·1·8 + 8, then 3·3·8·4 + 4 ("valid": 28 → 26).
    assert.deepStrictEqual(m.layers.slice(1).map((l) => [l.outputShape, l.params]), [[[null, 28, 28, 8], 208], [[null, 26, 26, 4], 292]]);
    // Built in build but never applied in call: counted nowhere, so the layer is unknown.
    const [unused] = read(...code.map((line) => line.replace('return self.conv(inputs)', 'return inputs')));
    assert.match(unused.layers[1].unknownReason ?? '', /build builds self\.conv, which its call does not apply/);
    // A branch in build that makes a weight is not skipped.
    const [weighted] = read(...code.map((line) => line.replace('self.mask[k[0] // 2, k[1] // 2] = 0.0', 'self.extra = self.add_weight(shape=(3,))')));
    assert.match(weighted.layers[1].unknownReason ?? '', /build has an if statement/);
  });

  it('reads a vector quantizer: a tf.Variable codebook and a helper method in call (keras.io VQ-VAE style)', () => {
    const [m] = read(
      'class Quantizer(layers.Layer):',
      '    def __init__(self, num_embeddings, embedding_dim, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.embedding_dim = embedding_dim',
      '        self.num_embeddings = num_embeddings',
      '        w_init = tf.random_uniform_initializer()',
      '        self.codebook = tf.Variable(initial_value=w_init(shape=(embedding_dim, num_embeddings), dtype="float32"), trainable=True)',
      '        self.counts = tf.Variable(tf.zeros((num_embeddings,)), trainable=False)',
      '    def call(self, x):',
      '        input_shape = tf.shape(x)',
      '        flat = tf.reshape(x, [-1, self.embedding_dim])',
      '        indices = self.nearest(flat)',
      '        quantized = tf.matmul(tf.one_hot(indices, self.num_embeddings), self.codebook, transpose_b=True)',
      '        quantized = tf.reshape(quantized, input_shape)',
      '        self.add_loss(tf.reduce_mean((quantized - x) ** 2))',
      '        return x + tf.stop_gradient(quantized - x)',
      '    def nearest(self, flat):',
      '        distances = tf.reduce_sum(flat ** 2, axis=1, keepdims=True) + tf.reduce_sum(self.codebook ** 2, axis=0) - 2 * tf.matmul(flat, self.codebook)',
      '        return tf.argmin(distances, axis=1)',
      'inputs = keras.Input((7, 7, 16))',
      'model = keras.Model(inputs, Quantizer(64, 16, name="vq")(inputs))',
    );
    // A 16 × 64 trainable codebook and 64 frozen counts (Keras tracks a tf.Variable set on a layer as its weight).
    const vq = layer(m, 'Quantizer');
    assert.deepStrictEqual([vq.outputShape, vq.trainableParams, vq.nonTrainableParams], [[null, 7, 7, 16], 16 * 64, 64]);
    assert.strictEqual(m.complete, true);
  });

  it("knows a Keras tensor's shape while the model is built: x.shape, ops.shape, K.int_shape", () => {
    const models = read(
      'from keras import backend as K',
      'def get_encoder():',
      '    inp = keras.Input(shape=(28, 28, 1))',
      '    x = layers.Conv2D(8, 3, strides=2, padding="same")(inp)',
      '    return keras.Model(inp, x, name="encoder")',
      'latent = keras.Input(shape=get_encoder().output.shape[1:])',
      'h, w, c = K.int_shape(latent)[1:]',
      'y = layers.Flatten()(latent)',
      'y = layers.Dense(ops.shape(latent)[1] * w * c)(y)',
      'decoder = keras.Model(latent, layers.Reshape((h, w, c))(y))',
      'unknown_input = keras.Input(shape=(None, 3))',
      'z = layers.Dense(unknown_input.shape[1])(unknown_input)',
      'broken = keras.Model(unknown_input, z)',
    );
    const decoder = models.find((m) => m.name === 'decoder')!;
    // 28 → 14 with stride 2: (None, 14, 14, 8); the Dense has (14·14·8 + 1)·1568 weights.
    assert.deepStrictEqual(decoder.inputShapes, [[null, 14, 14, 8]]);
    assert.strictEqual(decoder.totalParams, (14 * 14 * 8 + 1) * 1568);
    assert.strictEqual(decoder.complete, true);
    // A None axis stays None, so a layer sized by it is unknown rather than guessed.
    assert.strictEqual(models.find((m) => m.name === 'broken')!.complete, false);
  });

  it('never shows a count it could not follow: such a layer is unknown, with the reason, and the total incomplete', () => {
    const cases: [string[], RegExp][] = [
      [[ // a branch on something only known at run time
        'class Maybe(layers.Layer):',
        '    def __init__(self, flag):',
        '        super().__init__()',
        '        if flag:',
        '            self.dense = layers.Dense(4)',
        '        else:',
        '            self.dense = layers.Dense(8)',
        '    def call(self, x):',
        '        return self.dense(x)',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Maybe(some_setting)(inp))',
      ], /__init__ is not certain: ConvLens cannot tell whether this condition holds/],
      [[ // a sublayer used in a statement the reader does not follow
        'class Branchy(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.dense = layers.Dense(4)',
        '    def call(self, x, training=None):',
        '        if training:',
        '            x = self.dense(x)',
        '        return x',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Branchy()(inp))',
      ], /if statement ConvLens does not follow/],
      [[ // a tf.Variable whose initial value has no shape ConvLens can see
        'class Var(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.v = tf.Variable(initial_value=load_table())',
        '    def call(self, x):',
        '        return x * self.v',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Var()(inp))',
      ], /the shape of a Variable made in __init__ is not known/],
      [[ // a helper method that makes weights
        'class Helper(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.make()',
        '    def make(self):',
        '        self.w = self.add_weight(shape=(4,))',
        '    def call(self, x):',
        '        return x * self.w',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Helper()(inp))',
      ], /its __init__ calls self\.make\(\), which ConvLens does not follow/],
      [[ // a sublayer whose own input is wrong for it
        'class Bad(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = layers.Conv2D(4, 3)',
        '    def call(self, x):',
        '        return self.conv(x)',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Bad()(inp))',
      ], /conv2d \(Conv2D\): .*rank-4/],
    ];
    for (const [code, reason] of cases) {
      const [m] = read(...code);
      assert.strictEqual(m.complete, false, code[0]);
      assert.strictEqual(m.layers[1].params, null, code[0]);
      assert.match(m.layers[1].unknownReason ?? '', reason, code[0]);
    }
  });
});
