/**
 * Issues #10/#11: a keras.layers.Layer subclass is read from its class body. Expected values
 * are Keras' own: the keras.io VAE encoder's summary prints Sampling with 0 params and output
 * (None, 2), total 69,076 (examples/generative/md/vae.md).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import type { ModelSummary } from '../../src/core/shapes/types';

function models(...lines: string[]): ModelSummary[] {
  return analyzeSource(lines.join('\n') + '\n', 'python').models;
}

const SAMPLING = [
  'import keras',
  'from keras import layers, ops',
  'class Sampling(layers.Layer):',
  '    def __init__(self, **kwargs):',
  '        super().__init__(**kwargs)',
  '        self.seed_generator = keras.random.SeedGenerator(1337)',
  '    def call(self, inputs):',
  '        z_mean, z_log_var = inputs',
  '        batch = ops.shape(z_mean)[0]',
  '        dim = ops.shape(z_mean)[1]',
  '        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)',
  '        return z_mean + ops.exp(0.5 * z_log_var) * epsilon',
];

describe('custom Layer subclasses', () => {
  it('reads the keras.io VAE encoder exactly: Sampling has 0 params and shape (None, 2)', () => {
    const [m] = models(...SAMPLING,
      'inp = keras.Input(shape=(28, 28, 1))',
      'x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(inp)',
      'x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)',
      'x = layers.Flatten()(x)',
      'x = layers.Dense(16, activation="relu")(x)',
      'z_mean = layers.Dense(2, name="z_mean")(x)',
      'z_log_var = layers.Dense(2, name="z_log_var")(x)',
      'z = Sampling()([z_mean, z_log_var])',
      'encoder = keras.Model(inp, [z_mean, z_log_var, z], name="encoder")',
    );
    assert.strictEqual(m.complete, true);
    assert.strictEqual(m.totalParams, 69076);
    const sampling = m.layers.find((l) => l.className === 'Sampling');
    assert.ok(sampling);
    assert.strictEqual(sampling.name, 'sampling');
    assert.strictEqual(sampling.params, 0);
    assert.deepStrictEqual(sampling.outputShape, [null, 2]);
  });

  it('reads the example file examples/keras/vae.py as complete', () => {
    const file = path.join(__dirname, '../../examples/keras/vae.py');
    const [encoder] = analyzeSource(fs.readFileSync(file, 'utf8'), 'python', file).models;
    assert.strictEqual(encoder.complete, true);
    assert.strictEqual(encoder.totalParams, 69076);
  });

  it('takes several tensors as separate call arguments and broadcasts them', () => {
    const [m] = models(
      'import keras',
      'from keras import layers, ops',
      'class Gate(layers.Layer):',
      '    def call(self, a, b):',
      '        return ops.sigmoid(a) * b + 1.0',
      'x = keras.Input(shape=(4, 1))',
      'y = keras.Input(shape=(4, 8))',
      'out = Gate(name="gate")(x, y)',
      'model = keras.Model([x, y], out)',
    );
    const gate = m.layers.find((l) => l.name === 'gate');
    assert.deepStrictEqual(gate?.outputShape, [null, 4, 8]);
    assert.strictEqual(m.complete, true);
  });

  it('counts add_weight weights from __init__ arguments and from build(input_shape)', () => {
    // Keras counts every variable a layer creates: a (4,) scale made in build from the input's
    // last axis, and a (units, 2) table made in __init__, of which the second is frozen.
    const [m] = models(
      'import keras',
      'class Scale(keras.layers.Layer):',
      '    def __init__(self, units=3, **kwargs):',
      '        super().__init__(**kwargs)',
      '        self.units = units',
      '        self.table = self.add_weight(shape=(self.units * 2, 2), trainable=False)',
      '    def build(self, input_shape):',
      '        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", trainable=True)',
      '    def call(self, x):',
      '        return x * self.w',
      'inp = keras.Input((4,))',
      'model = keras.Model(inp, Scale(5)(inp))',
    );
    assert.strictEqual(m.complete, true);
    assert.deepStrictEqual([m.layers[1].trainableParams, m.layers[1].nonTrainableParams], [4, 20]);
    assert.deepStrictEqual(m.layers[1].outputShape, [null, 4]);
  });

  it('counts a sublayer made in __init__ with the layer that owns it', () => {
    // Dense(4) on 4 features: (4 + 1)·4 = 20 weights, all in Block's row (Keras' count_params of the layer).
    const [m] = models(
      'import keras',
      'class Block(keras.layers.Layer):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.dense = keras.layers.Dense(4)',
      '    def call(self, x):',
      '        return self.dense(x)',
      'inp = keras.Input((4,))',
      'model = keras.Model(inp, Block()(inp))',
    );
    assert.strictEqual(m.complete, true);
    assert.deepStrictEqual([m.layers[1].params, m.layers[1].outputShape, m.totalParams], [20, [null, 4], 20]);
  });

  it('leaves a call it cannot evaluate unknown, with the reason', () => {
    const [m] = models(
      'import keras',
      'class Odd(keras.layers.Layer):',
      '    def call(self, x):',
      '        return keras.ops.fft(x)',
      'inp = keras.Input((4,))',
      'model = keras.Model(inp, Odd()(inp))',
    );
    assert.strictEqual(m.complete, false);
    assert.match(m.layers[1].unknownReason ?? '', /fft\(\) in call is not evaluated/);
  });
});
