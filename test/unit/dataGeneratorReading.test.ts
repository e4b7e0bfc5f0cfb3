/**
 * ImageDataGenerator read statically (issue #11): the constructor's options, the iterators
 * made with flow_from_directory / flow, the fit() call that trains on them, and the options
 * ConvLens does not apply reported with their reason. Expectations are Keras' defaults and
 * the literal arguments in the code.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fitGenerator } from '../../src/core/engine/train/trainingInput';
import { readPython } from '../../src/core/source/python/reader';

describe('ImageDataGenerator read from code', () => {
  it("reads issue #11's example file: generator options, flows, and the model's fit linked to them", () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'keras', 'datagen_augmentation.py'), 'utf8');
    const r = readPython(text);
    assert.deepStrictEqual(r.generators?.map((g) => g.name), ['datagen', 'test_datagen']);
    const g = r.generators[0];
    assert.deepStrictEqual(g.config, { rescale: 1 / 255, rotation_range: 60, zoom_range: 0.2, width_shift_range: 0.4, height_shift_range: 0.2, horizontal_flip: true, fill_mode: 'nearest' });
    assert.deepStrictEqual(g.unsupported, []);
    assert.strictEqual(g.flows.length, 1);
    const { range: _r, ...flow } = g.flows[0];
    // Keras' defaults where the call gives none: shuffle=True, follow_links=False, interpolation='nearest', keep_aspect_ratio=False, no subset.
    assert.deepStrictEqual(flow, { method: 'flow_from_directory', name: 'train_generator', directory: 'data/cats_and_dogs_small/train', targetSize: [150, 150], colorMode: 'rgb', classMode: 'binary', batchSize: 32, shuffle: true, followLinks: false, interpolation: 'nearest', keepAspectRatio: false });
    assert.strictEqual(r.models.length, 1);
    const fit = r.models[0].fit!;
    assert.strictEqual(fit.data?.variable, 'datagen');
    assert.strictEqual(fit.validationData?.variable, 'test_datagen');
    assert.strictEqual(fit.stepsPerEpoch, 100);
    assert.strictEqual(fit.validationSteps, 50);
    assert.strictEqual(fit.epochs, 100);
    // fit() names the generator it trains on, with its options and the flow it went through: training applies them.
    const trained = fit.data?.generator;
    assert.strictEqual(trained?.name, 'datagen');
    assert.deepStrictEqual(trained.config, g.config);
    assert.strictEqual(trained.flow?.name, 'train_generator');
    assert.strictEqual(trained.flow?.directory, 'data/cats_and_dogs_small/train');
    assert.deepStrictEqual(fit.validationData?.generator?.config, { rescale: 1 / 255 });
    // The flow's batch_size is the batch size Keras trains with.
    assert.strictEqual(fit.batchSize, 32);
  });

  it('reads keras.preprocessing.image imports, flow(), fit_generator, and Keras defaults', () => {
    const r = readPython([
      'from keras.preprocessing import image',
      'from keras import models, layers',
      'gen = image.ImageDataGenerator(shear_range=0.2, vertical_flip=True)',
      'it = gen.flow(x_train, y_train)',
      'model = models.Sequential([layers.Dense(1, input_shape=(4,))])',
      'model.fit_generator(it, 10, 3)',
    ].join('\n'));
    assert.deepStrictEqual(r.generators?.map((g) => g.name), ['gen']);
    assert.strictEqual(r.generators[0].flows[0].method, 'flow');
    assert.strictEqual(r.generators[0].flows[0].batchSize, 32);
    const fit = r.models[0].fit!;
    assert.strictEqual(fit.legacyGenerator, true);
    assert.strictEqual(fit.data?.variable, 'gen');
    assert.strictEqual(fit.stepsPerEpoch, 10);
    assert.deepStrictEqual(fit.data?.generator?.config, { shear_range: 0.2, vertical_flip: true });
    assert.strictEqual(fit.data?.generator?.flow?.method, 'flow');
  });

  it('names the generator itself when fit() is given it directly, and nothing for plain arrays', () => {
    const r = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'aug = ImageDataGenerator(rotation_range=10)',
      'm = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])',
      'm.fit(aug.flow(x, y, batch_size=64), epochs=2)',
      'n = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])',
      'n.fit(x, y, batch_size=8)',
    ].join('\n'));
    const [m, n] = r.models;
    assert.strictEqual(m.fit?.data?.generator?.name, 'aug');
    assert.strictEqual(m.fit?.batchSize, 64);
    assert.strictEqual(n.fit?.data, undefined);
    assert.strictEqual(n.fit?.batchSize, 8);
  });

  it("carries both iterators' settings to training, and notes where it differs from the code's fit(): another validation rescale", () => {
    const r = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'aug = ImageDataGenerator(rescale=1./255, zoom_range=0.1)',
      'val = ImageDataGenerator()',
      "train_it = aug.flow_from_directory('d/train', target_size=(64, 64))",
      "val_it = val.flow_from_directory('d/validation', target_size=(64, 64), color_mode='grayscale', class_mode='sparse', batch_size=10)",
      'm = keras.Sequential([keras.layers.Flatten(input_shape=(32, 32, 3)), keras.layers.Dense(2, activation="softmax")])',
      'm.fit(train_it, epochs=3, validation_data=val_it)',
    ].join('\n'));
    const g = fitGenerator(r.models[0].fit);
    assert.deepStrictEqual(g?.notes, ["validation images get aug's rescale (1/255), not val's (1)"]);
    // Keras' defaults where the call gives none: color_mode 'rgb', class_mode 'categorical', batch_size 32, interpolation 'nearest', shuffled.
    const defaults = { interpolation: 'nearest', shuffle: true, followLinks: false, keepAspectRatio: false };
    assert.deepStrictEqual(g?.flow, { label: 'train_it = aug.flow_from_directory(...), line 5', method: 'flow_from_directory', directory: 'd/train', targetSize: [64, 64], colorMode: 'rgb', classMode: 'categorical', batchSize: 32, ...defaults });
    assert.deepStrictEqual(g?.validationFlow, { label: 'val_it = val.flow_from_directory(...), line 6', method: 'flow_from_directory', directory: 'd/validation', targetSize: [64, 64], colorMode: 'grayscale', classMode: 'sparse', batchSize: 10, ...defaults });
  });

  it('reports featurewise / zca / samplewise options as not supported, with the reason', () => {
    const r = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'datagen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True, zca_whitening=True, samplewise_center=True, samplewise_std_normalization=False, rotation_range=20)',
    ].join('\n'));
    const g = r.generators![0];
    assert.deepStrictEqual(g.unsupported.map((u) => u.option), ['featurewise_center', 'featurewise_std_normalization', 'zca_whitening', 'samplewise_center']);
    assert.deepStrictEqual(g.config, { samplewise_std_normalization: false, rotation_range: 20 });
    const messages = r.diagnostics.filter((d) => d.code === 'datagen-unsupported').map((d) => d.message);
    assert.strictEqual(messages.length, 4);
    assert.ok(messages[0].includes('featurewise_center') && messages[0].includes('datagen.fit'), messages[0]);
  });

  it("reads validation_split, subset, interpolation, shuffle and follow_links (by keyword and by Keras' positions)", () => {
    const r = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'datagen = ImageDataGenerator(rescale=1./255, validation_split=0.25)',
      "train_it = datagen.flow_from_directory('data', target_size=(32, 32), subset='training', interpolation='bilinear', shuffle=False, keep_aspect_ratio=True)",
      "val_it = datagen.flow_from_directory('data', (32, 32), 'rgb', ['dogs', 'cats'], 'categorical', 8, True, None, None, '', 'png', True, 'validation', 'lanczos', False)",
      'm = keras.Sequential([keras.layers.Flatten(input_shape=(32, 32, 3)), keras.layers.Dense(2, activation="softmax")])',
      'm.fit(train_it, epochs=3, validation_data=val_it)',
    ].join('\n'));
    const g = r.generators![0];
    // validation_split is read now, not reported as unsupported.
    assert.deepStrictEqual(g.unsupported, []);
    assert.deepStrictEqual(g.config, { rescale: 1 / 255, validation_split: 0.25 });
    const fg = fitGenerator(r.models[0].fit);
    assert.deepStrictEqual(
      [fg?.flow?.subset, fg?.flow?.interpolation, fg?.flow?.shuffle, fg?.flow?.followLinks, fg?.flow?.validationSplit, fg?.flow?.keepAspectRatio],
      ['training', 'bilinear', false, false, 0.25, true]);
    assert.deepStrictEqual(
      [fg?.validationFlow?.subset, fg?.validationFlow?.interpolation, fg?.validationFlow?.shuffle, fg?.validationFlow?.followLinks, fg?.validationFlow?.batchSize, fg?.validationFlow?.directory, fg?.validationFlow?.keepAspectRatio],
      ['validation', 'lanczos', true, true, 8, 'data', false]);
    // classes by position (3); none given: every subfolder, sorted (left out).
    assert.deepStrictEqual([fg?.validationFlow?.classes, fg?.flow?.classes], [['dogs', 'cats'], undefined]);
    assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('flags what Keras raises on: validation_split outside (0, 1), a subset other than training/validation', () => {
    const r = readPython([
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'a = ImageDataGenerator(validation_split=1.5)',
      'b = ImageDataGenerator(validation_split=0)',
      "it = b.flow_from_directory('data', subset='test')",
    ].join('\n'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.deepStrictEqual(errors.map((d) => [d.code, d.range.start.line]), [['datagen-validation-split', 2], ['datagen-subset', 4]]);
    assert.match(errors[0].message, /validation_split=1\.5\): Keras requires it strictly between 0 and 1/);
    assert.match(errors[1].message, /subset='test'\): Keras takes 'training' or 'validation'/);
  });
});
