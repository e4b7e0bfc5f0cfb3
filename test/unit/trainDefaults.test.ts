/** Train defaults: last choice > convlens.json > the code's model.fit(...) > built-in, each with its source. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readPython } from '../../src/core/source/python/reader';
import type { FitSpec } from '../../src/core/model/spec';
import { BUILT_IN_CHOICES, choicesToRemember, earlyStoppingPicks, resolveTrainChoices, sourceLabel } from '../../src/training/trainDefaults';

const range: FitSpec['range'] = { start: { line: 42, column: 0 }, end: { line: 42, column: 30 } };
const FIT: FitSpec = { epochs: 15, batchSize: 128, validationSplit: 0.1, earlyStoppingPatience: 4, range };

describe('Train defaults precedence', () => {
  it('uses built-in defaults without code, project or last settings', () => {
    const r = resolveTrainChoices({});
    assert.deepStrictEqual(r.choices, BUILT_IN_CHOICES);
    assert.strictEqual(sourceLabel(r.sources.epochs), 'default');
  });

  it("takes the code's fit settings over the built-in defaults, citing the line", () => {
    const r = resolveTrainChoices({ fit: FIT });
    assert.strictEqual(r.choices.epochs, 15);
    assert.strictEqual(r.choices.batchSize, 128);
    assert.strictEqual(r.choices.validationSplit, 0.1);
    assert.strictEqual(r.choices.earlyStopping, 4);
    assert.strictEqual(sourceLabel(r.sources.epochs), 'from model.fit, line 42');
    // fit() does not say which data set: that stays the default.
    assert.strictEqual(sourceLabel(r.sources.data), 'default');
  });

  it("offers the folder of fit()'s flow_from_directory as the data, from the code; a last choice still wins", () => {
    const r = resolveTrainChoices({ fit: FIT, fitFolder: '/data/cats_and_dogs_small' });
    assert.strictEqual(r.choices.data, '/data/cats_and_dogs_small');
    assert.strictEqual(sourceLabel(r.sources.data), 'from model.fit, line 42');
    assert.strictEqual(resolveTrainChoices({ fit: FIT, fitFolder: '/data/x', last: { data: 'mnist' } }).choices.data, 'mnist');
  });

  it("offers the validation split of an ImageDataGenerator the code splits with subset, citing the generator's line", () => {
    const fit = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'datagen = ImageDataGenerator(rescale=1./255, validation_split=0.25)',
      "train_gen = datagen.flow_from_directory('data', target_size=(32, 32), subset='training')",
      "val_gen = datagen.flow_from_directory('data', target_size=(32, 32), subset='validation')",
      'm = keras.Sequential([keras.layers.Flatten(input_shape=(32, 32, 3)), keras.layers.Dense(2, activation="softmax")])',
      'm.fit(train_gen, epochs=3, validation_data=val_gen)',
    ].join('\n')).models[0].fit;
    const r = resolveTrainChoices({ fit });
    assert.strictEqual(r.choices.validationSplit, 0.25);
    assert.strictEqual(sourceLabel(r.sources.validationSplit), "from datagen(validation_split) with subset='training', line 3");
    // Without subset, validation_split alone does not split anything in Keras: the built-in default stays.
    const plain = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'datagen = ImageDataGenerator(validation_split=0.25)',
      "train_gen = datagen.flow_from_directory('data', target_size=(32, 32))",
      'm = keras.Sequential([keras.layers.Flatten(input_shape=(32, 32, 3)), keras.layers.Dense(2, activation="softmax")])',
      'm.fit(train_gen, epochs=3)',
    ].join('\n')).models[0].fit;
    assert.strictEqual(sourceLabel(resolveTrainChoices({ fit: plain }).sources.validationSplit), 'default');
  });

  it('lets convlens.json and then the last choice win over the code', () => {
    const r = resolveTrainChoices({ fit: FIT, project: { epochs: 8, batchSize: 16 }, last: { batchSize: 64 } });
    assert.strictEqual(r.choices.epochs, 8);
    assert.strictEqual(sourceLabel(r.sources.epochs), 'from convlens.json');
    assert.strictEqual(r.choices.batchSize, 64);
    assert.strictEqual(sourceLabel(r.sources.batchSize), 'your last choice');
    assert.strictEqual(r.choices.validationSplit, 0.1);
  });

  it("offers Chollet's steps_per_epoch and validation_steps from fit(), and the batch size from the flow that sets it", () => {
    const fit = readPython(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'chollet', 'cats_vs_dogs_5_2.py'), 'utf8')).models[0].fit;
    const r = resolveTrainChoices({ fit });
    assert.deepStrictEqual([r.choices.epochs, r.choices.stepsPerEpoch, r.choices.validationSteps, r.choices.batchSize], [30, 100, 50, 20]);
    assert.strictEqual(sourceLabel(r.sources.stepsPerEpoch), 'from model.fit, line 53');
    assert.strictEqual(sourceLabel(r.sources.validationSteps), 'from model.fit, line 53');
    assert.strictEqual(sourceLabel(r.sources.batchSize), 'from train_datagen.flow_from_directory, line 38');
    // convlens.json, then the user's last choice, still win.
    const project = resolveTrainChoices({ fit, project: { stepsPerEpoch: 10, batchSize: 8 }, last: { validationSteps: 0 } });
    assert.deepStrictEqual([project.choices.stepsPerEpoch, project.choices.batchSize, project.choices.validationSteps], [10, 8, 0]);
    assert.deepStrictEqual([sourceLabel(project.sources.stepsPerEpoch), sourceLabel(project.sources.batchSize), sourceLabel(project.sources.validationSteps)],
      ['from convlens.json', 'from convlens.json', 'your last choice']);
    // Without them in the code: one pass per epoch, all validation images.
    assert.deepStrictEqual([resolveTrainChoices({ fit: FIT }).choices.stepsPerEpoch, resolveTrainChoices({ fit: FIT }).choices.validationSteps], [0, 0]);
  });

  it('remembers only what the user changed or had chosen before', () => {
    const offered = resolveTrainChoices({ fit: FIT, last: { data: 'synthetic' } });
    const chosen = { ...offered.choices, epochs: 20 };
    // Accepting the code's batch size is not a choice: a later edit of fit() must still show up.
    assert.deepStrictEqual(choicesToRemember(chosen, offered), { data: 'synthetic', epochs: 20 });
    const next = resolveTrainChoices({ fit: { ...FIT, batchSize: 256 }, last: choicesToRemember(chosen, offered) });
    assert.strictEqual(next.choices.batchSize, 256);
    assert.strictEqual(next.choices.epochs, 20);
  });

  it("offers the code's early-stopping patience in the quick pick, labelled with its source", () => {
    const picks = earlyStoppingPicks(4, { kind: 'code', line: 42 });
    assert.deepStrictEqual(picks.map((p) => p.patience), [0, 2, 3, 4]);
    assert.strictEqual(picks[3].description, 'from model.fit, line 42');
    assert.strictEqual(earlyStoppingPicks(0, { kind: 'default' }).length, 3);
    // The code's monitor is what training watches, so the labels name it.
    assert.strictEqual(earlyStoppingPicks(2, { kind: 'default' }, 'val_acc')[1].label, 'Stop after 2 epochs without val_acc improvement');
  });
});
