/**
 * Shape engine against hand arithmetic. Every expectation is derived in the comment next
 * to it from Keras' definitions (the tfjs cross-check in crossCheck.test.ts confirms the
 * same numbers with a real engine).
 */
import * as assert from 'assert';
import { analyzeModel } from '../../src/core/shapes/analyze';
import { formatBytes, formatCount, formatShapeKeras } from '../../src/core/shapes/format';
import { functional, sequential } from '../helpers/specs';

const codes = (m: ReturnType<typeof analyzeModel>): (string | undefined)[] => m.diagnostics.map((d) => d.code);

describe('shape engine', () => {
  it('gives RandomHeight and RandomWidth a None side and no weights, as TF 2 Keras does', () => {
    // keras.io supervised-contrastive-learning (keras-io 048d90a) prints the augmentation
    // Sequential (Normalization, RandomFlip, RandomRotation, RandomWidth, RandomHeight) on
    // (32, 32, 3) as (None, None, None, 3), 7 params (the Normalization's mean, variance, count).
    const m = analyzeModel(sequential([32, 32, 3], [['RandomWidth', { factor: 0.2 }], ['RandomHeight', { factor: 0.2 }], ['Conv2D', { filters: 2, kernel_size: 3 }]]));
    // Conv2D(2, 3×3) on 3 channels: (9·3 + 1)·2 = 56, whatever the image size
    assert.deepStrictEqual(m.layers.map((l) => l.outputShape), [[null, 32, null, 3], [null, null, null, 3], [null, null, null, 2]]);
    assert.deepStrictEqual(m.layers.map((l) => l.params), [0, 0, 56]);
    assert.strictEqual(m.complete, true);
  });

  it("computes Chollet's MNIST convnet layer by layer (93,322 params)", () => {
    const m = analyzeModel(sequential([28, 28, 1], [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
      ['Flatten'],
      ['Dense', { units: 64, activation: 'relu' }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ]));
    // 28-3+1=26; 26/2=13; 13-3+1=11; floor(11/2)=5; 5-3+1=3; 3*3*64=576.
    assert.deepStrictEqual(m.layers.map((l) => l.outputShape), [
      [null, 26, 26, 32], [null, 13, 13, 32], [null, 11, 11, 64], [null, 5, 5, 64], [null, 3, 3, 64], [null, 576], [null, 64], [null, 10],
    ]);
    // (9*1+1)*32=320; (9*32+1)*64=18496; (9*64+1)*64=36928; (576+1)*64=36928; (64+1)*10=650.
    assert.deepStrictEqual(m.layers.map((l) => l.params), [320, 0, 18496, 0, 36928, 0, 36928, 650]);
    assert.strictEqual(m.totalParams, 93322);
    assert.strictEqual(m.trainableParams, 93322);
    assert.strictEqual(m.nonTrainableParams, 0);
    assert.strictEqual(m.complete, true);
    assert.strictEqual(m.layers[0].formulas.params, '(3·3·1 + 1)·32 = 320');
    assert.deepStrictEqual(m.layers[0].formulas.shape, ['height, width: ⌊(28 − 3 + 2·0)/1⌋ + 1 = 26', 'channels: 32 filters']);
    assert.deepStrictEqual(m.layers[3].formulas.shape, ['height, width: ⌊(11 − 2 + 2·0)/2⌋ + 1 = 5']);
    assert.strictEqual(m.layers[5].formulas.shape[0], '3·3·64 = 576');
    assert.strictEqual(m.layers[7].formulas.params, '(64 + 1)·10 = 650');
    assert.deepStrictEqual(m.diagnostics, []);
    // Keras prints "Total params: 93,322 (364.54 KB)": 93322*4 bytes / 1024.
    assert.strictEqual(formatBytes(m.sizeBytes), '364.54 KB');
  });

  it("matches the course's parameter example: ((5·5·3) + 1)·6 = 456, 450 without bias", () => {
    const withBias = analyzeModel(sequential([28, 28, 3], [['Conv2D', { filters: 6, kernel_size: 5 }]]));
    assert.deepStrictEqual(withBias.layers[0].outputShape, [null, 24, 24, 6]);
    assert.strictEqual(withBias.layers[0].formulas.params, '(5·5·3 + 1)·6 = 456');
    assert.strictEqual(withBias.layers[0].formulas.shape[0], 'height, width: ⌊(28 − 5 + 2·0)/1⌋ + 1 = 24');
    const noBias = analyzeModel(sequential([28, 28, 3], [['Conv2D', { filters: 6, kernel_size: 5, use_bias: false }]]));
    assert.strictEqual(noBias.totalParams, 450);
    assert.strictEqual(noBias.layers[0].formulas.params, '5·5·3·6 = 450');
  });

  it("handles 'same' padding, strides and dilation like Keras", () => {
    // same, stride 2: ceil(28/2)=14; total pad = (14-1)*2+3-28 = 1 -> 0 before, 1 after.
    const same = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }]]));
    assert.deepStrictEqual(same.layers[0].outputShape, [null, 14, 14, 4]);
    assert.strictEqual(same.layers[0].formulas.shape[0], "height, width: ⌈28/2⌉ = 14 ('same' pads 0 before, 1 after)");
    // same, stride 1, 3x3: pad 1 each side, size kept.
    const keep = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }]]));
    assert.strictEqual(keep.layers[0].formulas.shape[0], "height, width: ⌈28/1⌉ = 28 ('same' pads 1 on each side)");
    // dilation 2: effective kernel (3-1)*2+1 = 5; valid: 28-5+1 = 24.
    const dilated = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 4, kernel_size: 3, dilation_rate: 2 }]]));
    assert.deepStrictEqual(dilated.layers[0].outputShape, [null, 24, 24, 4]);
    assert.match(dilated.layers[0].formulas.shape[0], /k = \(3 − 1\)·2 \+ 1 = 5/);
    // valid, stride 2 on 7 with 3x3: floor((7-3)/2)+1 = 3; non-square input keeps two formulas.
    const rect = analyzeModel(sequential([7, 9, 2], [['Conv2D', { filters: 1, kernel_size: 3, strides: [2, 2] }]]));
    assert.deepStrictEqual(rect.layers[0].outputShape, [null, 3, 4, 1]);
    assert.strictEqual(rect.layers[0].formulas.shape.length, 3);
  });

  it('reports a kernel larger than its input as an error and stops guessing downstream', () => {
    // 10 -> conv3 -> 8 -> pool -> 4 -> pool -> 2 -> conv3: 2-3+1 = 0.
    const m = analyzeModel(sequential([10, 10, 1], [
      ['Conv2D', { filters: 8, kernel_size: 3 }], ['MaxPooling2D'], ['MaxPooling2D'], ['Conv2D', { filters: 8, kernel_size: 3 }], ['Flatten'],
    ]));
    assert.deepStrictEqual(m.layers[2].outputShape, [null, 2, 2, 8]);
    assert.strictEqual(m.layers[3].outputShape, null);
    assert.strictEqual(m.layers[4].outputShape, null);
    const d = m.diagnostics.find((x) => x.code === 'dimension-not-positive');
    assert.ok(d, 'expected a dimension-not-positive diagnostic');
    assert.strictEqual(d.severity, 'error');
    assert.match(d.message, /kernel \(3\) is larger than the input height \(2\)/);
    assert.strictEqual(m.complete, false);
  });

  it('counts BatchNormalization as trainable γ, β and non-trainable moving statistics', () => {
    const m = analyzeModel(sequential([8, 8, 3], [['Conv2D', { filters: 64, kernel_size: 3, padding: 'same' }], ['BatchNormalization']]));
    // 4*64 = 256: 128 trainable, 128 non-trainable.
    assert.strictEqual(m.layers[1].trainableParams, 128);
    assert.strictEqual(m.layers[1].nonTrainableParams, 128);
    assert.strictEqual(m.nonTrainableParams, 128);
    assert.strictEqual(m.totalParams, (9 * 3 + 1) * 64 + 256);
  });

  it('computes transpose, separable and depthwise convolutions', () => {
    // Conv2DTranspose same: 7*2 = 14; valid: 7*2 + max(3-2, 0) = 15; params (3*3*64+1)*32 = 18464.
    const same = analyzeModel(sequential([7, 7, 64], [['Conv2DTranspose', { filters: 32, kernel_size: 3, strides: 2, padding: 'same' }]]));
    assert.deepStrictEqual(same.layers[0].outputShape, [null, 14, 14, 32]);
    assert.strictEqual(same.totalParams, 18464);
    const valid = analyzeModel(sequential([7, 7, 64], [['Conv2DTranspose', { filters: 32, kernel_size: 3, strides: 2 }]]));
    assert.deepStrictEqual(valid.layers[0].outputShape, [null, 15, 15, 32]);
    // SeparableConv2D: depthwise 3*3*32 + pointwise 32*64 + bias 64 = 288 + 2048 + 64 = 2400.
    const sep = analyzeModel(sequential([16, 16, 32], [['SeparableConv2D', { filters: 64, kernel_size: 3 }]]));
    assert.strictEqual(sep.totalParams, 2400);
    assert.deepStrictEqual(sep.layers[0].outputShape, [null, 14, 14, 64]);
    // DepthwiseConv2D: (3*3 + 1)*32 = 320, channels kept.
    const dw = analyzeModel(sequential([16, 16, 32], [['DepthwiseConv2D', { kernel_size: 3 }]]));
    assert.strictEqual(dw.totalParams, 320);
    assert.deepStrictEqual(dw.layers[0].outputShape, [null, 14, 14, 32]);
  });

  it('computes padding, cropping, upsampling, reshape and global pooling', () => {
    const m = analyzeModel(sequential([28, 28, 3], [
      ['ZeroPadding2D'], // 28 + 1 + 1 = 30
      ['Cropping2D', { cropping: [[2, 2], [4, 4]] }], // 30-4 = 26, 30-8 = 22
      ['UpSampling2D', { size: 2 }], // 52, 44
      ['GlobalAveragePooling2D'], // (None, 3)
      ['Reshape', { target_shape: [1, -1] }], // (None, 1, 3)
    ]));
    assert.deepStrictEqual(m.layers.map((l) => l.outputShape), [[null, 30, 30, 3], [null, 26, 22, 3], [null, 52, 44, 3], [null, 3], [null, 1, 3]]);
    const bad = analyzeModel(sequential([4, 4], [['Reshape', { target_shape: [5, 3] }]]));
    assert.ok(bad.diagnostics.some((d) => d.message.includes('cannot reshape 16 values')));
  });

  it('merges a residual branch, and reports merge inputs that disagree', () => {
    const ok = analyzeModel(functional([
      ['InputLayer', { shape: [32, 32, 16] }, []],
      ['Conv2D', { filters: 16, kernel_size: 3, padding: 'same' }, [0]],
      ['Add', {}, [1, 0]],
      ['Conv2D', { filters: 8, kernel_size: 1 }, [2]],
      ['Concatenate', {}, [2, 3]],
    ]));
    assert.deepStrictEqual(ok.layers[2].outputShape, [null, 32, 32, 16]);
    assert.deepStrictEqual(ok.layers[4].outputShape, [null, 32, 32, 24]);
    assert.deepStrictEqual(ok.inputShapes, [[null, 32, 32, 16]]);
    const bad = analyzeModel(functional([
      ['InputLayer', { shape: [32, 32, 16] }, []],
      ['Conv2D', { filters: 32, kernel_size: 3, padding: 'same' }, [0]],
      ['Add', {}, [1, 0]],
    ]));
    const d = bad.diagnostics.find((x) => x.code === 'merge-mismatch');
    assert.ok(d);
    assert.match(d.message, /\(None, 32, 32, 32\) and \(None, 32, 32, 16\)/);
  });

  it('keeps unknown (None) axes unknown through an element-wise merge', () => {
    // A conv base built without input_shape: (None, None, None, 16) + itself is still None×None,
    // not 1×1 (a None read as a broadcastable 1 once made every ResNet stage after the first Add 1×1).
    const m = analyzeModel(functional([
      ['InputLayer', { shape: [null, null, 16] }, []],
      ['Conv2D', { filters: 16, kernel_size: 3, padding: 'same' }, [0]],
      ['Add', {}, [1, 0]],
      ['Multiply', {}, [2, 1]],
    ]));
    assert.deepStrictEqual(m.layers[2].outputShape, [null, null, null, 16]);
    assert.deepStrictEqual(m.layers[3].outputShape, [null, null, null, 16]);
  });

  it('hints at a missing Flatten when Dense receives a rank-4 tensor', () => {
    const m = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 8, kernel_size: 3 }], ['Dense', { units: 10 }]]));
    // Dense acts on the last axis: (None, 26, 26, 10), (8+1)*10 = 90 params.
    assert.deepStrictEqual(m.layers[1].outputShape, [null, 26, 26, 10]);
    assert.strictEqual(m.layers[1].params, 90);
    const hint = m.diagnostics.find((d) => d.code === 'dense-on-rank4');
    assert.ok(hint);
    assert.strictEqual(hint.severity, 'hint');
    // Through a Dropout it is still the convolution's feature map.
    const dropped = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 8, kernel_size: 3 }], ['Dropout', { rate: 0.5 }], ['Dense', { units: 10 }]]));
    assert.deepStrictEqual(codes(dropped), ['dense-on-rank4']);
  });

  it('does not hint at Flatten for a transformer MLP on a rank-4 grid of tokens (keras.io MobileViT)', () => {
    // MobileViT reshapes a feature map to (patch_size, num_patches, dim) tokens, normalises
    // them, and its MLP is Dense(2·dim) then Dense(dim) on the last axis, as intended.
    const m = analyzeModel(sequential([8, 8, 16], [
      ['Reshape', { target_shape: [4, 16, 16] }], ['LayerNormalization', { epsilon: 1e-6 }],
      ['Dense', { units: 32 }], ['Dropout', { rate: 0.1 }], ['Dense', { units: 16 }],
    ]));
    assert.deepStrictEqual(codes(m), []);
  });

  it('warns when the final activation does not fit the loss', () => {
    const dense = (activation?: string): [string, { units: number; activation?: string }] => ['Dense', activation ? { units: 10, activation } : { units: 10 }];
    const check = (activation: string | undefined, loss: string, fromLogits?: boolean): (string | undefined)[] =>
      codes(analyzeModel(sequential([4], [dense(activation)], { loss, fromLogits })));
    assert.deepStrictEqual(check('softmax', 'binary_crossentropy'), ['loss-activation']);
    assert.deepStrictEqual(check('sigmoid', 'categorical_crossentropy'), ['loss-activation']);
    assert.deepStrictEqual(check(undefined, 'sparse_categorical_crossentropy'), ['loss-activation']);
    assert.deepStrictEqual(check(undefined, 'sparse_categorical_crossentropy', true), []);
    assert.deepStrictEqual(check('softmax', 'categorical_crossentropy', true), ['loss-activation']);
    assert.deepStrictEqual(check('softmax', 'categorical_crossentropy'), []);
    assert.deepStrictEqual(check('softmax', 'mse'), []);
  });

  it('reports misspelt arguments with a suggestion, and models without an input shape', () => {
    const m = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: 8, kernel_size: 3, strides: 1, padding: 'valid', activaton: 'relu' }]]));
    const d = m.diagnostics.find((x) => x.code === 'unknown-argument');
    assert.ok(d);
    assert.match(d.message, /no argument "activaton". Did you mean activation\?/);
    const noInput = analyzeModel(sequential(undefined, [['Conv2D', { filters: 8, kernel_size: 3 }], ['Flatten'], ['Dense', { units: 2 }]]));
    assert.deepStrictEqual(codes(noInput), ['no-input-shape']);
    assert.strictEqual(noInput.complete, false);
    assert.ok(noInput.layers.every((l) => l.outputShape === null && l.params === null));
  });

  it('treats an unknown argument value as unknown, not as a guess', () => {
    const m = analyzeModel(sequential([28, 28, 1], [['Conv2D', { filters: { unknown: 'read from a file' }, kernel_size: 3 }], ['Flatten']]));
    assert.strictEqual(m.layers[0].outputShape, null);
    assert.match(m.layers[0].unknownReason ?? '', /filters is not known statically \(read from a file\)/);
    assert.strictEqual(m.layers[1].unknownReason, 'its input shape is unknown');
  });

  it('formats numbers and shapes as Keras prints them', () => {
    assert.strictEqual(formatCount(138357544), '138,357,544');
    assert.strictEqual(formatCount(0), '0');
    assert.strictEqual(formatShapeKeras([null, 26, 26, 32]), '(None, 26, 26, 32)');
    assert.strictEqual(formatShapeKeras([null]), '(None,)');
    assert.strictEqual(formatBytes(0), '0.00 B');
    assert.strictEqual(formatBytes(138357544 * 4), '527.79 MB');
  });
});
