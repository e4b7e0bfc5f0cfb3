/**
 * The shape engine against a real engine: every supported layer configuration and the
 * classic example nets are built with @tensorflow/tfjs (through core/engine/build.ts)
 * and every layer's output shape and trainable / non-trainable counts must be identical.
 * Expected totals of the classic nets are the published ones (Chollet: 93,322 and
 * 3,453,121; VGG16: 138,357,544), derived by hand in each example's header.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource, languageForFile } from '../../src/core/analysis';
import { buildTfjsModel } from '../../src/core/engine/build';
import type { ConfigObject, ModelSpec } from '../../src/core/model/spec';
import { analyzeModel } from '../../src/core/shapes/analyze';
import type { ModelSummary } from '../../src/core/shapes/types';
import { functional, sequential } from '../helpers/specs';

const ROOT = path.resolve(__dirname, '../../..');

function weightCount(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}

/** Compares every layer tfjs built with the summary's layer of the same name. */
function assertSameAsTfjs(spec: ModelSpec, summary: ModelSummary): void {
  const model = buildTfjsModel(tf, spec);
  try {
    const byName = new Map(summary.layers.map((l) => [l.name, l]));
    let compared = 0;
    for (const layer of model.layers) {
      const ours = byName.get(layer.name);
      if (!ours) continue; // tfjs' implicit InputLayer of a Sequential has no row in Keras' summary
      const label = `${spec.name}/${layer.name} (${ours.className})`;
      const theirs = layer.outputShape as (number | null)[];
      // Where tfjs leaves an axis open (null) and we resolve it, the forward pass decides (below).
      const comparable = ours.outputShape?.map((d, i) => (theirs[i] === null ? null : d));
      assert.deepStrictEqual(comparable, theirs, `${label}: output shape`);
      assert.strictEqual(ours.trainableParams, weightCount(layer.trainableWeights), `${label}: trainable params`);
      assert.strictEqual(ours.nonTrainableParams, weightCount(layer.nonTrainableWeights), `${label}: non-trainable params`);
      compared++;
    }
    assert.strictEqual(compared, summary.layers.filter((l) => !(spec.kind === 'sequential' && l.className === 'InputLayer')).length, `${spec.name}: every layer compared`);
    assert.strictEqual(summary.totalParams, model.countParams(), `${spec.name}: total params`);
  } finally {
    model.dispose();
  }
}

/**
 * Runs the model on one all-zero example: the real output tensor's shape must be ours with
 * batch 1. This also settles what tfjs' static shapes leave open (tfjs reports Reshape's
 * -1 axis as null where Keras resolves it).
 */
function assertForwardShape(spec: ModelSpec, summary: ModelSummary): void {
  const model = buildTfjsModel(tf, spec);
  try {
    const expected = summary.layers[summary.layers.length - 1].outputShape!;
    const shape = tf.tidy(() => {
      const inputs = model.inputs.map((t) => tf.zeros([1, ...t.shape.slice(1).map((d) => d ?? 1)]));
      return (model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor).shape;
    });
    assert.deepStrictEqual(shape, [1, ...expected.slice(1)], `${summary.layers[summary.layers.length - 1].className}: forward-pass shape`);
  } finally {
    model.dispose();
  }
}

function crossCheckSequential(input: (number | null)[], className: string, config: ConfigObject): void {
  const spec = sequential(input, [[className, config]]);
  const summary = analyzeModel(spec);
  // Only the intended hint (Dense on a rank-4 tensor is legal and tested on purpose).
  const problems = summary.diagnostics.filter((d) => d.code !== 'dense-on-rank4');
  assert.deepStrictEqual(problems, [], `${className} ${JSON.stringify(config)}: no diagnostics`);
  assertSameAsTfjs(spec, summary);
  assertForwardShape(spec, summary);
}

/** Every combination of the given option lists. */
function grid(options: Record<string, unknown[]>): ConfigObject[] {
  return Object.entries(options).reduce<ConfigObject[]>(
    (acc, [key, values]) => acc.flatMap((cfg) => values.map((v) => ({ ...cfg, [key]: v as ConfigObject[string] }))),
    [{}],
  );
}

describe('cross-check with @tensorflow/tfjs', function () {
  this.timeout(120000);
  let tensorsBefore = 0;
  before(async () => {
    await tf.setBackend('cpu');
    tensorsBefore = tf.memory().numTensors;
  });
  after(() => assert.strictEqual(tf.memory().numTensors, tensorsBefore, 'no tensors leaked by the builds'));

  it('Conv2D: both paddings, strides 1 and 2, dilations 1 and 2, with and without bias, odd and even inputs', () => {
    const configs = grid({ filters: [4], kernel_size: [1, 3, [5, 2]], padding: ['valid', 'same'], strides: [1, 2], use_bias: [true, false] })
      .concat(grid({ filters: [3], kernel_size: [3], padding: ['valid', 'same'], dilation_rate: [2, [1, 3]] }));
    for (const input of [[28, 28, 3], [7, 9, 2]]) for (const cfg of configs) crossCheckSequential(input, 'Conv2D', cfg);
  });

  it('Conv1D, Conv2DTranspose, SeparableConv2D and DepthwiseConv2D', () => {
    for (const cfg of grid({ filters: [5], kernel_size: [3], padding: ['valid', 'same'], strides: [1, 2], dilation_rate: [1] })) {
      crossCheckSequential([20, 3], 'Conv1D', cfg);
      crossCheckSequential([8, 9, 3], 'Conv2DTranspose', cfg);
      crossCheckSequential([12, 11, 3], 'SeparableConv2D', cfg);
    }
    crossCheckSequential([12, 11, 3], 'SeparableConv2D', { filters: 8, kernel_size: 3, depth_multiplier: 2, use_bias: false });
    for (const cfg of grid({ kernel_size: [3, [2, 4]], padding: ['valid', 'same'], strides: [1, 2], depth_multiplier: [1, 2] })) {
      crossCheckSequential([12, 11, 3], 'DepthwiseConv2D', cfg);
    }
  });

  it('pooling: pool sizes, default and explicit strides, both paddings; global pooling', () => {
    for (const cls of ['MaxPooling2D', 'AveragePooling2D']) {
      for (const cfg of grid({ pool_size: [2, 3, [3, 2]], strides: [null, 1, 2], padding: ['valid', 'same'] })) crossCheckSequential([13, 10, 4], cls, cfg);
    }
    for (const cls of ['MaxPooling1D', 'AveragePooling1D']) {
      for (const cfg of grid({ pool_size: [2, 3], strides: [null, 1], padding: ['valid', 'same'] })) crossCheckSequential([13, 4], cls, cfg);
    }
    for (const cls of ['GlobalAveragePooling2D', 'GlobalMaxPooling2D']) crossCheckSequential([5, 6, 7], cls, {});
    for (const cls of ['GlobalAveragePooling1D', 'GlobalMaxPooling1D']) crossCheckSequential([5, 7], cls, {});
  });

  it('core, normalization, activation, reshaping and preprocessing layers', () => {
    const cases: [(number | null)[], string, ConfigObject][] = [
      [[6, 6, 3], 'Flatten', {}], [[10], 'Dense', { units: 7 }], [[10], 'Dense', { units: 7, use_bias: false }],
      [[4, 4, 3], 'Dense', { units: 5 }], [[8], 'Dropout', { rate: 0.5 }], [[6, 6, 3], 'SpatialDropout2D', { rate: 0.2 }],
      [[6, 6, 16], 'BatchNormalization', {}], [[6, 6, 16], 'BatchNormalization', { center: false }], [[6, 6, 16], 'BatchNormalization', { scale: false, center: false }],
      [[6, 16], 'LayerNormalization', {}], [[6, 6, 3], 'Activation', { activation: 'relu' }], [[6, 6, 3], 'ReLU', {}],
      [[6, 6, 3], 'LeakyReLU', { negative_slope: 0.2 }], [[10], 'Softmax', {}], [[12], 'Reshape', { target_shape: [3, 4] }],
      [[12], 'Reshape', { target_shape: [2, -1] }], [[6, 6, 3], 'ZeroPadding2D', {}], [[6, 6, 3], 'ZeroPadding2D', { padding: 2 }],
      [[6, 6, 3], 'ZeroPadding2D', { padding: [1, 2] }], [[6, 6, 3], 'ZeroPadding2D', { padding: [[1, 0], [2, 3]] }],
      [[9, 8, 3], 'Cropping2D', { cropping: [[1, 2], [3, 0]] }], [[9, 8, 3], 'Cropping2D', { cropping: 2 }],
      [[5, 4, 3], 'UpSampling2D', {}], [[5, 4, 3], 'UpSampling2D', { size: [3, 2] }],
      [[8, 8, 3], 'Rescaling', { scale: 1 / 255 }], [[8, 8, 3], 'Resizing', { height: 4, width: 6 }],
    ];
    for (const [input, cls, cfg] of cases) crossCheckSequential(input, cls, cfg);
  });

  it('merges in a functional graph: Add, Multiply, Average, Maximum, Minimum, Concatenate', () => {
    for (const merge of ['Add', 'Multiply', 'Average', 'Maximum', 'Minimum']) {
      const spec = functional([
        ['InputLayer', { shape: [8, 8, 4] }, []],
        ['Conv2D', { filters: 4, kernel_size: 3, padding: 'same' }, [0]],
        [merge, {}, [1, 0]],
      ]);
      assertSameAsTfjs(spec, analyzeModel(spec));
      assertForwardShape(spec, analyzeModel(spec));
    }
    const concat = functional([
      ['InputLayer', { shape: [8, 8, 4] }, []],
      ['Conv2D', { filters: 6, kernel_size: 1 }, [0]],
      ['Concatenate', {}, [0, 1]],
      ['Concatenate', { axis: 1 }, [2, 2]],
    ]);
    assertSameAsTfjs(concat, analyzeModel(concat));
    assertForwardShape(concat, analyzeModel(concat));
  });

  for (const [file, total] of [
    ['keras/chollet_mnist_convnet.py', 93322], ['keras/cats_vs_dogs_convnet.py', 3453121], ['keras/keras_mnist_convnet.py', 34826],
    ['keras/lenet5.py', 61706], ['keras/vgg16.py', 138357544], ['keras/residual_functional.py', 309601],
    ['keras/dcgan.py', 3979651], ['keras/gan_mnist.py', 1339905], ['keras/dcgan_mnist.py', 336641], ['keras/vae.py', 65089], ['keras/cats_vs_dogs_augmented.py', 991041],
    ['tfjs/chollet_mnist_convnet.ts', 93322], ['tfjs/mnist_sequential.ts', 5994], ['tfjs/residual_functional.ts', 20154], ['tfjs/vgg16.js', 138357544],
  ] as [string, number][]) {
    it(`reads ${file} and matches tfjs layer by layer (${total.toLocaleString('en-US')} params)`, () => {
      const full = path.join(ROOT, 'examples', file);
      const analysis = analyzeSource(fs.readFileSync(full, 'utf8'), languageForFile(full)!, full);
      assert.deepStrictEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
      const main = analysis.models[analysis.models.length - 1];
      assert.strictEqual(main.totalParams, total);
      assert.strictEqual(main.complete, true);
      assertSameAsTfjs(analysis.specs[analysis.models.length - 1], main);
    });
  }

  it('reads the Keras and TF.js versions of the same nets to the same summary', () => {
    const read = (file: string): unknown => {
      const full = path.join(ROOT, 'examples', file);
      const m = analyzeSource(fs.readFileSync(full, 'utf8'), languageForFile(full)!, full).models;
      return m[m.length - 1].layers.filter((l) => l.className !== 'InputLayer').map((l) => [l.name, l.className, l.outputShape, l.params, l.formula]);
    };
    assert.deepStrictEqual(read('tfjs/chollet_mnist_convnet.ts'), read('keras/chollet_mnist_convnet.py'));
    assert.deepStrictEqual(read('tfjs/vgg16.js'), read('keras/vgg16.py'));
  });
});
