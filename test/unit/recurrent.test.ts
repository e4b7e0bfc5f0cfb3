/**
 * Sequence layers' shapes and Keras' parameter formulas (keras/src/layers/rnn/*.py): per gate
 * an input kernel d×units, a recurrent kernel units×units and a bias; SimpleRNN has 1 gate,
 * LSTM 4, GRU 3 with two biases per gate by default (reset_after=True). The same models are
 * built in TF.js in test/engine/recurrentCrossCheck.test.ts.
 */
import * as assert from 'assert';
import { analyzeSource } from '../../src/core/analysis';

function model(code: string) {
  return analyzeSource(`import keras\nfrom keras import layers\n${code}\n`, 'python').models[0];
}

describe('sequence layers', () => {
  it("counts Keras' default GRU with a second bias per gate", () => {
    const m = model('model = keras.Sequential([keras.Input(shape=(10, 32)), layers.GRU(64)])');
    assert.strictEqual(m.layers[0].params, 3 * 64 * (32 + 64 + 2));
    assert.strictEqual(m.layers[0].formulas.params, '3·64·(32 + 64 + 2) = 18,816');
    assert.deepStrictEqual(m.layers[0].outputShape, [null, 64]);
    const old = model('model = keras.Sequential([keras.Input(shape=(10, 32)), layers.GRU(64, reset_after=False)])');
    assert.strictEqual(old.layers[0].params, 3 * 64 * (32 + 64 + 1));
  });

  it('LSTM and SimpleRNN, the sequence or its last step', () => {
    const m = model('model = keras.Sequential([keras.Input(shape=(100, 64)), layers.LSTM(128, return_sequences=True), layers.SimpleRNN(32)])');
    assert.deepStrictEqual(m.layers.map((l) => [l.outputShape, l.params]), [[[null, 100, 128], 4 * 128 * (64 + 128 + 1)], [[null, 32], 32 * (128 + 32 + 1)]]);
  });

  it('Bidirectional doubles the weights and, concatenated, the features; TimeDistributed shares one layer over time', () => {
    const m = model([
      'model = keras.Sequential([keras.Input(shape=(20, 16)),',
      '    layers.Bidirectional(layers.LSTM(8, return_sequences=True)),',
      '    layers.Bidirectional(layers.GRU(4, reset_after=False), merge_mode="sum"),',
      '])',
    ].join('\n'));
    assert.deepStrictEqual(m.layers.map((l) => [l.outputShape, l.params]), [[[null, 20, 16], 2 * 4 * 8 * (16 + 8 + 1)], [[null, 4], 2 * 3 * 4 * (16 + 4 + 1)]]);
    const td = model('model = keras.Sequential([keras.Input(shape=(7, 32)), layers.TimeDistributed(layers.Dense(5))])');
    assert.deepStrictEqual([td.layers[0].outputShape, td.layers[0].params], [[null, 7, 5], 33 * 5]);
  });

  it('ConvLSTM2D: four gates of convolutions over the frame and the state', () => {
    const m = model('model = keras.Sequential([keras.Input(shape=(None, 40, 40, 1)), layers.ConvLSTM2D(64, (5, 5), padding="same", return_sequences=True)])');
    assert.deepStrictEqual(m.layers[0].outputShape, [null, null, 40, 40, 64]);
    assert.strictEqual(m.layers[0].params, 4 * (5 * 5 * (1 + 64) * 64 + 64));
  });

  it('stays unknown, with the reason, where a layer gives several outputs', () => {
    const states = model('model = keras.Sequential([keras.Input(shape=(10, 32)), layers.LSTM(8, return_state=True)])');
    assert.strictEqual(states.complete, false);
    assert.match(states.layers[0].unknownReason ?? '', /return_state=True gives several outputs/);
    const pair = model('model = keras.Sequential([keras.Input(shape=(10, 32)), layers.Bidirectional(layers.LSTM(8), merge_mode=None)])');
    assert.match(pair.layers[0].unknownReason ?? '', /merge_mode=None gives two outputs/);
  });

  it('Embedding: one vector per token id', () => {
    const m = model('model = keras.Sequential([keras.Input(shape=(200,)), layers.Embedding(20000, 128)])');
    assert.deepStrictEqual([m.layers[0].outputShape, m.layers[0].params], [[null, 200, 128], 2560000]);
  });
});
