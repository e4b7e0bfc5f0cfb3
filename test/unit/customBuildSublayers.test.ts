/**
 * Issue #11: sublayers a custom layer makes in build(self, input_shape), as keras.io's
 * Involution does: a Sequential from __init__'s values, and Reshape layers sized from the
 * input shape. The layer below is written for this test in that style (a per-pixel gate
 * generated from a pooled input); each count is worked out by hand beside it.
 */
import * as assert from 'assert';
import { layerOf as layer, readPython as read } from '../fixtures/customLayers';

/** A layer that generates a per-position weight map with a small Sequential and mixes patches with it. */
const PATCH_GATE = [
  'class PatchGate(layers.Layer):',
  '    def __init__(self, hidden, size, step):',
  '        super().__init__()',
  '        self.hidden = hidden',
  '        self.size = size',
  '        self.step = step',
  '    def build(self, input_shape):',
  '        (_, rows, cols, depth) = input_shape',
  '        rows = rows // self.step',
  '        cols = cols // self.step',
  '        self.shrink = (',
  '            layers.MaxPooling2D(pool_size=self.step, padding="same") if self.step > 1 else tf.identity',
  '        )',
  '        self.make_gate = keras.Sequential([',
  '            layers.Conv2D(self.hidden, 1),',
  '            layers.LayerNormalization(),',
  '            layers.Conv2D(self.size * self.size, 1),',
  '        ])',
  '        self.gate_shape = layers.Reshape(target_shape=(rows, cols, self.size * self.size, 1))',
  '        self.patch_shape = layers.Reshape((rows, cols, self.size * self.size, depth))',
  '    def call(self, x):',
  '        gate = self.gate_shape(self.make_gate(self.shrink(x)))',
  '        patches = tf.image.extract_patches(images=x, sizes=[1, self.size, self.size, 1],',
  '            strides=[1, self.step, self.step, 1], rates=[1, 1, 1, 1], padding="SAME")',
  '        return ops.sum(gate * self.patch_shape(patches), axis=3)',
];

describe('custom layers with sublayers made in build', () => {
  it('counts a Sequential made in build and follows Reshapes sized from the input shape', () => {
    const [m] = read(...PATCH_GATE,
      'inputs = keras.Input((20, 20, 6))',
      'x = PatchGate(4, 3, 1)(inputs)',
      'model = keras.Model(inputs, PatchGate(2, 3, 2)(x))');
    assert.strictEqual(m.complete, true);
    const [first, second] = m.layers.filter((l) => l.className === 'PatchGate');
    // Step 1: Conv2D 1×1 6→4: 6·4 + 4 = 28; LayerNormalization(4): 2·4 = 8; Conv2D 1×1 4→9:
    // 4·9 + 9 = 45. 28 + 8 + 45 = 81. The gate (20, 20, 9, 1) times the patches (20, 20, 9, 6),
    // summed over axis 3: (20, 20, 6).
    assert.deepStrictEqual([first.outputShape, first.params], [[null, 20, 20, 6], 81]);
    // Step 2 (max pooling "same": 20 → 10): 6·2 + 2 = 14; 2·2 = 4; 2·9 + 9 = 27: 45.
    // Patches with strides 2 "SAME": 10×10; output (10, 10, 6).
    assert.deepStrictEqual([second.outputShape, second.params], [[null, 10, 10, 6], 45]);
    assert.strictEqual(m.totalParams, 81 + 45);
  });

  it('shows a Reshape from build that does not fit the tensor as an error, not a count', () => {
    // A 20×20 input stepped by 3 gives 7×7 patches ("SAME"), but the Reshape says 20 // 3 = 6.
    const [m] = read(...PATCH_GATE,
      'inputs = keras.Input((20, 20, 6))',
      'model = keras.Model(inputs, PatchGate(4, 3, 3)(inputs))');
    assert.strictEqual(m.complete, false);
    assert.match(layer(m, 'PatchGate').unknownReason ?? '', /reshape/);
  });

  it('leaves a layer unknown when build makes a sublayer from input_shape that is not a Reshape', () => {
    const [m] = read(...PATCH_GATE.map((l) => l.replace('layers.Conv2D(self.hidden, 1)', 'layers.Conv2D(depth, 1)')),
      'inputs = keras.Input((20, 20, 6))',
      'model = keras.Model(inputs, PatchGate(4, 3, 1)(inputs))');
    assert.strictEqual(m.complete, false);
    assert.match(layer(m, 'PatchGate').unknownReason ?? '', /sized from input_shape/);
  });
});
