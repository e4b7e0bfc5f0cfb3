/**
 * Issue #11: a custom layer whose call returns several tensors (`return output, kernel`, as
 * keras.io's Involution does), unpacked (`y, w = Layer(…)(x)`) or indexed (`outs[1]`). Each
 * output keeps its own shape and the layer's row shows them as Keras does, a list of shapes.
 * The layer is written for this test; counts are worked out by hand beside each assertion.
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { LayerSummarySchema } from '../../src/protocol/common';
import { formatModelText } from '../../src/core/report/text';
import { SCORED_PROJECTION, layerOf as layer, readPython as read } from '../fixtures/customLayers';

describe('custom layers that return several tensors', () => {
  it('gives each output its own shape, whether unpacked or indexed', () => {
    for (const take of [['y, scores = ScoredProjection(4)(inputs)'], ['outs = ScoredProjection(4)(inputs)', 'y = outs[0]', 'scores = outs[1]']]) {
      const [m] = read(...SCORED_PROJECTION,
        'inputs = keras.Input((10, 8))',
        ...take,
        'joined = layers.Concatenate()([layers.Flatten()(y), layers.Flatten()(scores)])',
        'model = keras.Model(inputs, layers.Dense(3)(joined))');
      assert.strictEqual(m.complete, true, take.join('; '));
      const scored = layer(m, 'ScoredProjection');
      // proj: Dense 8→4, 8·4 + 4 = 36; score: Dense 4→1, 4 + 1 = 5. Outputs (10, 4) and (10, 1).
      assert.deepStrictEqual([scored.outputShapes, scored.params], [[[null, 10, 4], [null, 10, 1]], 41]);
      // Flatten: 40 and 10, concatenated 50; Dense(3): 50·3 + 3 = 153.
      assert.deepStrictEqual(layer(m, 'Concatenate').outputShape, [null, 50]);
      assert.strictEqual(m.totalParams, 41 + 153);
      const text = formatModelText(m);
      // The row lists both shapes; the second Flatten is fed by the layer's second tensor.
      assert.match(text, /\[\(None, 10, 4\), \(None, 10, 1\)\]/);
      assert.match(text, /scored_projection\[0\]\[1\]/);
      // The webview gets the shapes and the picks too (the protocol keeps them).
      const sent = m.layers.map((l) => v.parse(LayerSummarySchema, JSON.parse(JSON.stringify(l))));
      assert.deepStrictEqual(sent.map((l) => [l.outputShapes, l.inboundOutputs]), m.layers.map((l) => [l.outputShapes, l.inboundOutputs]));
      assert.ok(sent.some((l) => l.inboundOutputs?.includes(1)));
    }
  });

  it('reads x.shape of a later output as that output\'s shape, also below it in the graph', () => {
    // Before, the shape probe copied the graph without the output index: scores.shape read
    // as y's (None, 10, 4), and Dense(units * 2) was counted with 8 units.
    const [m] = read(...SCORED_PROJECTION,
      'inputs = keras.Input((10, 8))',
      'y, scores = ScoredProjection(4)(inputs)',
      'units = scores.shape[-1]',
      'flat = layers.Flatten()(scores)',
      'width = flat.shape[-1]',
      'model = keras.Model(inputs, layers.Dense(units * 2 + width)(flat))');
    assert.strictEqual(m.complete, true);
    // scores is (None, 10, 1): units 1; Flatten gives 10: width 10; Dense(12) on 10: 10·12 + 12 = 132.
    assert.deepStrictEqual(layer(m, 'Dense').outputShape, [null, 12]);
    assert.strictEqual(m.totalParams, 41 + 132);
  });

  it('leaves the layer unknown when a returned item is not a tensor, or compute_output_shape gives one shape', () => {
    const [notTensor] = read(...SCORED_PROJECTION.map((l) => l.replace('return h * s, s', 'return h * s, "scores"')),
      'inputs = keras.Input((10, 8))',
      'y, s = ScoredProjection(4)(inputs)',
      'model = keras.Model(inputs, y)');
    assert.strictEqual(notTensor.complete, false);
    const [declared] = read(...SCORED_PROJECTION,
      '    def compute_output_shape(self, input_shape):',
      '        return input_shape',
      'inputs = keras.Input((10, 8))',
      'y, s = ScoredProjection(4)(inputs)',
      'model = keras.Model(inputs, y)');
    assert.strictEqual(declared.complete, false);
  });

  it('does not pass a later tensor off as the model output (ModelSpec outputs stand for first tensors)', () => {
    const [m] = read(...SCORED_PROJECTION, 'inputs = keras.Input((10, 8))', 'y, s = ScoredProjection(4)(inputs)', 'model = keras.Model(inputs, s)');
    assert.strictEqual(m.complete, false);
    assert.match(m.layers[0].unknownReason ?? '', /outputs tensor 2 of scored_projection/);
  });
});
