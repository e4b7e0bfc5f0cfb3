/**
 * The new 3-D and cropping layers that TF.js also has (conv3dTranspose, centerCrop): the same
 * layers built by TF.js give ConvLens' output shapes and parameter counts. (TF.js has no 1-D
 * or 3-D padding, cropping or upsampling; those follow Keras' formulas in test/unit/layersNd.test.ts.)
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';

function read(input: string, call: string) {
  return analyzeSource(`import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=${input}), layers.${call}])\n`, 'python').models[0];
}

describe('1-D/3-D layers against TF.js', () => {
  it('Conv3DTranspose, valid and same, strides 1 and 2', () => {
    for (const [padding, strides] of [['valid', 1], ['valid', 2], ['same', 2]] as const) {
      const m = read('(4, 8, 8, 3)', `Conv3DTranspose(6, 3, strides=${strides}, padding="${padding}")`);
      const t = tf.sequential({ layers: [tf.layers.conv3dTranspose({ inputShape: [4, 8, 8, 3], filters: 6, kernelSize: 3, strides, padding })] });
      assert.deepStrictEqual(m.layers[0].outputShape, t.outputs[0].shape, `${padding} ${strides}`);
      assert.strictEqual(m.totalParams, t.countParams());
      t.dispose();
    }
  });

  it('CenterCrop', () => {
    const m = read('(180, 180, 3)', 'CenterCrop(150, 120)');
    const t = tf.sequential({ layers: [tf.layers.centerCrop({ inputShape: [180, 180, 3], height: 150, width: 120 })] });
    assert.deepStrictEqual(m.layers[0].outputShape, t.outputs[0].shape);
    t.dispose();
  });
});
