/**
 * buildTfjsModel: ModelSpecs written by hand are built with real TF.js (CPU backend) and the
 * resulting shapes and parameter counts are checked against numbers derived by hand from
 * Keras' formulas (never copied from TF.js output):
 *
 *   Conv2D          k_h * k_w * C_in * filters + filters (bias)
 *   SeparableConv2D k_h * k_w * C_in * depth_multiplier + C_in * depth_multiplier * filters + filters
 *   DepthwiseConv2D k_h * k_w * C_in * depth_multiplier + C_in * depth_multiplier
 *   Conv2DTranspose k_h * k_w * filters * C_in + filters
 *   Dense           units_in * units + units
 *   BatchNorm       4 * C (gamma, beta trainable; moving mean, variance not)
 *   LayerNorm       2 * C
 *   'valid' output  floor((n - d*(k-1) - 1) / s) + 1;  'same' output ceil(n / s)
 *   transpose out   'valid': (n - 1) * s + k;  'same': n * s
 */

import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { ConfigObject, LayerSpec, ModelSpec } from '../../src/core/model/spec';
import {
  BuildError,
  UnresolvedLayerError,
  UnsupportedConfigError,
  UnsupportedLayerError,
  buildTfjsModel,
  toTfjsConfig,
} from '../../src/core/engine/build';

// ---------------------------------------------------------------------------------------
// Tiny spec builders

const RANGE = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
let counter = 0;

function snake(className: string): string {
  return className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A layer entry; `inbound` only matters for functional specs. */
function L(className: string, config: ConfigObject = {}, inbound: number[] = [], extra: Partial<LayerSpec> = {}): LayerSpec {
  counter++;
  return {
    className,
    config,
    name: `${snake(className)}_${counter}`,
    tfjsName: `${className.charAt(0).toLowerCase()}${className.slice(1)}_${className}${counter}`,
    range: RANGE,
    argRanges: {},
    inbound,
    ...extra,
  };
}

function Input(shape: (number | null)[]): LayerSpec {
  return L('InputLayer', { shape });
}

function seq(inputShape: (number | null)[] | undefined, layers: LayerSpec[]): ModelSpec {
  return {
    name: 'model', kerasName: `sequential_${++counter}`, kind: 'sequential', language: 'python', dialect: 'keras',
    range: RANGE, layers, inputShape, inputs: [], outputs: [], diagnostics: [],
  };
}

function fn(layers: LayerSpec[], inputs: number[], outputs: number[]): ModelSpec {
  return {
    name: 'model', kerasName: `functional_${++counter}`, kind: 'functional', language: 'python', dialect: 'keras',
    range: RANGE, layers, inputs, outputs, diagnostics: [],
  };
}

/** Output shape of each layer of a built model, in order (Sequential hides its InputLayer). */
function shapes(model: tf.LayersModel): (number | null)[][] {
  return model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => l.outputShape as (number | null)[]);
}

function params(model: tf.LayersModel): number[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.countParams());
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** Builds, runs `check`, always disposes. */
function withModel(spec: ModelSpec, check: (m: tf.LayersModel) => void, options?: Parameters<typeof buildTfjsModel>[2]): void {
  const model = buildTfjsModel(tf, spec, options);
  try {
    check(model);
  } finally {
    model.dispose();
  }
}

// ---------------------------------------------------------------------------------------

describe('engine: buildTfjsModel', () => {
  let tensorsBefore = 0;

  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
  });

  afterEach(() => {
    assert.strictEqual(tf.memory().numTensors, tensorsBefore, 'every tensor created by the test is freed');
  });

  it('builds the Chollet MNIST convnet: 93,322 params and the per-layer shapes', () => {
    // 28x28x1 -conv3x3(32)-> 26x26x32: 3*3*1*32+32 = 320
    //   -pool2-> 13x13x32 -conv3x3(64)-> 11x11x64: 3*3*32*64+64 = 18,496
    //   -pool2-> 5x5x64 (floor(11/2)) -conv3x3(64)-> 3x3x64: 3*3*64*64+64 = 36,928
    //   -flatten-> 576 -dense64-> 576*64+64 = 36,928 -dense10-> 64*10+10 = 650
    // total 320 + 18,496 + 36,928 + 36,928 + 650 = 93,322
    const spec = seq([28, 28, 1], [
      L('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu', input_shape: [28, 28, 1] }),
      L('MaxPooling2D', { pool_size: [2, 2] }),
      L('Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }),
      L('MaxPooling2D', { pool_size: [2, 2] }),
      L('Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }),
      L('Flatten'),
      L('Dense', { units: 64, activation: 'relu' }),
      L('Dense', { units: 10, activation: 'softmax' }),
    ]);
    withModel(spec, (m) => {
      assert.strictEqual(m.countParams(), 93322);
      assert.deepStrictEqual(shapes(m), [
        [null, 26, 26, 32], [null, 13, 13, 32], [null, 11, 11, 64], [null, 5, 5, 64],
        [null, 3, 3, 64], [null, 576], [null, 64], [null, 10],
      ]);
      assert.deepStrictEqual(params(m), [320, 0, 18496, 0, 36928, 0, 36928, 650]);
      assert.deepStrictEqual(m.layers.map((l) => l.name), spec.layers.map((l) => l.name), 'Keras names are kept');
      // It is a real model: a forward pass gives a softmax per sample.
      const y = tf.tidy(() => (m.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor).sum(1));
      const sums = y.arraySync() as number[];
      y.dispose();
      sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
    });
  });

  it('Conv2D: padding same/valid, strides 2, dilation 2, use_bias=False, asymmetric kernels', () => {
    // Each branch on a 32x32x3 input; 3x3x3x16 kernel + 16 bias = 448 unless noted.
    const cases: { config: ConfigObject; shape: number[]; params: number }[] = [
      { config: { kernel_size: 3 }, shape: [30, 30, 16], params: 448 }, // valid: 32-3+1
      { config: { kernel_size: 3, padding: 'same' }, shape: [32, 32, 16], params: 448 },
      { config: { kernel_size: 3, strides: 2 }, shape: [15, 15, 16], params: 448 }, // floor(29/2)+1
      { config: { kernel_size: 3, strides: [2, 2], padding: 'same' }, shape: [16, 16, 16], params: 448 }, // ceil(32/2)
      { config: { kernel_size: 3, dilation_rate: 2 }, shape: [28, 28, 16], params: 448 }, // effective kernel 5: 32-5+1
      { config: { kernel_size: 3, dilation_rate: [2, 2], padding: 'same' }, shape: [32, 32, 16], params: 448 },
      { config: { kernel_size: 3, use_bias: false }, shape: [30, 30, 16], params: 432 }, // 3*3*3*16
      { config: { kernel_size: [5, 3], strides: [1, 2] }, shape: [28, 15, 16], params: 736 }, // 5*3*3*16+16; floor(29/2)+1
      { config: { kernel_size: 1, padding: 'SAME' }, shape: [32, 32, 16], params: 64 }, // 1*1*3*16+16
    ];
    for (const c of cases) {
      withModel(seq([32, 32, 3], [L('Conv2D', { filters: 16, ...c.config })]), (m) => {
        assert.deepStrictEqual(m.outputs[0].shape, [null, ...c.shape], JSON.stringify(c.config));
        assert.strictEqual(m.countParams(), c.params, JSON.stringify(c.config));
      });
    }
  });

  it('functional residual with Add, Concatenate and BatchNormalization (trainable vs non-trainable)', () => {
    // in 16x16x8
    // [1] conv3x3(8, same): 3*3*8*8+8 = 584         -> 16x16x8
    // [2] BN: 4*8 = 32 (gamma 8 + beta 8 trainable; moving mean 8 + variance 8 not)
    // [3] add([in, bn])                              -> 16x16x8
    // [4] conv1x1(4) on the input: 1*1*8*4+4 = 36    -> 16x16x4
    // [5] concatenate([add, conv1x1])                -> 16x16x12
    // [6] GAP                                        -> 12
    // [7] dense 10: 12*10+10 = 130
    // total 584 + 32 + 36 + 130 = 782; non-trainable 16; trainable 766
    const spec = fn([
      Input([16, 16, 8]),
      L('Conv2D', { filters: 8, kernel_size: 3, padding: 'same' }, [0]),
      L('BatchNormalization', {}, [1]),
      L('Add', {}, [0, 2]),
      L('Conv2D', { filters: 4, kernel_size: 1 }, [0]),
      L('Concatenate', {}, [3, 4]),
      L('GlobalAveragePooling2D', {}, [5]),
      L('Dense', { units: 10, activation: 'softmax' }, [6]),
    ], [0], [7]);
    withModel(spec, (m) => {
      assert.strictEqual(m.countParams(), 782);
      assert.strictEqual(count(m.trainableWeights), 766);
      assert.strictEqual(count(m.nonTrainableWeights), 16);
      // conv k+b, BN gamma+beta, conv k+b, dense k+b ; BN moving mean + variance
      assert.strictEqual(m.trainableWeights.length, 8);
      assert.strictEqual(m.nonTrainableWeights.length, 2);
      assert.deepStrictEqual(shapes(m), [
        [null, 16, 16, 8], [null, 16, 16, 8], [null, 16, 16, 8], [null, 16, 16, 4],
        [null, 16, 16, 12], [null, 12], [null, 10],
      ]);
    });
  });

  it('BatchNormalization with trainable=False and center/scale off', () => {
    // in 4x4x6 ; BN(trainable=False): 4*6 = 24, all non-trainable
    //           BN(center=False, scale=False): only moving mean/variance: 2*6 = 12, non-trainable
    const spec = seq([4, 4, 6], [
      L('BatchNormalization', { trainable: false }),
      L('BatchNormalization', { center: false, scale: false }),
    ]);
    withModel(spec, (m) => {
      assert.strictEqual(m.countParams(), 36);
      assert.strictEqual(count(m.trainableWeights), 0);
      assert.strictEqual(count(m.nonTrainableWeights), 36);
    });
  });

  it('SeparableConv2D and DepthwiseConv2D', () => {
    // in 10x10x8
    // SeparableConv2D(16, 3, same): depthwise 3*3*8 = 72, pointwise 8*16 = 128, bias 16 -> 216 ; 10x10x16
    // SeparableConv2D(16, 3, depth_multiplier=2): 3*3*16*2 = 288 + 32*16 = 512 + 16 -> 816 ; valid 8x8x16
    // DepthwiseConv2D(3, depth_multiplier=2): 3*3*16*2 = 288 + bias 32 -> 320 ; valid 6x6x32
    // DepthwiseConv2D(3, strides 2, same, use_bias False): 3*3*32 = 288 ; ceil(6/2) = 3x3x32
    const spec = seq([10, 10, 8], [
      L('SeparableConv2D', { filters: 16, kernel_size: 3, padding: 'same' }),
      L('SeparableConv2D', { filters: 16, kernel_size: [3, 3], depth_multiplier: 2 }),
      L('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2 }),
      L('DepthwiseConv2D', { kernel_size: 3, strides: 2, padding: 'same', use_bias: false }),
    ]);
    withModel(spec, (m) => {
      assert.deepStrictEqual(params(m), [216, 816, 320, 288]);
      assert.deepStrictEqual(shapes(m), [[null, 10, 10, 16], [null, 8, 8, 16], [null, 6, 6, 32], [null, 3, 3, 32]]);
      assert.strictEqual(m.countParams(), 216 + 816 + 320 + 288);
    });
  });

  it('SeparableConv2D honours a pointwise_initializer different from the depthwise one', () => {
    const spec = seq([4, 4, 2], [
      L('SeparableConv2D', { filters: 3, kernel_size: 1, depthwise_initializer: 'zeros', pointwise_initializer: 'ones' }),
    ]);
    withModel(spec, (m) => {
      const [depthwise, pointwise] = m.layers[0].getWeights();
      const d = depthwise.arraySync() as number[][][][];
      const p = pointwise.arraySync() as number[][][][];
      assert.deepStrictEqual(d.flat(3), [0, 0]);
      assert.deepStrictEqual(p.flat(3), [1, 1, 1, 1, 1, 1]);
    });
  });

  it('Conv2DTranspose', () => {
    // in 7x7x16
    // Conv2DTranspose(8, 3, strides 2, same): 3*3*8*16+8 = 1,160 ; 7*2 = 14x14x8
    // Conv2DTranspose(4, 3, strides 2, valid): 3*3*4*8+4 = 292 ; (14-1)*2+3 = 29x29x4
    // Conv2DTranspose(2, [2, 4], strides 1, use_bias False): 2*4*2*4 = 64 ; (29-1)+2 = 30, (29-1)+4 = 32
    const spec = seq([7, 7, 16], [
      L('Conv2DTranspose', { filters: 8, kernel_size: 3, strides: 2, padding: 'same' }),
      L('Conv2DTranspose', { filters: 4, kernel_size: 3, strides: [2, 2], padding: 'valid' }),
      L('Conv2DTranspose', { filters: 2, kernel_size: [2, 4], use_bias: false }),
    ]);
    withModel(spec, (m) => {
      assert.deepStrictEqual(params(m), [1160, 292, 64]);
      assert.deepStrictEqual(shapes(m), [[null, 14, 14, 8], [null, 29, 29, 4], [null, 30, 32, 2]]);
    });
  });

  it('1-D layers: Conv1D, pooling with strides None and padding same, global pooling', () => {
    // in 100x4
    // Conv1D(8, 5): 5*4*8+8 = 168 ; 96x8
    // MaxPooling1D(3) strides None -> 3: floor((96-3)/3)+1 = 32 ; 32x8
    // AveragePooling1D(pool 3, strides 2, same): ceil(32/2) = 16 ; 16x8
    // Conv1D(4, 3, dilation 2, same): 3*8*4+4 = 100 ; 16x4
    // GlobalMaxPooling1D -> 4
    const spec = seq([100, 4], [
      L('Conv1D', { filters: 8, kernel_size: 5 }),
      L('MaxPooling1D', { pool_size: 3, strides: null }),
      L('AveragePooling1D', { pool_size: 3, strides: 2, padding: 'same' }),
      L('Conv1D', { filters: 4, kernel_size: 3, dilation_rate: 2, padding: 'same' }),
      L('GlobalMaxPooling1D'),
    ]);
    withModel(spec, (m) => {
      assert.deepStrictEqual(shapes(m), [[null, 96, 8], [null, 32, 8], [null, 16, 8], [null, 16, 4], [null, 4]]);
      assert.strictEqual(m.countParams(), 268);
    });
  });

  it('shape-only layers: padding, cropping, upsampling, reshape, activations, dropout, rescaling, resizing', () => {
    // in 8x8x3
    // Rescaling -> 8x8x3 ; Resizing(12, 10) -> 12x10x3 ; ZeroPadding2D(((1,2),(3,4))) -> 15x17x3
    // Cropping2D((1, 2)) -> 13x13x3 ; UpSampling2D(2) -> 26x26x3 ; MaxPooling2D(3, strides 2, same) -> 13x13x3
    // AveragePooling2D(2) -> 6x6x3 ; SpatialDropout2D ; ReLU(max 6) ; LeakyReLU ; ReLU(negative_slope) ;
    // Reshape((36, 3)) ; Dropout ; Activation(tanh) ; Softmax ; LayerNormalization: 2*3 = 6 ;
    // Flatten -> 108 ; Dense(2): 108*2+2 = 218 ; total 224
    const spec = seq([8, 8, 3], [
      L('Rescaling', { scale: 1 / 255 }),
      L('Resizing', { height: 12, width: 10 }),
      L('ZeroPadding2D', { padding: [[1, 2], [3, 4]] }),
      L('Cropping2D', { cropping: [1, 2] }),
      L('UpSampling2D', { size: 2 }),
      L('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' }),
      L('AveragePooling2D', {}),
      L('SpatialDropout2D', { rate: 0.2 }),
      L('ReLU', { max_value: 6 }),
      L('LeakyReLU', { negative_slope: 0.1 }),
      L('ReLU', { negative_slope: 0.2 }),
      L('Reshape', { target_shape: [36, 3] }),
      L('Dropout', { rate: 0.5 }),
      L('Activation', { activation: 'tanh' }),
      L('Softmax', {}),
      L('LayerNormalization', {}),
      L('Flatten'),
      L('Dense', { units: 2 }),
    ]);
    withModel(spec, (m) => {
      assert.deepStrictEqual(shapes(m), [
        [null, 8, 8, 3], [null, 12, 10, 3], [null, 15, 17, 3], [null, 13, 13, 3], [null, 26, 26, 3],
        [null, 13, 13, 3], [null, 6, 6, 3], [null, 6, 6, 3], [null, 6, 6, 3], [null, 6, 6, 3], [null, 6, 6, 3],
        [null, 36, 3], [null, 36, 3], [null, 36, 3], [null, 36, 3], [null, 36, 3], [null, 108], [null, 2],
      ]);
      assert.strictEqual(m.countParams(), 224);
      // It runs, in training mode too (dropout noise shapes resolved from the input).
      tf.tidy(() => {
        const y = m.apply(tf.ones([2, 8, 8, 3]), { training: true }) as tf.Tensor;
        assert.deepStrictEqual(y.shape, [2, 2]);
      });
    });
  });

  it('Resizing resizes like Keras (half-pixel centres, not aligned corners)', () => {
    // 2x2 -> 4x4 bilinear. Output pixel o samples input coordinate (o + 0.5) * 2/4 - 0.5:
    // -0.25, 0.25, 0.75, 1.25 -> clamped/interpolated weights give, for the row [0, 1],
    // [0, 0.25, 0.75, 1]; output row 1 is 0.75 * row 0 + 0.25 * row 1 of [[0, 1], [2, 3]].
    withModel(seq([2, 2, 1], [L('Resizing', { height: 4, width: 4 })]), (m) => {
      const y = tf.tidy(() => (m.predict(tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1])) as tf.Tensor).squeeze());
      const rows = y.arraySync() as number[][];
      y.dispose();
      const near = (a: number[], b: number[]) => a.every((v, k) => Math.abs(v - b[k]) < 1e-6);
      assert.ok(near(rows[0], [0, 0.25, 0.75, 1]), JSON.stringify(rows));
      assert.ok(near(rows[1], [0.5, 0.75, 1.25, 1.5]), JSON.stringify(rows));
      assert.ok(near(rows[3], [2, 2.25, 2.75, 3]), JSON.stringify(rows));
    });
  });

  it('Keras 3 Sequential starting with keras.Input, and input_shape on the first layer', () => {
    // Dense on 20 features: 20*5+5 = 105
    withModel(seq(undefined, [L('InputLayer', { shape: [20] }), L('Dense', { units: 5 })]), (m) => {
      assert.strictEqual(m.countParams(), 105);
      assert.deepStrictEqual(m.inputs[0].shape, [null, 20]);
    });
    withModel(seq(undefined, [L('Dense', { units: 5, input_shape: [20] })]), (m) => assert.strictEqual(m.countParams(), 105));
    withModel(seq(undefined, [L('Dense', { units: 5, batch_input_shape: [null, 20] })]), (m) => assert.strictEqual(m.countParams(), 105));
    withModel(seq(undefined, [L('Dense', { units: 5, input_dim: 20 })]), (m) => assert.strictEqual(m.countParams(), 105));
    assert.throws(() => buildTfjsModel(tf, seq(undefined, [L('Dense', { units: 5 })])), BuildError);
  });

  it('shared layers count their weights once; nested models are built and applied', () => {
    // Two 6-feature inputs through one shared Dense(4): 6*4+4 = 28 counted once.
    // A nested Sequential (Dense(3) on 4 features: 4*3+3 = 15) applied to the merged result.
    // Concatenate -> 8 ; Dense(1): 8*1+1 = 9 ; total 28 + 15 + 9 = 52
    const inner = seq(undefined, [L('Dense', { units: 3 })]);
    const spec = fn([
      Input([6]),
      Input([6]),
      L('Dense', { units: 4, activation: 'relu' }, [0]),
      L('Dense', { units: 4, activation: 'relu' }, [1], { sharedWith: 2 }),
      L('Maximum', {}, [2, 3]),
      L('Sequential', {}, [4], { nested: inner }),
      L('Concatenate', { axis: -1 }, [2, 3]),
      L('Dense', { units: 1 }, [6]),
    ], [0, 1], [7, 5]);
    const model = buildTfjsModel(tf, spec);
    try {
      assert.strictEqual(model.countParams(), 52);
      assert.strictEqual(model.layers[2], model.layers.find((l) => l.name === spec.layers[2].name));
      assert.deepStrictEqual(model.outputs.map((o) => o.shape), [[null, 1], [null, 3]]);
    } finally {
      model.dispose();
    }
  });

  it('data-augmentation Sequential nested in a functional model (Random* built as identities)', () => {
    // in 32x32x3 -> augmentation (no weights) -> Rescaling -> Conv2D(4, 3): 3*3*3*4+4 = 112 -> 30x30x4
    // -> GlobalAveragePooling2D -> Dense(1): 4+1 = 5 ; total 117
    const augmentation = seq(undefined, [
      L('RandomFlip', { mode: 'horizontal' }),
      L('RandomRotation', { factor: 0.1 }),
      L('RandomZoom', { height_factor: 0.2 }),
    ]);
    const spec = fn([
      Input([32, 32, 3]),
      L('Sequential', {}, [0], { nested: augmentation }),
      L('Rescaling', { scale: 1 / 255 }, [1]),
      L('Conv2D', { filters: 4, kernel_size: 3, activation: 'relu' }, [2]),
      L('GlobalAveragePooling2D', {}, [3]),
      L('Dense', { units: 1, activation: 'sigmoid' }, [4]),
    ], [0], [5]);
    const notes: string[] = [];
    withModel(spec, (m) => {
      assert.strictEqual(m.countParams(), 117);
      // shapes(m): [augmentation, rescaling, conv, gap, dense]
      assert.deepStrictEqual(shapes(m)[0], [null, 32, 32, 3]);
      assert.deepStrictEqual(shapes(m)[2], [null, 30, 30, 4]);
    }, { onSubstitute: (layer) => notes.push(layer.className) });
    assert.deepStrictEqual(notes, ['RandomFlip', 'RandomRotation', 'RandomZoom']);
    assert.throws(() => buildTfjsModel(tf, spec, { augmentation: 'error' }), UnsupportedLayerError);

    // The same augmentation model as the first layer of a Sequential: it takes the outer
    // input shape. Conv2D(4, 3) on 32x32x3: 112 params.
    const outer = seq([32, 32, 3], [
      L('Sequential', {}, [], { nested: augmentation }),
      L('Conv2D', { filters: 4, kernel_size: 3 }),
    ]);
    withModel(outer, (m) => {
      assert.strictEqual(m.countParams(), 112);
      assert.deepStrictEqual(m.outputs[0].shape, [null, 30, 30, 4]);
    });
  });

  it('reports layers and arguments TF.js lacks, unresolved layers and shape errors, without leaking tensors', () => {
    const subtract = fn([Input([4]), Input([4]), L('Subtract', {}, [0, 1])], [0, 1], [2]);
    assert.throws(() => buildTfjsModel(tf, subtract), (e: unknown) => e instanceof UnsupportedLayerError && e.message.includes('Subtract'));

    const lambda = seq([4], [L('Dense', { units: 2 }), L('Lambda', {}, [], { unresolved: 'a Lambda runs Python code' })]);
    assert.throws(() => buildTfjsModel(tf, lambda), UnresolvedLayerError);

    const unknownValue = seq([4], [L('Dense', { units: { unknown: 'depends on a runtime value' } })]);
    assert.throws(() => buildTfjsModel(tf, unknownValue), (e: unknown) => e instanceof UnresolvedLayerError && e.message.includes('runtime value'));

    const causal = seq([10, 2], [L('Conv1D', { filters: 2, kernel_size: 3, padding: 'causal' })]);
    assert.throws(() => buildTfjsModel(tf, causal), (e: unknown) => e instanceof UnsupportedConfigError && e.key === 'padding');

    const misspelt = seq([10, 2], [L('Conv1D', { filters: 2, kernel_size: 3, kernal_initializer: 'zeros' })]);
    assert.throws(() => buildTfjsModel(tf, misspelt), (e: unknown) => e instanceof UnsupportedConfigError && e.key === 'kernal_initializer');

    const channelsFirst = seq([3, 8, 8], [L('Conv2D', { filters: 2, kernel_size: 3, data_format: 'channels_first' })]);
    assert.throws(() => buildTfjsModel(tf, channelsFirst), UnsupportedConfigError);

    // 28 -conv3-> 26 -pool2-> 13 -pool2-> 6 -pool2-> 3 ; a 5x5 'valid' kernel does not fit in 3x3.
    const tooBig = seq([28, 28, 1], [
      L('Conv2D', { filters: 4, kernel_size: 3 }),
      L('MaxPooling2D', {}), L('MaxPooling2D', {}), L('MaxPooling2D', {}),
      L('Conv2D', { filters: 4, kernel_size: 5 }),
    ]);
    assert.throws(() => buildTfjsModel(tf, tooBig), (e: unknown) => e instanceof BuildError && e.layer === tooBig.layers[4]);

    const mismatch = fn([Input([8, 8, 3]), L('Conv2D', { filters: 4, kernel_size: 3 }, [0]), L('Add', {}, [0, 1])], [0], [2]);
    assert.throws(() => buildTfjsModel(tf, mismatch), (e: unknown) => e instanceof BuildError && e.layer === mismatch.layers[2]);
    // afterEach checks that the weights of the half-built models were freed.
  });

  it('toTfjsConfig: Keras defaults made explicit, names and spellings translated', () => {
    const conv = toTfjsConfig(L('Conv2D', { filters: 8, kernel_size: [3, 3], padding: 'same', kernel_initializer: 'he_normal', name: 'c1' }));
    assert.strictEqual(conv.factory, 'conv2d');
    assert.strictEqual(conv.args['kernelInitializer'], 'heNormal');
    assert.strictEqual(conv.args['biasInitializer'], 'zeros');
    assert.deepStrictEqual(conv.args['kernelSize'], [3, 3]);
    assert.strictEqual(conv.args['activation'], 'linear');

    const dense = toTfjsConfig(L('Dense', { units: 3, kernel_regularizer: 'l2' }));
    assert.strictEqual(dense.args['kernelInitializer'], 'glorotUniform', "Keras' default, not TF.js' glorotNormal");
    assert.deepStrictEqual(dense.args['kernelRegularizer'], { className: 'L1L2', config: { l1: 0, l2: 0.01 } });

    const pool = toTfjsConfig(L('MaxPooling2D', { pool_size: [2, 2], strides: null, padding: 'valid' }));
    assert.deepStrictEqual(pool, { factory: 'maxPooling2d', args: { name: pool.args['name'], poolSize: [2, 2], padding: 'valid' } });

    assert.deepStrictEqual(toTfjsConfig(L('LeakyReLU', { negative_slope: 0.2 })).args['alpha'], 0.2);
    assert.deepStrictEqual(toTfjsConfig(L('Softmax')).args['axis'], -1, "Keras' axis, not TF.js' 1");
    assert.strictEqual(toTfjsConfig(L('Activation', { activation: 'silu' })).args['activation'], 'swish');
    assert.throws(() => toTfjsConfig(L('Activation', { activation: 'hard_sigmoid' })), UnsupportedConfigError);

    const named = L('Dense', { units: 1 });
    assert.strictEqual(toTfjsConfig(named).args['name'], named.name);
    assert.strictEqual(toTfjsConfig(named, { naming: 'tfjs' }).args['name'], named.tfjsName);
  });
});
