/** The "insert Flatten() before Dense" quick fix text, for each way people write a Dense layer. */
import * as assert from 'assert';
import { flattenLineFor } from '../../src/editor/flattenFix';

describe('Flatten quick fix', () => {
  it('copies the Sequential add() spelling', () => {
    assert.strictEqual(flattenLineFor('model.add(layers.Dense(64, activation="relu"))', false), 'model.add(layers.Flatten())');
    assert.strictEqual(flattenLineFor('    model.add(keras.layers.Dense(10))', false), '    model.add(keras.layers.Flatten())');
  });

  it('adds a list element in a Sequential list', () => {
    assert.strictEqual(flattenLineFor('        layers.Dense(num_classes, activation="softmax"),', false), '        layers.Flatten(),');
  });

  it('rebinds the input of a functional Dense, so Dense sees the flattened tensor', () => {
    assert.strictEqual(flattenLineFor('    outputs = layers.Dense(10)(x)', false), '    x = layers.Flatten()(x)');
  });

  it('uses TF.js spelling for tf.layers.dense', () => {
    assert.strictEqual(flattenLineFor('model.add(tf.layers.dense({units: 10, activation: "softmax"}));', false), 'model.add(tf.layers.flatten());');
  });

  it('offers nothing it cannot do safely', () => {
    assert.strictEqual(flattenLineFor('model.add(Dense(10))', false), undefined, 'bare Dense without Flatten imported');
    assert.strictEqual(flattenLineFor('model.add(Dense(10))', true), 'model.add(Flatten())');
    assert.strictEqual(flattenLineFor('const y = tf.layers.dense({units: 3}).apply(x);', false), undefined, 'TF.js apply into a const');
    assert.strictEqual(flattenLineFor('model.add(layers.Dense(', false), undefined, 'call continues on the next line');
    assert.strictEqual(flattenLineFor('model.add(layers.DenseNet(3))', false), undefined);
  });
});
