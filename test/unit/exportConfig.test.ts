/**
 * The Keras 3 config an export writes (src/core/export): TF.js' serialised layers in Keras 3's
 * form, what cannot be exported refused in one line, the group keys Keras gives saveables
 * (by class, not by name), and the compile config.
 */
import * as assert from 'assert';
import { compileConfig } from '../../src/core/export/compileConfig';
import { modelConfig } from '../../src/core/export/kerasConfig';
import { kerasLayer } from '../../src/core/export/kerasLayers';
import { modelSpecFromConfig } from '../../src/core/modelFile/configToSpec';
import { analyzeModel } from '../../src/core/shapes/analyze';

const conv = (name: string, extra: Record<string, unknown> = {}) => ({
  class_name: 'Conv2D',
  config: { name, filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', use_bias: true, trainable: true, ...extra },
});

describe('export to Keras 3: the config', () => {
  it("renames what Keras 3 renamed and serialises initializers with Keras' module", () => {
    const leaky = kerasLayer('LeakyReLU', { name: 'act', alpha: 0.2, trainable: true });
    assert.deepStrictEqual(leaky, { module: 'keras.layers', class_name: 'LeakyReLU', config: { name: 'act', trainable: true, dtype: 'float32', negative_slope: 0.2 }, registered_name: null });
    const dense = kerasLayer('Dense', { name: 'd', units: 3, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } } });
    assert.deepStrictEqual(dense.config.kernel_initializer, { module: 'keras.initializers', class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null }, registered_name: null });
    const embedding = kerasLayer('Embedding', { name: 'e', input_dim: 10, output_dim: 4, input_length: 7 }).config;
    assert.deepStrictEqual([embedding.input_dim, embedding.output_dim, 'input_length' in embedding], [10, 4, false], 'input_dim is the vocabulary; Keras 3 has no input_length');
  });

  it('refuses, in one line naming the layer, what Keras would compute differently or not at all', () => {
    assert.throws(() => kerasLayer('Dense', { name: 'gate', units: 1, activation: 'hard_sigmoid' }),
      { name: 'DataError', message: "layer 'gate' uses activation 'hard_sigmoid': Keras 3's hard_sigmoid is relu6(x + 3) / 6, TF.js' is clip(0.2·x + 0.5, 0, 1): the exported model would compute another function" });
    assert.throws(() => kerasLayer('LSTM', { name: 'rnn', units: 8 }), /^DataError: layer 'rnn' is a LSTM, which ConvLens does not export to Keras \(it exports Activation, Add, /);
  });

  it("keys a model's saveables as Keras does, by class with _1, _2 (not by name), and gives the first layer Keras' InputLayer", () => {
    const topology = {
      class_name: 'Sequential',
      config: { name: 'net', layers: [conv('first', { batch_input_shape: [null, 10, 10, 1] }), { class_name: 'MaxPooling2D', config: { name: 'pool', pool_size: [2, 2] } }, conv('second'), { class_name: 'Flatten', config: { name: 'flat' } }] },
    };
    const summary = analyzeModel(modelSpecFromConfig(topology, 'net'));
    const { config, saveables } = modelConfig(topology, summary);
    assert.deepStrictEqual(saveables.layers?.map((s) => `${s.key}=${s.name}`), ['conv2d=first', 'max_pooling2d=pool', 'conv2d_1=second', 'flatten=flat']);
    const layers = (config.config as { layers: { class_name: string; config: Record<string, unknown>; build_config?: unknown }[] }).layers;
    assert.deepStrictEqual(layers[0].config, { batch_shape: [null, 10, 10, 1], dtype: 'float32', sparse: false, name: 'input_layer' });
    assert.strictEqual('batch_input_shape' in layers[1].config, false);
    assert.deepStrictEqual(layers[3].build_config, { input_shape: [null, 4, 4, 4] }, "the second conv's input: 8×8×4 pooled to 4×4×4");
    assert.strictEqual(layers[4].config.data_format, 'channels_last', "Flatten's data_format, which Keras writes and TF.js leaves out");
  });

  it("writes the run's compile settings as Keras 3's compile_config", () => {
    const c = compileConfig({ optimizer: 'adam', learningRate: 0.0005, loss: 'sparse_categorical_crossentropy', fromLogits: true, metrics: ['accuracy'] });
    assert.deepStrictEqual(c?.optimizer, { module: 'keras.optimizers', class_name: 'Adam', config: { name: 'adam', learning_rate: 0.0005 }, registered_name: null });
    assert.deepStrictEqual(c?.loss, { module: 'keras.losses', class_name: 'SparseCategoricalCrossentropy', config: { name: 'sparse_categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true }, registered_name: null });
    assert.deepStrictEqual(c?.metrics, ['accuracy']);
    assert.strictEqual(compileConfig({ optimizer: 'adam', learningRate: 0.001, loss: 'categorical_crossentropy' })?.loss, 'categorical_crossentropy');
    assert.strictEqual(compileConfig({ optimizer: 'yogi', loss: 'mse' }), undefined, 'an optimizer ConvLens does not map to Keras: no compile_config');
  });
});
