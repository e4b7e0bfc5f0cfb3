/**
 * keras.applications beyond VGG, built statically as Keras' own builders build them.
 *
 * Totals (include_top=True, default sizes): the tf.keras model.summary() outputs collected in
 * variablejun/keras4, keras2/keras71_ALL_TransferLeaning.py (commit 0521674), which give every
 * figure below except EfficientNetB2..B6; those five come from a Markdown copy of the
 * https://keras.io/api/applications/ table with exact parameter counts, found by code search
 * (its repository was not recorded; keras.io itself now rounds to millions: 9.2M, 12.3M,
 * 19.5M, 30.6M, 43.3M, which these match). They rest on that and on the pattern they share
 * with B0, B1 and B7, which the summaries confirm.
 * Trainable / non-trainable splits: tf.keras summaries found by code search (ResNet50
 * 25,583,592 / 53,120; MobileNetV2 3,504,872 / 34,112; EfficientNetB0 5,288,548 / 42,023;
 * DenseNet121 7,978,856 / 83,648; Xception 22,855,952 / 54,528; InceptionV3 23,817,352 /
 * 34,432; repository not recorded). BatchNormalization's moving mean and variance, and
 * EfficientNet's Normalization, are the non-trainable part.
 * include_top=False totals (ResNet50 23,587,712, MobileNetV2 2,257,984, EfficientNetB0
 * 4,049,571, InceptionV3 21,802,784, Xception 20,861,480, DenseNet121 7,037,504): no published
 * summary was found; each equals the total minus the classifier ((features + 1)·1000), and
 * the TF.js cross-check (test/engine/applications.test.ts) builds ResNet50, MobileNetV2 and
 * DenseNet121 and compares countParams().
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';

const read = (call: string) => analyzeSource(`import keras\nnet = keras.applications.${call}\n`, 'python').models[0];

describe('keras.applications beyond VGG', () => {
  it('counts every application as Keras does (include_top=True, default size)', () => {
    const totals: [string, number][] = [
      ['ResNet50', 25636712], ['ResNet101', 44707176], ['ResNet152', 60419944],
      ['ResNet50V2', 25613800], ['ResNet101V2', 44675560], ['ResNet152V2', 60380648],
      ['MobileNet', 4253864], ['MobileNetV2', 3538984], ['MobileNetV3Small', 2554968], ['MobileNetV3Large', 5507432],
      ['Xception', 22910480], ['InceptionV3', 23851784],
      ['DenseNet121', 8062504], ['DenseNet169', 14307880], ['DenseNet201', 20242984],
      ['EfficientNetB0', 5330571], ['EfficientNetB1', 7856239], ['EfficientNetB2', 9177569], ['EfficientNetB3', 12320535],
      ['EfficientNetB4', 19466823], ['EfficientNetB5', 30562527], ['EfficientNetB6', 43265143], ['EfficientNetB7', 66658687],
    ];
    for (const [name, total] of totals) {
      const m = read(`${name}()`);
      assert.strictEqual(m.totalParams, total, name);
      assert.deepStrictEqual(m.layers.at(-1)?.outputShape, [null, 1000], name);
    }
  });

  it('splits trainable and non-trainable weights (BatchNormalization statistics, Normalization)', () => {
    const splits: [string, number, number][] = [
      ['ResNet50', 25583592, 53120], ['MobileNetV2', 3504872, 34112], ['EfficientNetB0', 5288548, 42023],
      ['DenseNet121', 7978856, 83648], ['Xception', 22855952, 54528], ['InceptionV3', 23817352, 34432],
    ];
    for (const [name, trainable, nonTrainable] of splits) {
      const m = read(`${name}()`);
      assert.deepStrictEqual([m.trainableParams, m.nonTrainableParams], [trainable, nonTrainable], name);
    }
  });

  it('drops the classifier with include_top=False, leaving the spatial size unknown without input_shape', () => {
    const notop: [string, number, number][] = [
      ['ResNet50', 23587712, 2048], ['MobileNetV2', 2257984, 1280], ['EfficientNetB0', 4049571, 1280],
      ['InceptionV3', 21802784, 2048], ['Xception', 20861480, 2048], ['DenseNet121', 7037504, 1024],
    ];
    for (const [name, total, channels] of notop) {
      const m = read(`${name}(include_top=False, weights=None)`);
      assert.strictEqual(m.totalParams, total, name);
      assert.deepStrictEqual(m.layers.at(-1)?.outputShape, [null, null, null, channels], name);
    }
  });

  it('follows input_shape, pooling and classes', () => {
    const pooled = read("ResNet50(include_top=False, input_shape=(160, 160, 3), pooling='avg')");
    assert.deepStrictEqual(pooled.layers.at(-1)?.outputShape, [null, 2048]);
    assert.strictEqual(pooled.layers.at(-1)?.name, 'avg_pool');
    assert.deepStrictEqual(pooled.layers.find((l) => l.name === 'conv5_block3_out')?.outputShape, [null, 5, 5, 2048]);
    const maxed = read("DenseNet121(include_top=False, input_shape=(96, 96, 3), pooling='max')");
    assert.deepStrictEqual([maxed.layers.at(-1)?.name, maxed.layers.at(-1)?.outputShape], ['max_pool', [null, 1024]]);
    // A 10-class head: (2048 + 1)·10 instead of (2048 + 1)·1000.
    const ten = read("ResNet50(weights=None, classes=10, classifier_activation='softmax')");
    assert.strictEqual(ten.totalParams, 25636712 - 2049 * 1000 + 2049 * 10);
    assert.deepStrictEqual(ten.layers.at(-1)?.outputShape, [null, 10]);
    // MobileNet's head is a 1×1 convolution reshaped to (classes,).
    const mobile = read('MobileNet(weights=None, classes=5)');
    assert.strictEqual(mobile.totalParams, 4253864 - 1025 * 1000 + 1025 * 5);
    assert.deepStrictEqual(mobile.layers.at(-1)?.outputShape, [null, 5]);
    // EfficientNetB3 at its own 300×300: 10×10 before the pooling.
    const b3 = read('EfficientNetB3(include_top=False)');
    assert.deepStrictEqual(b3.layers.at(-1)?.outputShape, [null, null, null, 1536]);
    const b3sized = read('EfficientNetB3(include_top=False, input_shape=(300, 300, 3))');
    assert.deepStrictEqual(b3sized.layers.at(-1)?.outputShape, [null, 10, 10, 1536]);
  });

  it('reads alpha for the MobileNets', () => {
    // Keras' MobileNetV2(alpha=0.35) keeps 1280 last channels (only alpha > 1 widens them).
    const half = read("MobileNetV2(alpha=0.5, include_top=False, input_shape=(96, 96, 3), pooling='avg')");
    assert.deepStrictEqual(half.layers.at(-1)?.outputShape, [null, 1280]);
    assert.ok(half.totalParams < 2257984 / 2, 'half as wide is far fewer weights');
    const small = read("MobileNet(alpha=0.25, include_top=False, input_shape=(128, 128, 3))");
    assert.deepStrictEqual(small.layers.at(-1)?.outputShape, [null, 4, 4, 256]);
  });

  it('names the weight file Keras loads for the MobileNets, by alpha, input size and variant', () => {
    // File names as keras/src/applications/mobilenet.py, mobilenet_v2.py and mobilenet_v3.py build
    // them (alpha as "1_0"… for V1, str(float(alpha)) for V2 and V3; sizes without published
    // weights fall back to the 224 file, as Keras does after a warning).
    const file = (call: string) => analyzeSource(`import keras\nnet = keras.applications.${call}\n`, 'python').specs[0].pretrained;
    const BASE = 'https://storage.googleapis.com/tensorflow/keras-applications/';
    assert.deepStrictEqual(file('MobileNet()'), { application: 'MobileNet', file: 'mobilenet_1_0_224_tf.h5', url: `${BASE}mobilenet/mobilenet_1_0_224_tf.h5` });
    assert.strictEqual(file('MobileNet(input_shape=(160, 160, 3), alpha=0.5, include_top=False)')?.file, 'mobilenet_5_0_160_tf_no_top.h5');
    assert.strictEqual(file('MobileNet((128, 128, 3), 0.25)')?.file, 'mobilenet_2_5_128_tf.h5');
    assert.strictEqual(file('MobileNetV2(include_top=False, input_shape=(96, 96, 3))')?.file, 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5');
    assert.strictEqual(file('MobileNetV2(alpha=0.35)')?.url, `${BASE}mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5`);
    assert.strictEqual(file('MobileNetV2(input_shape=(150, 150, 3), include_top=False)')?.file, 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5');
    assert.strictEqual(file('MobileNetV3Small(include_top=False)')?.url, `${BASE}mobilenet_v3/weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5`);
    assert.strictEqual(file('MobileNetV3Large(alpha=0.75, minimalistic=True)')?.file, 'weights_mobilenet_v3_large_minimalistic_224_0.75_float.h5');
    // weights=None, by keyword or in its place among each signature's positional arguments.
    assert.strictEqual(file('MobileNet(weights=None)'), undefined);
    assert.strictEqual(file('MobileNet((224, 224, 3), 1.0, 1, 1e-3, False, None)'), undefined);
    assert.strictEqual(file('MobileNetV2((96, 96, 3), 1.0, False, None)'), undefined);
    assert.strictEqual(file('MobileNetV3Small((224, 224, 3), 1.0, False, False, None)'), undefined);
    assert.strictEqual(file('MobileNetV2((96, 96, 3), 1.0, False)')?.file, 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5', 'include_top=False given positionally');
  });

  it('names layers as Keras does', () => {
    const names = (call: string) => new Set(read(call).layers.map((l) => l.name));
    const resnet = names('ResNet50()');
    for (const n of ['conv1_pad', 'conv1_conv', 'conv1_bn', 'pool1_pool', 'conv2_block1_0_conv', 'conv5_block3_out', 'avg_pool', 'predictions']) assert.ok(resnet.has(n), n);
    const v2 = names('ResNet50V2()');
    for (const n of ['conv2_block1_preact_bn', 'conv4_block6_2_pad', 'conv5_block3_out', 'post_relu']) assert.ok(v2.has(n), n);
    const mobile = names('MobileNetV2()');
    for (const n of ['Conv1', 'bn_Conv1', 'expanded_conv_project_BN', 'block_16_project', 'block_15_add', 'out_relu']) assert.ok(mobile.has(n), n);
    const eff = names('EfficientNetB0()');
    for (const n of ['stem_conv', 'block1a_se_excite', 'block2b_add', 'block7a_project_bn', 'top_activation']) assert.ok(eff.has(n), n);
    const dense = names('DenseNet121()');
    for (const n of ['conv2_block1_concat', 'pool2_conv', 'conv5_block16_concat', 'relu']) assert.ok(dense.has(n), n);
    for (const n of ['mixed0', 'mixed9_1', 'mixed10']) assert.ok(names('InceptionV3()').has(n), n);
    for (const n of ['block1_conv1', 'block13_pool', 'block14_sepconv2_act']) assert.ok(names('Xception()').has(n), n);
    for (const n of ['expanded_conv_1_expand', 'expanded_conv_3_squeeze_excite_mul', 'logits']) assert.ok(names('MobileNetV3Small()').has(n), n);
  });

  it("counts EfficientNet's Normalization as 7 non-trainable weights for RGB (mean 3, variance 3, count 1)", () => {
    const norm = read('EfficientNetB0()').layers.find((l) => l.className === 'Normalization');
    assert.strictEqual(norm?.params, 7);
  });

  it('builds on input_tensor itself, as Keras does: its shape flows through and the layers join the caller\'s graph', () => {
    // keras.io DeepLabV3+ (examples/vision/md/deeplabv3_plus.md, keras-io 0a4be8b): ResNet50 on
    // input_tensor=Input((512, 512, 3)); the page's summary lists conv1_pad ... inside "model" itself.
    // Shortened here: conv4_block6_2_relu is 512/16 = 32 across with 256 channels, so x.shape[1]
    // and x.shape[2] read 32 and the Reshape gives 32·32 = 1,024; the notop total is 23,587,712
    // (header comment), whatever the input tensor's size.
    const source = [
      'import keras',
      'from keras import layers',
      'inp = keras.Input(shape=(512, 512, 3))',
      'resnet50 = keras.applications.ResNet50(weights="imagenet", include_top=False, input_tensor=inp)',
      'x = resnet50.get_layer("conv4_block6_2_relu").output',
      'y = layers.Conv2D(1, 1)(x)',
      'y = layers.Reshape((x.shape[1] * x.shape[2],))(y)',
      'm = keras.Model(inp, y)',
    ].join('\n');
    const models = analyzeSource(source, 'python').models;
    const net = models.find((x) => x.name === 'resnet50')!;
    const m = models.find((x) => x.name === 'm')!;
    assert.strictEqual(net.totalParams, 23587712);
    assert.deepStrictEqual(net.layers[0].outputShape, [null, 512, 512, 3]);
    assert.strictEqual(m.complete, true);
    assert.strictEqual(m.layers[0].name, 'input_layer');
    assert.ok(m.layers.some((l) => l.name === 'conv1_pad'), 'the ResNet layers are in the model itself');
    assert.deepStrictEqual(m.layers.find((l) => l.name === 'conv4_block6_2_relu')?.outputShape, [null, 32, 32, 256]);
    assert.deepStrictEqual(m.layers[m.layers.length - 1].outputShape, [null, 1024]);
  });

  it('does not guess at an input_tensor that is not a Keras tensor', () => {
    const m = read('ResNet50(include_top=False, input_tensor=some_array)');
    assert.ok(!m?.complete);
  });
});
