/**
 * Issue #11: custom layers with sublayers made in __init__ (their call's tensor functions are
 * in customCallOps.test.ts). The classes are written here in the style of keras.io's examples
 * (Transformer block, token-and-position embedding, a residual block, PixelCNN's masked
 * convolution). Each expected count is worked out from Keras' formulas in
 * the comment beside it; test/engine/customLayerCrossCheck.test.ts builds the same layers in
 * TF.js and compares the counts with TF.js' own.
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { analyzeSource } from '../../src/core/analysis';
import { ModelSpecSchema } from '../../src/core/model/specSchema';
import { RESIDUAL_BLOCK, TRANSFORMER, TRANSFORMER_CLASSIFIER, layerOf as layer, readPython as read } from '../fixtures/customLayers';

describe('custom layers with sublayers', () => {
  it('reads a Transformer classifier: attention, a feed-forward Sequential and normalisations inside one layer', () => {
    const models = read(...TRANSFORMER_CLASSIFIER);
    // The Sequential made in __init__ belongs to the block: it is not a model of the file.
    assert.deepStrictEqual(models.map((m) => m.name), ['model']);
    const [m] = models;
    assert.strictEqual(m.complete, true);
    // Token embedding 20000·32 + position embedding 200·32.
    const embedding = layer(m, 'TokenAndPositionEmbedding');
    assert.deepStrictEqual([embedding.outputShape, embedding.params], [[null, 200, 32], 20000 * 32 + 200 * 32]);
    // MultiHeadAttention(2 heads, key_dim 32) on 32 features: query, key and value projections
    // 2·32·(32 + 1) each, output 2·32·32 + 32; the FFN (32 + 1)·32 twice; two LayerNorms 2·32.
    const attention = 3 * 2 * 32 * 33 + (2 * 32 * 32 + 32);
    const block = layer(m, 'TransformerBlock');
    assert.deepStrictEqual([block.outputShape, block.params], [[null, 200, 32], attention + 2 * 33 * 32 + 2 * 2 * 32]);
    assert.strictEqual(attention, 8416);
    assert.match(block.formulas.params ?? '', /multi_head_attention 8,416/);
    assert.strictEqual(m.totalParams, 646400 + 10656 + 33 * 2);
  });

  it('sends a custom layer with its sublayers across the worker boundary, and refuses a malformed one', () => {
    const { specs } = analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...TRANSFORMER,
      'inputs = layers.Input(shape=(200,))',
      'model = keras.Model(inputs, TransformerBlock(32, 2, 32)(TokenAndPositionEmbedding(200, 20000, 32)(inputs)))'].join('\n'), 'python');
    const received = v.parse(ModelSpecSchema, JSON.parse(JSON.stringify(specs[0])));
    assert.deepStrictEqual(received.layers[2].custom?.sublayers.map((l) => l.className), ['MultiHeadAttention', 'Dropout', 'LayerNormalization', 'Sequential', 'Dropout', 'LayerNormalization']);
    const broken = JSON.parse(JSON.stringify(specs[0])) as { layers: { custom?: { output: unknown } }[] };
    broken.layers[2].custom!.output = { kind: 'sublayer', index: 'att', args: [] };
    assert.strictEqual(v.safeParse(ModelSpecSchema, broken).success, false);
  });

  it("counts a sublayer called twice once, as Keras' shared weights", () => {
    // A residual block: Conv2D 3·3·16·16 + 16 twice, BatchNormalization 4·16 twice (half of it
    // non-trainable moving statistics); the one ReLU is applied twice.
    const [m] = read(
      ...RESIDUAL_BLOCK,
      'inp = keras.Input((32, 32, 16))',
      'out = ResidualBlock(16, name="res")(inp)',
      'out = ResidualBlock(16)(out)',
      'model = keras.Model(inp, out)',
    );
    const conv = 3 * 3 * 16 * 16 + 16;
    const [first, second] = m.layers.slice(1);
    assert.strictEqual(first.name, 'res');
    assert.deepStrictEqual([first.outputShape, first.trainableParams, first.nonTrainableParams], [[null, 32, 32, 16], 2 * conv + 2 * 2 * 16, 2 * 2 * 16]);
    assert.strictEqual(second.params, first.params, 'each instance has its own sublayers');
    assert.strictEqual(m.totalParams, 2 * (2 * conv + 4 * 2 * 16));
  });

  it('loops over a list of sublayers made in __init__', () => {
    const [m] = read(
      'class Stack(layers.Layer):',
      '    def __init__(self, widths):',
      '        super().__init__()',
      '        self.blocks = [layers.Dense(w, activation="relu") for w in widths]',
      '    def call(self, x):',
      '        for block in self.blocks:',
      '            x = block(x)',
      '        return x',
      'inp = keras.Input((10,))',
      'model = keras.Model(inp, Stack([16, 8])(inp))',
    );
    // (10 + 1)·16 + (16 + 1)·8
    assert.deepStrictEqual([m.layers[1].outputShape, m.layers[1].params], [[null, 8], 11 * 16 + 17 * 8]);
  });

  it('loops over zip() of two sublayer lists: a pre-norm residual encoder of Transformer blocks', () => {
    const [m] = read(
      ...TRANSFORMER,
      'class Encoder(layers.Layer):',
      '    def __init__(self, depth):',
      '        super().__init__()',
      '        self.blocks = [TransformerBlock(32, 2, 32) for _ in range(depth)]',
      '        self.norms = [layers.LayerNormalization() for _ in range(depth)]',
      '    def call(self, x):',
      '        for block, norm in zip(self.blocks, self.norms):',
      '            x = x + block(norm(x))',
      '        return x',
      'inputs = keras.Input((10, 32))',
      'model = keras.Model(inputs, Encoder(3)(inputs))',
    );
    // Each block 10,656 (the classifier test above: attention 8,416, FFN 2,112, two norms 128)
    // and each norm 2·32 = 64: 3·(10,656 + 64) = 32,160.
    assert.deepStrictEqual([m.layers[1].outputShape, m.layers[1].params], [[null, 10, 32], 3 * (10656 + 64)]);
  });

  it('counts a sublayer that build builds by hand, where call applies it (a masked convolution)', () => {
    const code = [
      'import numpy as np',
      'class MaskedConv(layers.Layer):',
      '    def __init__(self, mask_type, **kwargs):',
      '        super().__init__()',
      '        self.mask_type = mask_type',
      '        self.conv = layers.Conv2D(**kwargs)',
      '    def build(self, input_shape):',
      '        self.conv.build(input_shape)',
      '        k = self.conv.kernel.shape',
      '        self.mask = np.ones(k)',
      '        if self.mask_type == "B":',
      '            self.mask[k[0] // 2, k[1] // 2] = 0.0',
      '    def call(self, inputs):',
      '        self.conv.kernel.assign(self.conv.kernel * self.mask)',
      '        return self.conv(inputs)',
      'inputs = keras.Input((28, 28, 1))',
      'x = MaskedConv("A", filters=8, kernel_size=5, padding="same")(inputs)',
      'model = keras.Model(inputs, MaskedConv("B", filters=4, kernel_size=3)(x))',
    ];
    const [m] = read(...code);
    // Conv2D 5·5·1·8 + 8, then 3·3·8·4 + 4 ("valid": 28 → 26).
    assert.deepStrictEqual(m.layers.slice(1).map((l) => [l.outputShape, l.params]), [[[null, 28, 28, 8], 208], [[null, 26, 26, 4], 292]]);
    // Built in build but never applied in call: counted nowhere, so the layer is unknown.
    const [unused] = read(...code.map((line) => line.replace('return self.conv(inputs)', 'return inputs')));
    assert.match(unused.layers[1].unknownReason ?? '', /build builds self\.conv, which its call does not apply/);
    // A branch in build that makes a weight is not skipped.
    const [weighted] = read(...code.map((line) => line.replace('self.mask[k[0] // 2, k[1] // 2] = 0.0', 'self.extra = self.add_weight(shape=(3,))')));
    assert.match(weighted.layers[1].unknownReason ?? '', /build has an if statement/);
  });

  it('never shows a count it could not follow: such a layer is unknown, with the reason, and the total incomplete', () => {
    const cases: [string[], RegExp][] = [
      [[ // a branch on something only known at run time
        'class Maybe(layers.Layer):',
        '    def __init__(self, flag):',
        '        super().__init__()',
        '        if flag:',
        '            self.dense = layers.Dense(4)',
        '        else:',
        '            self.dense = layers.Dense(8)',
        '    def call(self, x):',
        '        return self.dense(x)',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Maybe(some_setting)(inp))',
      ], /__init__ is not certain: ConvLens cannot tell whether this condition holds/],
      [[ // a sublayer with weights applied only when training: Keras builds it only once that branch runs
        'class Branchy(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.dense = layers.Dense(4)',
        '    def call(self, x, training=None):',
        '        if training:',
        '            x = self.dense(x)',
        '        return x',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Branchy()(inp))',
      ], /dense \(Dense\) is applied in only one branch of a condition known when the model runs/],
      [[ // a tf.Variable whose initial value has no shape ConvLens can see
        'class Var(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.v = tf.Variable(initial_value=load_table())',
        '    def call(self, x):',
        '        return x * self.v',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Var()(inp))',
      ], /the shape of a Variable made in __init__ is not known/],
      [[ // a helper method that makes weights
        'class Helper(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.make()',
        '    def make(self):',
        '        self.w = self.add_weight(shape=(4,))',
        '    def call(self, x):',
        '        return x * self.w',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Helper()(inp))',
      ], /its __init__ calls self\.make\(\), which ConvLens does not follow/],
      [[ // a sublayer whose own input is wrong for it
        'class Bad(layers.Layer):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = layers.Conv2D(4, 3)',
        '    def call(self, x):',
        '        return self.conv(x)',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, Bad()(inp))',
      ], /conv2d \(Conv2D\): .*rank-4/],
    ];
    for (const [code, reason] of cases) {
      const [m] = read(...code);
      assert.strictEqual(m.complete, false, code[0]);
      assert.strictEqual(m.layers[1].params, null, code[0]);
      assert.match(m.layers[1].unknownReason ?? '', reason, code[0]);
    }
  });
});
