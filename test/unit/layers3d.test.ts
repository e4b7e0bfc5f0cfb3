/**
 * Conv3D and 3D pooling, checked against Keras' own summary of the keras.io CT-scan
 * classifier (examples/vision/md/3D_image_classification.md): conv3d (None, 126, 126, 62, 64)
 * with 1,792 params, max_pooling3d (None, 63, 63, 31, 64), conv3d_1 (None, 61, 61, 29, 64)
 * with 110,656, global_average_pooling3d (None, 256); total 1,352,897, of which 1,024
 * non-trainable (the BatchNormalization moving statistics).
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';

const block = (filters: number, input: string): string[] => [
  `x = layers.Conv3D(filters=${filters}, kernel_size=3, activation="relu")(${input})`,
  'x = layers.MaxPool3D(pool_size=2)(x)',
  'x = layers.BatchNormalization()(x)',
];

describe('3D convolution and pooling', () => {
  it('reads the keras.io 3D CNN exactly as Keras summarises it', () => {
    const [m] = analyzeSource([
      'import keras',
      'from keras import layers',
      'inputs = keras.Input((128, 128, 64, 1))',
      ...block(64, 'inputs'), ...block(64, 'x'), ...block(128, 'x'), ...block(256, 'x'),
      'x = layers.GlobalAveragePooling3D()(x)',
      'x = layers.Dense(units=512, activation="relu")(x)',
      'x = layers.Dropout(0.3)(x)',
      'outputs = layers.Dense(units=1, activation="sigmoid")(x)',
      'model = keras.Model(inputs, outputs, name="3dcnn")',
    ].join('\n'), 'python').models;
    assert.strictEqual(m.complete, true);
    const byName = new Map(m.layers.map((l) => [l.name, l]));
    assert.deepStrictEqual(byName.get('conv3d')?.outputShape, [null, 126, 126, 62, 64]);
    assert.strictEqual(byName.get('conv3d')?.params, 1792);
    assert.deepStrictEqual(byName.get('max_pooling3d')?.outputShape, [null, 63, 63, 31, 64]);
    assert.deepStrictEqual(byName.get('conv3d_1')?.outputShape, [null, 61, 61, 29, 64]);
    assert.strictEqual(byName.get('conv3d_1')?.params, 110656);
    assert.deepStrictEqual(byName.get('global_average_pooling3d')?.outputShape, [null, 256]);
    assert.deepStrictEqual([m.totalParams, m.trainableParams, m.nonTrainableParams], [1352897, 1351873, 1024]);
  });
});
