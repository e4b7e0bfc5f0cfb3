/**
 * Issue #11: a custom layer's call evaluated symbolically — extract_patches, reshape with the
 * batch size, concatenate, matmul, reductions, one_hot, a helper method — and its
 * compute_output_shape, and a Keras tensor's shape while the model is built. Each expected
 * shape is worked out in the comment beside it from the functions' NumPy rules.
 */
import * as assert from 'assert';
import { PATCH_ENCODER, layerOf as layer, readPython as read } from '../fixtures/customLayers';

describe('custom layers: call evaluated symbolically', () => {
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
    // h: (None, 6, 8) → (None, 6, 2, 4) → (None, 2, 6, 4); scores (None, 2, 6, 6); mean keepdims (None, 2, 6, 1);
    // sum over the heads (None, 6, 1), squeezed (None, 6); proj (None, 6, 8) max → (None, 6);
    // one_hot (None, 6, 10), argmax → (None, 6); summed over both axes (None,), [:, None] → (None, 1):
    // concatenated (None, 6 + 6 + 6 + 1) = (None, 19). The kernel is 8·8.
    const mix = layer(m, 'Mix');
    assert.deepStrictEqual([mix.outputShape, mix.params], [[null, 19], 64]);
    assert.strictEqual(m.complete, true);
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


  it('takes the branch of call that its constructor arguments decide', () => {
    const code = [
      'class Head(layers.Layer):',
      '    def __init__(self, units, pool="mean", use_bias=True):',
      '        super().__init__()',
      '        self.pool = pool',
      '        self.use_bias = use_bias',
      '        self.dense = layers.Dense(units, use_bias=use_bias)',
      '    def call(self, x):',
      '        if self.pool == "mean":',
      '            x = ops.mean(x, axis=1)',
      '        elif self.pool is None:',
      '            x = layers.Flatten()(x)',
      '        else:',
      '            x = ops.max(x, axis=1, keepdims=True)',
      '        if not self.use_bias:',
      '            return self.dense(x)',
      '        return self.dense(x) * 2.0',
      'inp = keras.Input((5, 8))',
      'a = Head(3)(inp)',
      'b = Head(3, pool="max", use_bias=False)(inp)',
      'model = keras.Model(inp, [a, b])',
    ];
    const [m] = read(...code);
    // mean over the 5 steps: (None, 8) → Dense (8 + 1)·3; max keeping the axis: (None, 1, 8) → Dense 8·3, no bias.
    assert.deepStrictEqual(m.layers.slice(1).map((l) => [l.outputShape, l.params]), [[[null, 3], 27], [[null, 1, 3], 24]]);
    // pool=None takes the branch that makes a layer inside call, which is not read.
    const [none] = read(...code.map((line) => line.replace('a = Head(3)(inp)', 'a = Head(3, pool=None)(inp)')));
    assert.match(none.layers[1].unknownReason ?? '', /layers\.Flatten\(\) makes a layer inside call/);
  });
});
