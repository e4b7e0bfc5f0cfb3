/**
 * `model.load_weights(...)` in the code: the file is recorded on the model's spec (training
 * starts from it; test/engine/trainCli.test.ts trains from a Keras-written file) and resolved
 * against the code's folder, as a script run from its folder would find it.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import { codeWeightsFile } from '../../src/core/modelFile/codeWeights';

const model = (call: string) => analyzeSource(`import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
${call}
`, 'python').specs[0];

describe('model.load_weights in the code', () => {
  it('records the file, positional or filepath=, and resolves it against the code\'s folder', () => {
    assert.strictEqual(model('model.load_weights("weights/best.h5")').weightsFile, 'weights/best.h5');
    assert.strictEqual(model('model.load_weights(filepath="best.weights.h5", skip_mismatch=False)').weightsFile, 'best.weights.h5');
    const spec = model('model.load_weights("weights/best.h5")');
    assert.strictEqual(codeWeightsFile(spec, path.join('/work', 'proj', 'train.py')), path.join('/work', 'proj', 'weights', 'best.h5'));
    assert.strictEqual(codeWeightsFile(model('model.load_weights("/data/w.h5")'), '/work/proj/train.py'), '/data/w.h5');
  });

  it('leaves a path it cannot know, and a model without the call, without a weights file', () => {
    assert.strictEqual(model('model.load_weights(checkpoint_path)').weightsFile, undefined);
    const plain = model('');
    assert.strictEqual(plain.weightsFile, undefined);
    assert.strictEqual(codeWeightsFile(plain, '/work/proj/train.py'), undefined);
  });
});
