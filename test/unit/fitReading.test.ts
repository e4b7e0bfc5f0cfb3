/**
 * model.fit(...) read statically, in both dialects: the settings that become the Train
 * command's defaults (epochs, batch size, validation split, early stopping).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FitSpec, ReadResult } from '../../src/core/model/spec';
import { readPython } from '../../src/core/source/python/reader';
import { readTypeScript } from '../../src/core/source/typescript/reader';

function fitOf(r: ReadResult): FitSpec {
  assert.strictEqual(r.models.length, 1);
  const fit = r.models[0].fit;
  assert.ok(fit, 'the model has no fit settings');
  return fit;
}

const MODEL = [
  'from tensorflow import keras',
  'from tensorflow.keras import layers',
  'model = keras.Sequential([layers.Dense(10, input_shape=(4,))])',
  "model.compile(optimizer='adam', loss='mse')",
];

/** Chollet 1st ed. 5.2, listings 5.5-5.8, as the book prints them. */
const CHOLLET_5_2 = path.join(__dirname, '..', 'fixtures', 'chollet', 'cats_vs_dogs_5_2.py');

describe('fit settings read from code', () => {
  it('reads keyword epochs, batch_size, validation_split and EarlyStopping(patience)', () => {
    const fit = fitOf(readPython([...MODEL,
      'model.fit(x, y, epochs=15, batch_size=128, validation_split=0.1,',
      "          callbacks=[keras.callbacks.EarlyStopping(monitor='val_loss', patience=4)])"].join('\n')));
    assert.strictEqual(fit.epochs, 15);
    assert.strictEqual(fit.batchSize, 128);
    assert.strictEqual(fit.validationSplit, 0.1);
    assert.strictEqual(fit.earlyStoppingPatience, 4);
    assert.strictEqual(fit.earlyStoppingMonitor, 'val_loss');
    // Line numbers are what the Train quick pick shows ("from model.fit, line 5").
    assert.strictEqual(fit.range.start.line, 5);
  });

  it("reads Keras' positional order fit(x, y, batch_size, epochs)", () => {
    const fit = fitOf(readPython([...MODEL, 'model.fit(x, y, 128, 15)'].join('\n')));
    assert.strictEqual(fit.batchSize, 128);
    assert.strictEqual(fit.epochs, 15);
    assert.strictEqual(fit.validationSplit, undefined);
  });

  it('follows constants and keeps the last fit() call', () => {
    const fit = fitOf(readPython([...MODEL, 'EPOCHS = 7', 'model.fit(x, y, epochs=2)', 'model.fit(x, y, epochs=EPOCHS)'].join('\n')));
    assert.strictEqual(fit.epochs, 7);
  });

  it('leaves out values that are not known statically', () => {
    const fit = fitOf(readPython([...MODEL, 'model.fit(x, y, epochs=int(input()), batch_size=32)'].join('\n')));
    assert.strictEqual(fit.epochs, undefined);
    assert.strictEqual(fit.batchSize, 32);
  });

  it("reads fit_generator's positional steps_per_epoch and epochs", () => {
    const fit = fitOf(readPython([...MODEL, 'model.fit_generator(gen, 100, 30)'].join('\n')));
    assert.strictEqual(fit.stepsPerEpoch, 100);
    assert.strictEqual(fit.epochs, 30);
    assert.strictEqual(fit.legacyGenerator, true);
  });

  it("reads Chollet's 5.2 cats-vs-dogs fit_generator: steps_per_epoch, validation_steps, and the iterators' batch_size, target_size, class_mode", () => {
    const fit = fitOf(readPython(fs.readFileSync(CHOLLET_5_2, 'utf8')));
    assert.strictEqual(fit.legacyGenerator, true);
    assert.deepStrictEqual([fit.epochs, fit.stepsPerEpoch, fit.validationSteps], [30, 100, 50]);
    // fit_generator takes no batch_size: the batches are train_generator's batch_size=20.
    assert.strictEqual(fit.batchSize, 20);
    const train = fit.data?.generator?.flow;
    assert.deepStrictEqual([train?.name, train?.method, train?.targetSize, train?.colorMode, train?.classMode, train?.batchSize, train?.range.start.line],
      ['train_generator', 'flow_from_directory', [150, 150], 'rgb', 'binary', 20, 38]);
    // train_dir = os.path.join(base_dir, 'train'), as Python's posixpath.join makes it.
    assert.strictEqual(train?.directory, 'cats_and_dogs_small/train');
    assert.deepStrictEqual(fit.validationData?.generator?.flow?.name, 'validation_generator');
    assert.strictEqual(fit.validationData?.generator?.flow?.directory, 'cats_and_dogs_small/validation');
    assert.strictEqual(fit.validationData?.generator?.flow?.batchSize, 20);
    assert.strictEqual(fit.range.start.line, 53);
  });

  it('reads the TF.js config object {epochs, batchSize, validationSplit}', () => {
    const fit = fitOf(readTypeScript([
      "import * as tf from '@tensorflow/tfjs';",
      'const model = tf.sequential();',
      'model.add(tf.layers.dense({units: 1, inputShape: [2]}));',
      'model.fit(xs, ys, {epochs: 12, batchSize: 64, validationSplit: 0.25,',
      '  callbacks: [tf.callbacks.earlyStopping({patience: 2})]});'].join('\n')));
    assert.strictEqual(fit.epochs, 12);
    assert.strictEqual(fit.batchSize, 64);
    assert.strictEqual(fit.validationSplit, 0.25);
    assert.strictEqual(fit.earlyStoppingPatience, 2);
  });

  it("maps EarlyStopping's monitor to ConvLens' names and Keras' patience 0 to 1", () => {
    const fit = fitOf(readPython([...MODEL, "model.fit(x, y, callbacks=[keras.callbacks.EarlyStopping('val_accuracy')])"].join('\n')));
    assert.strictEqual(fit.earlyStoppingMonitor, 'val_acc');
    assert.strictEqual(fit.earlyStoppingPatience, 1);
  });

  it('a model without fit() has no fit settings', () => {
    const r = readPython(MODEL.join('\n'));
    assert.strictEqual(r.models[0].fit, undefined);
  });
});
