/**
 * keras.applications described statically, and frozen weights: the transfer-learning setup
 * of Chollet's chapter 8 (VGG16 conv base, frozen, under a small dense classifier).
 * Published figures: VGG16 138,357,544 parameters with its top, 14,714,688 without;
 * VGG19 143,667,240 / 20,024,384 (Keras' applications docs); Chollet's frozen model:
 * 17,992,001 total, 3,277,313 trainable.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import { buildTfjsModel } from '../../src/core/engine/build';

const read = (code: string) => analyzeSource(code, 'python');

describe('keras.applications and frozen weights', () => {
  it('describes VGG16 and VGG19 with and without their top', () => {
    const cases: [string, number, (number | null)[]][] = [
      ['keras.applications.VGG16()', 138357544, [null, 1000]],
      ['keras.applications.vgg16.VGG16(include_top=False, input_shape=(180, 180, 3))', 14714688, [null, 5, 5, 512]],
      ['keras.applications.VGG19(weights=None)', 143667240, [null, 1000]],
      ['keras.applications.VGG19(include_top=False, input_shape=(224, 224, 3), pooling="avg")', 20024384, [null, 512]],
      ['keras.applications.VGG16(include_top=True, classes=10, weights=None)', 138357544 - 4097000 + 40970, [null, 10]],
    ];
    for (const [call, total, shape] of cases) {
      const m = read(`import keras\nnet = ${call}\n`).models[0];
      assert.strictEqual(m.totalParams, total, call);
      assert.deepStrictEqual(m.layers.at(-1)?.outputShape, shape, call);
      assert.strictEqual(m.name, 'net');
    }
    const noShape = read('import keras\nnet = keras.applications.VGG16(include_top=False)\n').models[0];
    assert.deepStrictEqual(noShape.layers.at(-1)?.outputShape, [null, null, null, 512], 'spatial size unknown without input_shape');
    assert.strictEqual(noShape.totalParams, 14714688, 'conv weights do not depend on the image size');
  });

  it("counts a frozen conv base as non-trainable (Chollet's feature-extraction model)", () => {
    const a = read([
      'import keras', 'from keras import layers',
      'conv_base = keras.applications.vgg16.VGG16(weights="imagenet", include_top=False)',
      'conv_base.trainable = False',
      'inputs = keras.Input(shape=(180, 180, 3))',
      'x = keras.applications.vgg16.preprocess_input(inputs)',
      'x = conv_base(x)', 'x = layers.Flatten()(x)', 'x = layers.Dense(256)(x)', 'x = layers.Dropout(0.5)(x)',
      'outputs = layers.Dense(1, activation="sigmoid")(x)', 'model = keras.Model(inputs, outputs)', '',
    ].join('\n'));
    const model = a.models.find((m) => m.name === 'model')!;
    // Flatten 5*5*512 = 12,800; Dense (12800+1)*256 = 3,277,056; Dense (256+1)*1 = 257.
    assert.strictEqual(model.totalParams, 17992001);
    assert.strictEqual(model.trainableParams, 3277313);
    assert.strictEqual(model.nonTrainableParams, 14714688);
    const base = a.models.find((m) => m.name === 'conv_base')!;
    assert.strictEqual(base.trainableParams, 0);
    assert.match(base.layers[1].formula, /frozen \(trainable=False\)/);
    // The model TF.js trains freezes the same weights (it did not, before: training updated the
    // base). Built without preprocess_input, which ConvLens does not build in TF.js yet.
    const trainable = read([
      'import keras', 'from keras import layers',
      'conv_base = keras.applications.vgg16.VGG16(weights=None, include_top=False)', 'conv_base.trainable = False',
      'inputs = keras.Input(shape=(180, 180, 3))', 'x = conv_base(inputs)', 'x = layers.Flatten()(x)', 'x = layers.Dense(256)(x)',
      'outputs = layers.Dense(1, activation="sigmoid")(x)', 'model = keras.Model(inputs, outputs)', '',
    ].join('\n'));
    const built = buildTfjsModel(tf, trainable.specs.find((s) => s.name === 'model')!);
    const count = (ws: tf.LayerVariable[]) => ws.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
    assert.deepStrictEqual([count(built.trainableWeights), count(built.nonTrainableWeights)], [3277313, 14714688]);
    built.dispose();
  });

  it('builds an application on input_tensor with TF op layers in TF.js with the counts ConvLens shows (DeepLabV3+ style)', () => {
    // keras.io DeepLabV3+ builds ResNet50 on input_tensor, taps get_layer(...).output, uses
    // x.shape for UpSampling2D and tf.nn.relu after each BatchNormalization; MobileNetV2 keeps it quick.
    // block_6_expand_relu sits before the third stride-2 step: 64 / 8 = 8 across, 192 channels.
    const a = read([
      'import tensorflow as tf', 'from tensorflow import keras', 'from tensorflow.keras import layers',
      'inp = keras.Input(shape=(64, 64, 3))',
      'base = keras.applications.MobileNetV2(weights=None, include_top=False, input_tensor=inp)',
      'x = base.get_layer("block_6_expand_relu").output',
      'y = tf.nn.relu(layers.BatchNormalization()(layers.Conv2D(8, 1)(x)))',
      'y = layers.UpSampling2D(size=(64 // y.shape[1], 64 // y.shape[2]))(y)',
      'model = keras.Model(inp, y)', '',
    ].join('\n'));
    const summary = a.models.find((m) => m.name === 'model')!;
    assert.strictEqual(summary.complete, true);
    assert.deepStrictEqual(summary.layers.find((l) => l.name === 'block_6_expand_relu')?.outputShape, [null, 8, 8, 192]);
    const built = buildTfjsModel(tf, a.specs.find((s) => s.name === 'model')!);
    try {
      assert.deepStrictEqual(built.outputs[0].shape, [null, 64, 64, 8]);
      assert.strictEqual(built.countParams(), summary.totalParams);
      assert.ok(built.layers.some((l) => l.name === 'tf.nn.relu'), 'the op layer keeps its Keras name');
    } finally {
      built.dispose();
    }
  });

  it('honours trainable=False on a layer, in Keras and TF.js', () => {
    const py = read('from keras import layers, models\nm = models.Sequential([layers.Input((8,)), layers.Dense(4, trainable=False), layers.Dense(2)])\n').models[0];
    // (8+1)*4 = 36 frozen; (4+1)*2 = 10 trainable.
    assert.deepStrictEqual([py.trainableParams, py.nonTrainableParams], [10, 36]);
    const ts = analyzeSource("import * as tf from '@tensorflow/tfjs';\nconst d = tf.layers.dense({units: 4, inputShape: [8]});\nd.trainable = false;\nconst m = tf.sequential({layers: [d, tf.layers.dense({units: 2})]});\n", 'typescript').models[0];
    assert.deepStrictEqual([ts.trainableParams, ts.nonTrainableParams], [10, 36]);
  });

  // Parameter counts do not depend on the image size, so small inputs (the least Keras accepts
  // for Xception, 71, and InceptionV3, 75) keep TF.js quick; the
  // totals are the include_top=False figures of test/unit/applications.test.ts.
  for (const [call, total] of [
    ['ResNet50(include_top=False, input_shape=(32, 32, 3))', 23587712],
    ['MobileNetV2(include_top=False, input_shape=(32, 32, 3))', 2257984],
    ['DenseNet121(include_top=False, input_shape=(32, 32, 3))', 7037504],
    ['Xception(include_top=False, input_shape=(71, 71, 3))', 20861480],
    ['InceptionV3(include_top=False, input_shape=(75, 75, 3))', 21802784],
  ] as const) {
    it(`matches tfjs for ${call.slice(0, call.indexOf('('))}: same parameters, shapes and layer names`, async () => {
      await tf.setBackend('cpu');
      const a = read(`import keras\nbase = keras.applications.${call}\n`);
      const model = buildTfjsModel(tf, a.specs[0]);
      try {
        assert.strictEqual(a.models[0].totalParams, total);
        assert.strictEqual(model.countParams(), total);
        assert.deepStrictEqual(model.outputs[0].shape, a.models[0].layers.at(-1)?.outputShape);
        const named = a.models[0].layers.map((l) => l.name).filter((n) => n.includes('_'));
        const tfNames = new Set(model.layers.map((l) => l.name));
        assert.ok(named.every((n) => tfNames.has(n)), 'Keras names reach the TF.js model');
      } finally {
        model.dispose();
      }
    });
  }

  it('matches tfjs layer by layer for a VGG19 conv base', async () => {
    await tf.setBackend('cpu');
    const a = read('import keras\nbase = keras.applications.VGG19(include_top=False, input_shape=(64, 64, 3))\n');
    const model = buildTfjsModel(tf, a.specs[0]);
    try {
      assert.strictEqual(model.countParams(), a.models[0].totalParams);
      assert.deepStrictEqual(model.outputs[0].shape, a.models[0].layers.at(-1)?.outputShape);
      assert.deepStrictEqual(model.layers.map((l) => l.name), a.models[0].layers.map((l) => l.name));
    } finally {
      model.dispose();
    }
  });
});
