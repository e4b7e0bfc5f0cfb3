/**
 * The 1-D and 3-D forms of padding, cropping, upsampling and transposed convolution, and
 * CenterCrop, read as Keras computes them (keras/src/layers/reshaping/*, convolutional/
 * conv_transpose.py); Conv3DTranspose and CenterCrop, which TF.js has, are cross-checked in
 * test/engine/layersNdCrossCheck.test.ts.
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';

function layers(input: string, ...calls: string[]) {
  const code = `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=${input}), ${calls.map((c) => `layers.${c}`).join(', ')}])\n`;
  const m = analyzeSource(code, 'python').models[0];
  assert.ok(m.complete, m.layers.map((l) => l.unknownReason).join('; '));
  return m.layers.map((l) => [l.outputShape, l.params]);
}

describe('1-D and 3-D reshaping layers, transposed convolutions, CenterCrop', () => {
  it('pads, crops and upsamples sequences', () => {
    assert.deepStrictEqual(layers('(10, 4)', 'ZeroPadding1D(2)', 'Cropping1D((1, 3))', 'UpSampling1D(3)'), [
      [[null, 14, 4], 0], [[null, 10, 4], 0], [[null, 30, 4], 0],
    ]);
  });

  it('pads, crops and upsamples volumes, per axis', () => {
    assert.deepStrictEqual(layers('(8, 16, 16, 2)', 'ZeroPadding3D(((1, 0), 2, (0, 3)))', 'Cropping3D(1)', 'UpSampling3D((2, 1, 2))'), [
      [[null, 9, 20, 19, 2], 0], [[null, 7, 18, 17, 2], 0], [[null, 14, 18, 34, 2], 0],
    ]);
  });

  it('transposed convolutions in 1-D and 3-D grow each axis by the stride, with (k·cin + 1)·filters weights', () => {
    assert.deepStrictEqual(layers('(25, 8)', 'Conv1DTranspose(16, 3, strides=2)'), [[[null, 51, 16], (3 * 8 + 1) * 16]]);
    assert.deepStrictEqual(layers('(4, 8, 8, 3)', 'Conv3DTranspose(6, 3, strides=2, padding="same")'), [[[null, 8, 16, 16, 6], (27 * 3 + 1) * 6]]);
  });

  it('CenterCrop keeps the middle height × width', () => {
    assert.deepStrictEqual(layers('(180, 180, 3)', 'CenterCrop(150, 120)'), [[[null, 150, 120, 3], 0]]);
  });

  it('refuses a cropping that removes the whole input', () => {
    const m = analyzeSource('import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4, 2)), layers.Cropping1D((2, 2))])\n', 'python').models[0];
    assert.ok(m.diagnostics.some((d) => d.message.includes('removes the whole input')), JSON.stringify(m.diagnostics));
  });
});
