/**
 * TensorFlow ops applied to Keras tensors that TF 2 Keras turns into weightless op layers.
 * Expected values from Keras' summary of keras.io's ESPCN
 * (examples/vision/md/super_resolution_sub_pixel.md): conv2d_3 (None, 100, 100, 9), then
 * tf_op_layer_DepthToSpace (None, 300, 300, 1) with 0 params; total 59,657.
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';

describe('TF ops on Keras tensors', () => {
  it('reads tf.nn.depth_to_space as a weightless layer with Keras\' shape', () => {
    const [m] = analyzeSource([
      'import tensorflow as tf',
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'conv_args = {"activation": "relu", "kernel_initializer": "Orthogonal", "padding": "same"}',
      'inputs = keras.Input(shape=(100, 100, 1))',
      'x = layers.Conv2D(64, 5, **conv_args)(inputs)',
      'x = layers.Conv2D(64, 3, **conv_args)(x)',
      'x = layers.Conv2D(32, 3, **conv_args)(x)',
      'x = layers.Conv2D(1 * (3 ** 2), 3, **conv_args)(x)',
      'outputs = tf.nn.depth_to_space(x, 3)',
      'model = keras.Model(inputs, outputs)',
    ].join('\n'), 'python').models;
    assert.strictEqual(m.complete, true);
    const last = m.layers[m.layers.length - 1];
    assert.strictEqual(last.className, 'DepthToSpace');
    assert.deepStrictEqual(last.outputShape, [null, 300, 300, 1]);
    assert.strictEqual(last.params, 0);
    assert.strictEqual(m.totalParams, 59657);
  });

  it('refuses a channel count the block does not divide, as TF does', () => {
    const [m] = analyzeSource([
      'import tensorflow as tf',
      'from tensorflow import keras',
      'inputs = keras.Input(shape=(8, 8, 5))',
      'model = keras.Model(inputs, tf.nn.depth_to_space(inputs, 2))',
    ].join('\n'), 'python').models;
    assert.strictEqual(m.complete, false);
    assert.match(m.layers[1].unknownReason ?? '', /divisible by 2² = 4, got 5/);
  });

  it('reads tf.nn.relu on a Keras tensor as TF 2 Keras\' weightless op layer, named after the op', () => {
    // keras.io DeepLabV3+ (keras-io 0a4be8b) prints tf.nn.relu (TFOpLambda) and tf.nn.relu_1 after
    // each BatchNormalization, with the BatchNormalization's shape and 0 params.
    const [m] = analyzeSource([
      'import tensorflow as tf',
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'inputs = keras.Input(shape=(8, 8, 3))',
      'x = tf.nn.relu(layers.BatchNormalization()(inputs))',
      'x = tf.nn.relu(layers.Conv2D(4, 3)(x))',
      'model = keras.Model(inputs, x)',
    ].join('\n'), 'python').models;
    assert.strictEqual(m.complete, true);
    const ops = m.layers.filter((l) => l.className === 'Activation');
    assert.deepStrictEqual(ops.map((l) => [l.name, l.outputShape, l.params]), [
      ['tf.nn.relu', [null, 8, 8, 3], 0],
      ['tf.nn.relu_1', [null, 6, 6, 4], 0],
    ]);
    // BatchNormalization(3): 4·3 = 12; Conv2D(4, 3×3) on 3: (9·3 + 1)·4 = 112
    assert.strictEqual(m.totalParams, 124);
  });

  it('reads keras.activations.swish on a Keras tensor as the tf.nn.silu op layer, and ops.equal on two sizes as a Python truth', () => {
    // keras.io MobileViT (keras-io 2a11e38) prints tf.nn.silu (TFOpLambda) after each BatchNormalization
    // and adds the residual only where `keras.ops.equal(x.shape[-1], output_channels) and strides == 1`.
    const [m] = analyzeSource([
      'import keras',
      'from keras import layers',
      'def block(x, out, strides=1):',
      '    m = keras.activations.swish(layers.BatchNormalization()(layers.Conv2D(out, 1, use_bias=False)(x)))',
      '    if keras.ops.equal(x.shape[-1], out) and strides == 1:',
      '        return layers.Add()([m, x])',
      '    return m',
      'inputs = keras.Input((8, 8, 4))',
      'x = block(inputs, 4)',
      'x = block(x, 6)',
      'model = keras.Model(inputs, x)',
    ].join('\n'), 'python').models;
    assert.strictEqual(m.complete, true);
    assert.deepStrictEqual(m.layers.filter((l) => l.className === 'Activation').map((l) => l.name), ['tf.nn.silu', 'tf.nn.silu_1']);
    // one Add: 4 = 4 channels in the first block, 4 ≠ 6 in the second
    assert.strictEqual(m.layers.filter((l) => l.className === 'Add').length, 1);
    // Conv2D 1×1 without bias: 4·4 = 16 and 4·6 = 24; BatchNormalization 4·4 = 16 and 4·6 = 24
    assert.strictEqual(m.totalParams, 80);
  });
});

