/**
 * Issue #11: one sublayer object held by two custom layers, or by a custom layer and the model
 * itself. Keras' summary shows each row's own count_params() — the shared sublayer inside
 * both — while the totals come from model.weights, which holds each variable once (Keras 3's
 * Layer.weights deduplicates by id). ConvLens must show the same rows and totals.
 * test/engine/customLayerCrossCheck.test.ts builds the two towers in TF.js, which counts a
 * shared layer once as well.
 */
import * as assert from 'assert';
import { SIAMESE_TOWERS, TOWER, WRAP, readPython as read } from '../fixtures/customLayers';

describe('custom layers sharing a sublayer', () => {
  it('counts an encoder two towers share once in the totals, and in full in each row', () => {
    const m = read(...SIAMESE_TOWERS).find((x) => x.kerasName === 'towers')!;
    // encoder: Dense 10 → 16 (10·16 + 16 = 176) and 16 → 8 (16·8 + 8 = 136): 312.
    // Each tower's row: 312 + its head 8 → 4 (8·4 + 4 = 36) = 348.
    assert.deepStrictEqual(m.layers.filter((l) => l.className === 'Tower').map((l) => l.params), [348, 348]);
    // The model: the encoder once and two heads, 312 + 2·36 = 384 (not 348 + 348 = 696).
    assert.deepStrictEqual([m.totalParams, m.trainableParams, m.nonTrainableParams, m.complete], [384, 384, 0, true]);
  });

  it('counts a Dense the model also applies directly once', () => {
    const [m] = read(
      ...WRAP,
      'dense = layers.Dense(4)',
      'inp = keras.Input((4,))',
      'model = keras.Model(inp, dense(Wrap(dense)(inp)))',
    );
    // Dense 4 → 4: 4·4 + 4 = 20 weights, shown in the Wrap row and in the dense row, counted once.
    assert.deepStrictEqual(m.layers.map((l) => l.params), [0, 20, 20]);
    assert.deepStrictEqual([m.totalParams, m.complete], [20, true]);
    const [twice] = read(
      ...WRAP,
      'shared = layers.Dense(4)',
      'inp = keras.Input((4,))',
      'model = keras.Model(inp, Wrap(shared)(Wrap(shared)(inp)))',
    );
    assert.deepStrictEqual(twice.layers.map((l) => l.params), [0, 20, 20]);
    assert.deepStrictEqual([twice.totalParams, twice.complete], [20, true]);
  });

  it('separates a shared sublayer nested inside another custom layer from its holder', () => {
    const [m] = read(
      ...WRAP,
      ...TOWER,
      'dense = layers.Dense(8)',
      'inp = keras.Input((8,))',
      'x = Tower(Wrap(dense), 2)(inp)',
      'model = keras.Model(inp, Wrap(dense)(layers.Dense(8)(x)))',
    );
    // Tower(Wrap(dense)): dense 8·8 + 8 = 72 and head 8·2 + 2 = 18 → 90; Dense 2 → 8: 2·8 + 8 = 24;
    // the second Wrap(dense) shows 72. Totals: 72 + 18 + 24 = 114.
    assert.deepStrictEqual(m.layers.map((l) => l.params), [0, 90, 24, 72]);
    assert.deepStrictEqual([m.totalParams, m.complete], [114, true]);
  });

  it('leaves a frozen row that shares weights unknown, with the reason', () => {
    const [m] = read(
      ...WRAP,
      'dense = layers.Dense(4)',
      'inp = keras.Input((4,))',
      'frozen = Wrap(dense)',
      'frozen.trainable = False',
      'model = keras.Model(inp, dense(frozen(inp)))',
    );
    const row = m.layers[1];
    assert.strictEqual(row.params, null);
    assert.match(row.unknownReason ?? '', /frozen and shares weights/);
    assert.strictEqual(m.complete, false);
  });
});
