/**
 * Regression tests for models that were shown wrong without a warning (issue 11): small
 * snippets in the style of published keras.io examples, with every expected figure worked
 * out by hand from Keras' parameter formulas (the arithmetic is in the comments).
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';
import { layerCount } from '../../src/core/shapes/counts';
import type { ModelSummary } from '../../src/core/shapes/types';
import { formatModelText } from '../../src/core/report/text';

function py(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

function model(source: string, name: string): ModelSummary {
  const analysis = analyzeSource(source, 'python');
  const m = analysis.models.find((x) => x.name === name);
  assert.ok(m, `no model ${name} in ${analysis.models.map((x) => x.name).join(', ')}`);
  return m;
}

const totals = (m: ModelSummary): [number, number, number, boolean] =>
  [m.totalParams, m.trainableParams, m.nonTrainableParams, m.complete];

/**
 * keras.io "Image similarity estimation using a Siamese Network with a contrastive loss":
 * the embedding tower, on (28, 28, 1) images. Its weights, by Keras' formulas:
 *   BatchNormalization(1 channel): γ, β trainable 2·1 = 2; moving mean, variance 2·1 = 2
 *   Conv2D(4, 5×5) on 1 channel: (5·5·1 + 1)·4 = 104        28 → 24, pool → 12
 *   Conv2D(16, 5×5) on 4 channels: (5·5·4 + 1)·16 = 1,616   12 → 8, pool → 4; flatten 4·4·16 = 256
 *   BatchNormalization(256): trainable 2·256 = 512; non-trainable 2·256 = 512
 *   Dense(10) on 256: (256 + 1)·10 = 2,570
 *   trainable 2 + 104 + 1,616 + 512 + 2,570 = 4,804; non-trainable 2 + 512 = 514; total 5,318
 */
const EMBEDDING = [
  'import keras',
  'from keras import layers',
  'input = layers.Input((28, 28, 1))',
  'x = layers.BatchNormalization()(input)',
  'x = layers.Conv2D(4, (5, 5), activation="tanh")(x)',
  'x = layers.AveragePooling2D(pool_size=(2, 2))(x)',
  'x = layers.Conv2D(16, (5, 5), activation="tanh")(x)',
  'x = layers.AveragePooling2D(pool_size=(2, 2))(x)',
  'x = layers.Flatten()(x)',
  'x = layers.BatchNormalization()(x)',
  'x = layers.Dense(10, activation="tanh")(x)',
  'embedding = keras.Model(input, x, name="embedding")',
  'input_1 = layers.Input((28, 28, 1))',
  'input_2 = layers.Input((28, 28, 1))',
  'tower_1 = embedding(input_1)',
  'tower_2 = embedding(input_2)',
];

describe('reading published Keras code exactly', () => {
  describe('a functional model called on two inputs (siamese tower)', () => {
    it('counts the shared tower once and connects its two calls as node 0 and node 1', () => {
      const source = py(...EMBEDDING,
        'merged = layers.subtract([tower_1, tower_2])',
        'x = layers.BatchNormalization()(merged)',
        'output_layer = layers.Dense(1, activation="sigmoid")(x)',
        'siamese = keras.Model(inputs=[input_1, input_2], outputs=output_layer)');
      assert.deepStrictEqual(totals(model(source, 'embedding')), [5318, 4804, 514, true]);
      const siamese = model(source, 'siamese');
      // tower 5,318 (once) + BatchNormalization(10): 2·10 = 20 trainable, 2·10 = 20 non-trainable
      // + Dense(1) on 10: (10 + 1)·1 = 11  ->  trainable 4,804 + 20 + 11 = 4,835; non-trainable 514 + 20 = 534
      assert.deepStrictEqual(totals(siamese), [5369, 4835, 534, true]);
      const towers = siamese.layers.filter((l) => l.name === 'embedding');
      assert.deepStrictEqual(towers.map((t) => t.sharedWith), [undefined, towers[0].index]);
      // len(model.layers) in Keras: 2 inputs, embedding, subtract, batch_normalization, dense; less the inputs.
      assert.strictEqual(layerCount(siamese), 4);
      const text = formatModelText(siamese);
      assert.match(text, /│ subtract \(Subtract\)\s+│ \(None, 10\)\s+│\s+0 │ embedding\[0\]\[0\]\s+│\n│\s+│\s+│\s+│ embedding\[1\]\[0\]/);
    });

    it('gives a plain shared layer node indices too, and TF.js counts a model\'s own node first', () => {
      const source = py(
        'import keras',
        'from keras import layers',
        'a = keras.Input((4,))',
        'b = keras.Input((4,))',
        'shared = layers.Dense(3)',
        'out = layers.concatenate([shared(a), shared(b)])',
        'm = keras.Model([a, b], out)');
      const m = model(source, 'm');
      // Dense(3) on 4: (4 + 1)·3 = 15, counted once
      assert.deepStrictEqual(totals(m), [15, 15, 0, true]);
      assert.match(formatModelText(m), /dense\[0\]\[0\].*\n.*dense\[1\]\[0\]/);
      // Keras prints model.layers, each layer once: the shared Dense is one row of 15 listing
      // both inputs (input_layer[0][0], input_layer_1[0][0]), so the rows add up to the total.
      const text = formatModelText(m);
      assert.strictEqual(text.match(/│ dense \(Dense\)/g)?.length, 1, text);
      assert.match(text, /│ dense \(Dense\)\s+│ \(None, 3\)\s+│\s+15 │ input_layer\[0\]\[0\]\s+│\n│\s+│\s+│\s+│ input_layer_1\[0\]\[0\]/);
      const rowCounts = [...text.matchAll(/^│ \S+ \(\w+\)\s+│[^│]+│\s+([\d,]+) │/gm)].map((r) => Number(r[1].replace(/,/g, '')));
      assert.strictEqual(rowCounts.reduce((a, b) => a + b, 0), 15);
      // TF.js, like Keras 2, gives a model node 0 when it is built: its calls are nodes 1 and 2.
      const tfjs = formatModelText(model(py(...EMBEDDING, 'out = layers.concatenate([tower_1, tower_2])', 'siamese = keras.Model([input_1, input_2], out)'), 'siamese'), 'tfjs');
      assert.match(tfjs, /embedding\[1\]\[0\]\n.*embedding\[2\]\[0\]/);
    });

    it('keeps the tower counted once beside a Lambda, as the example has it, and says the total is a lower bound', () => {
      const source = py(...EMBEDDING,
        'def euclidean_distance(vects):',
        '    x, y = vects',
        '    return x - y',
        'merge_layer = layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])',
        'siamese = keras.Model(inputs=[input_1, input_2], outputs=layers.Dense(1)(merge_layer))');
      // Only the tower can be counted: 5,318 once (not 2·5,318 = 10,636), and not complete.
      assert.deepStrictEqual(totals(model(source, 'siamese')), [5318, 4804, 514, false]);
    });

    it('follows the Lambda\'s own function, as Keras traces it, when no output_shape is given', () => {
      // The keras.io page (keras-io 1152d88, siamese_contrastive.md) prints lambda (Lambda)
      // (None, 1), 0 params, and totals 5,318 / 4,804 / 514: the tower's counts alone.
      //   x - y: (None, 10); square: (None, 10); sum over axis 1 keeping it: (None, 1);
      //   maximum with epsilon (a float) and sqrt keep (None, 1)
      const source = py(...EMBEDDING,
        'from keras import ops',
        'def euclidean_distance(vects):',
        '    x, y = vects',
        '    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)',
        '    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))',
        'distance = layers.Lambda(euclidean_distance)([tower_1, tower_2])',
        'siamese = keras.Model(inputs=[input_1, input_2], outputs=distance)');
      const siamese = model(source, 'siamese');
      assert.deepStrictEqual(totals(siamese), [5318, 4804, 514, true]);
      assert.match(formatModelText(siamese), /│ lambda \(Lambda\)\s+│ \(None, 1\)\s+│\s+0 │ embedding\[0\]\[0\]/);
    });

    it('reads an inline lambda, and keeps one it cannot follow unknown with the function\'s reason', () => {
      // t / 255.0 keeps (None, 4); Dense(2) on 4: (4 + 1)·2 = 10
      const known = model(py('import keras', 'from keras import layers',
        'inp = keras.Input((4,))',
        'out = layers.Dense(2)(layers.Lambda(lambda t: t / 255.0)(inp))',
        'm = keras.Model(inp, out)'), 'm');
      assert.deepStrictEqual(totals(known), [10, 10, 0, true]);
      const unknownFn = model(py('import keras', 'import tensorflow as tf', 'from keras import layers',
        'inp = keras.Input((4,))',
        'out = layers.Dense(2)(layers.Lambda(lambda t: tf.strings.as_string(t))(inp))',
        'm = keras.Model(inp, out)'), 'm');
      assert.strictEqual(unknownFn.complete, false);
      assert.match(unknownFn.layers.find((l) => l.className === 'Lambda')?.unknownReason ?? '', /Lambda <lambda>: .*as_string/);
    });
  });

  describe('a model built from another model\'s tensors', () => {
    /**
     * keras.io "OCR model for reading captchas", shortened: the prediction model takes the
     * trained model's image input to its dense2 output, leaving out the label input.
     *   Conv2D(32, 3×3) on 1 channel: (3·3·1 + 1)·32 = 320     (200, 50) 'same' -> (200, 50), pool -> (100, 25)
     *   Reshape -> (100, 25·32 = 800); Dense(64) on 800: (800 + 1)·64 = 51,264; Dense(20) on 64: (64 + 1)·20 = 1,300
     *   total 320 + 51,264 + 1,300 = 52,884, all trainable
     */
    const OCR = [
      'import keras',
      'from keras import layers',
      'def build_model():',
      '    input_img = layers.Input(shape=(200, 50, 1), name="image", dtype="float32")',
      '    labels = layers.Input(name="label", shape=(None,), dtype="float32")',
      '    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same", name="Conv1")(input_img)',
      '    x = layers.MaxPooling2D((2, 2), name="pool1")(x)',
      '    x = layers.Reshape(target_shape=(100, 800), name="reshape")(x)',
      '    x = layers.Dense(64, activation="relu", name="dense1")(x)',
      '    x = layers.Dense(20, activation="softmax", name="dense2")(x)',
      '    return keras.models.Model(inputs=[input_img, labels], outputs=x, name="ocr_model_v1")',
      'model = build_model()',
    ];

    it('resolves get_layer(name=...).input and .output', () => {
      const m = model(py(...OCR,
        'prediction_model = keras.models.Model(model.get_layer(name="image").input, model.get_layer(name="dense2").output)'), 'prediction_model');
      assert.deepStrictEqual(m.layers.map((l) => l.name), ['image', 'Conv1', 'pool1', 'reshape', 'dense1', 'dense2']);
      assert.deepStrictEqual(totals(m), [52884, 52884, 0, true]);
    });

    it('resolves .inputs, .outputs and .layers[i] (a Sequential is traced from its input)', () => {
      const source = py(
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(3), layers.Dense(2)])',
        'features = keras.Model(inputs=model.inputs, outputs=model.layers[-2].output)',
        'whole = keras.Model(model.input, model.outputs)');
      // Dense(8) on 4: (4 + 1)·8 = 40; Dense(3) on 8: (8 + 1)·3 = 27; Dense(2) on 3: (3 + 1)·2 = 8
      const features = model(source, 'features');
      // Keras names the InputLayer it makes from input_shape 'input_layer'.
      assert.deepStrictEqual(features.layers.map((l) => l.name), ['input_layer', 'dense', 'dense_1']);
      assert.deepStrictEqual(totals(features), [40 + 27, 67, 0, true]);
      assert.deepStrictEqual(totals(model(source, 'whole')), [40 + 27 + 8, 75, 0, true]);
    });

    it('marks a model whose outputs cannot be resolved incomplete, with the reason, never a complete 0', () => {
      const m = model(py(...OCR, 'broken = keras.Model(model.get_layer("image").input, model.get_layer("dense9").output)'), 'broken');
      assert.strictEqual(m.complete, false);
      assert.ok(m.layers.some((l) => (l.unknownReason ?? '').includes('no layer named "dense9"')), JSON.stringify(m.layers));
    });

    it('reads x.shape at every step of a long graph, each probe starting from the last shape known', () => {
      // 32×32×3, then four times: Conv2D(8, 3, strides=2, 'same') halves the side; a Reshape uses
      // x.shape[1] * x.shape[2] of the tensor before it, so each shape depends on the one asked before.
      //   32 -> 16 -> 8 -> 4 -> 2; the last Reshape gives (2·2, 8) = (4, 8); Dense(1) on 8: 9
      //   Conv2D(8, 3×3) on 3 channels: (27 + 1)·8 = 224, then on 8: (72 + 1)·8 = 584, three times
      const m = model(py('import keras', 'from keras import layers',
        'inp = keras.Input((32, 32, 3))',
        'x = inp',
        'for _ in range(4):',
        '    x = layers.Conv2D(8, 3, strides=2, padding="same")(x)',
        '    side = x.shape[1]',
        '    x = layers.Reshape((x.shape[1] * x.shape[2], x.shape[-1]))(x)',
        '    x = layers.Reshape((side, side, 8))(x)',
        'x = layers.Reshape((x.shape[1] * x.shape[2], 8))(x)',
        'out = layers.Dense(1)(x)',
        'm = keras.Model(inp, out)'), 'm');
      assert.strictEqual(m.complete, true);
      assert.deepStrictEqual(m.layers.filter((l) => l.className === 'Conv2D').map((l) => l.outputShape), [
        [null, 16, 16, 8], [null, 8, 8, 8], [null, 4, 4, 8], [null, 2, 2, 8],
      ]);
      assert.deepStrictEqual(m.layers[m.layers.length - 1].outputShape, [null, 4, 1]);
      assert.strictEqual(m.totalParams, 224 + 3 * 584 + 9);
    });

    it('names the unknown value inside outputs=[...] as the reason, not "a list"', () => {
      // keras.io involution: `x, _ = Involution(...)(inputs)` (a layer returning two tensors), then outputs=[outputs]
      const m = model(py('import keras', 'from keras import layers',
        'inputs = keras.Input((4,))',
        'x, _ = layers.Dense(2)(inputs)',
        'outputs = layers.Dense(1)(x)',
        'm = keras.Model(inputs=[inputs], outputs=[outputs])'), 'm');
      assert.strictEqual(m.complete, false);
      assert.match(m.layers[m.layers.length - 1].unknownReason ?? '', /outputs of this model are not known: an unknown value \(cannot unpack a tensor/);
    });
  });

  describe('model.layers in the course\'s fine-tuning (Chollet, Deep Learning with Python, 5.3)', () => {
    it('unfreezes block5 through layer.name and layer.trainable, and feeds a conv base that starts a Sequential its own input', () => {
      const source = py(
        'from keras.applications import VGG16',
        'from keras import layers, models',
        "conv_base = VGG16(weights='imagenet', include_top=False, input_shape=(150, 150, 3))",
        'conv_base.trainable = True',
        'set_trainable = False',
        'for layer in conv_base.layers:',
        "    if layer.name == 'block5_conv1':",
        '        set_trainable = True',
        '    layer.trainable = set_trainable',
        'model = models.Sequential()',
        'model.add(conv_base)',
        'model.add(layers.Flatten())',
        "model.add(layers.Dense(256, activation='relu'))",
        "model.add(layers.Dense(1, activation='sigmoid'))");
      // VGG16's 3×3 convolutions, (3·3·c_in + 1)·c_out each:
      //   frozen, blocks 1–4: 1,792 + 36,928 + 73,856 + 147,584 + 295,168 + 2·590,080 + 1,180,160 + 2·2,359,808 = 7,635,264
      //   trainable, block5: 3·2,359,808 = 7,079,424
      // 150 halved five times (floor): 75, 37, 18, 9, 4 -> Flatten 4·4·512 = 8,192
      // Dense(256): (8,192 + 1)·256 = 2,097,408; Dense(1): (256 + 1)·1 = 257
      assert.deepStrictEqual(totals(model(source, 'conv_base')), [7635264 + 7079424, 7079424, 7635264, true]);
      const m = model(source, 'model');
      assert.deepStrictEqual(totals(m), [7635264 + 7079424 + 2097408 + 257, 7079424 + 2097408 + 257, 7635264, true]);
      assert.ok(!m.diagnostics.some((d) => d.code === 'no-input-shape'), JSON.stringify(m.diagnostics));
    });
  });

  describe('false diagnostics', () => {
    it('calls an Input shape read from the data unknown, with the reason, not missing', () => {
      const m = model(py(
        'import keras',
        'from keras import layers',
        'import numpy as np',
        'x_train = np.load("x.npy")',
        'model = keras.Sequential([layers.Input(shape=(x_train.shape[1], x_train.shape[2])), layers.Dense(1)])'), 'model');
      assert.ok(!m.diagnostics.some((d) => d.code === 'no-input-shape'), JSON.stringify(m.diagnostics));
      const unknownShape = m.diagnostics.find((d) => d.code === 'unknown-input-shape');
      assert.ok(unknownShape?.message.includes('shape is not known statically'), JSON.stringify(m.diagnostics));
      assert.match(m.layers[0].unknownReason ?? '', /input shape is unknown: shape is not known statically/);
      assert.strictEqual(m.complete, false);
    });

    it('does not count the positional arguments of a layer class ConvLens does not describe', () => {
      const analysis = analyzeSource(py(
        'import keras',
        'from keras import layers',
        'inputs = keras.Input(shape=(30, 8))',
        'x = layers.Hashing(128, salt=3)(inputs)',
        'model = keras.Model(inputs, x)'), 'python');
      assert.ok(!analysis.diagnostics.some((d) => d.message.includes('positional')), JSON.stringify(analysis.diagnostics));
      const hashing = analysis.models[0].layers[1];
      assert.strictEqual(hashing.className, 'Hashing');
      assert.ok(hashing.unknownReason, 'the layer is unknown, with a reason');
      // LSTM(128, return_sequences=True), this test's first example, is described now: 4·128·(8 + 128 + 1).
      const lstm = analyzeSource(py('import keras', 'from keras import layers', 'inputs = keras.Input(shape=(30, 8))',
        'x = layers.LSTM(128, return_sequences=True)(inputs)', 'model = keras.Model(inputs, x)'), 'python').models[0].layers[1];
      assert.deepStrictEqual([lstm.outputShape, lstm.params], [[null, 30, 128], 70144]);
    });

    it('names an aliased class by its canonical class, as Keras does', () => {
      const m = model(py(
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([layers.Input((8, 8, 8, 1)), layers.MaxPool3D(2), layers.MaxPooling3D(2), layers.MaxPool2D(2)])'), 'model');
      // Keras: MaxPool3D is MaxPooling3D, auto-named to_snake_case('MaxPooling3D') = 'max_pooling3d'.
      assert.deepStrictEqual(m.layers.map((l) => [l.name, l.className]), [
        ['max_pooling3d', 'MaxPooling3D'], ['max_pooling3d_1', 'MaxPooling3D'], ['max_pooling2d', 'MaxPooling2D'],
      ]);
    });
  });
});
