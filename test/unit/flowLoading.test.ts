/**
 * How the code's flow_from_directory calls decide the folder load (src/core/engine/train/
 * flowLoading.ts): Keras' interpolation, its validation_split / subset rule as [from, to)
 * fractions of each class's files (keras/src/legacy/preprocessing/image.py,
 * `set_processing_attrs`: 'validation' → (0, split), 'training' → (split, 1)), shuffle=False,
 * and a one-line error naming the call for what Keras raises on. Which files those fractions
 * pick is tested on a real folder in test/engine/flowDirectory.test.ts.
 */
import * as assert from 'assert';
import { flowFolderLoad } from '../../src/core/engine/train/flowLoading';
import { fitGenerator } from '../../src/core/engine/train/trainingInput';
import type { TrainSettings } from '../../src/core/engine/train/types';
import { readPython } from '../../src/core/source/python/reader';

type Settings = Pick<TrainSettings, 'data' | 'generator'>;

/** The run settings of a script: its generators and iterators, a model, then `fit`. */
function settingsOf(generators: string[], fit: string, data: TrainSettings['data'] = { kind: 'folder', path: '/data' }): Settings {
  const r = readPython([
    'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
    'from tensorflow import keras',
    ...generators,
    'm = keras.Sequential([keras.layers.Flatten(input_shape=(32, 32, 3)), keras.layers.Dense(2, activation="softmax")])',
    fit,
  ].join('\n'));
  return { data, generator: fitGenerator(r.models[0].fit) };
}

const refuses = (s: Settings, message: RegExp): void => {
  assert.throws(() => flowFolderLoad(s), (e: Error) => e.name === 'DataError' && message.test(e.message) && !e.message.includes('\n'));
};

const tutorial = (split: string, extra = ''): string[] => [
  `datagen = ImageDataGenerator(rescale=1./255${split})`,
  `train_gen = datagen.flow_from_directory('data', target_size=(32, 32), subset='training'${extra})`,
  "val_gen = datagen.flow_from_directory('data', target_size=(32, 32), subset='validation')",
];

describe('flow_from_directory decides how the folder is loaded', () => {
  it("resizes with Keras' default 'nearest' and keeps ConvLens' own split when the code has no subset", () => {
    const got = flowFolderLoad(settingsOf(["g = ImageDataGenerator(rescale=1./255)", "it = g.flow_from_directory('data', target_size=(32, 32))"], 'm.fit(it, epochs=1)'));
    assert.deepStrictEqual(got?.load, { interpolation: 'nearest', validationInterpolation: 'nearest', followLinks: false });
    assert.deepStrictEqual(got.notes, ["images resized by PIL's nearest filter (interpolation='nearest', Keras' default), as Keras' load_img does"]);
  });

  it("takes Keras' default 'nearest' for iterator settings saved without an interpolation (runs from before it was read)", () => {
    const got = flowFolderLoad({ data: { kind: 'folder', path: '/data' }, generator: { name: 'g', config: {}, flow: { label: 'it, line 3', method: 'flow_from_directory' } } });
    assert.deepStrictEqual(got?.load, { interpolation: 'nearest', validationInterpolation: 'nearest', followLinks: false });
  });

  it('crops to the aspect ratio first under keep_aspect_ratio=True, and says so', () => {
    const got = flowFolderLoad(settingsOf(["g = ImageDataGenerator()", "it = g.flow_from_directory('data', target_size=(32, 32), interpolation='bilinear', keep_aspect_ratio=True)"], 'm.fit(it)'));
    assert.deepStrictEqual(got?.load, { interpolation: 'bilinear', validationInterpolation: 'bilinear', followLinks: false, keepAspectRatio: true, validationKeepAspectRatio: true });
    assert.deepStrictEqual(got.notes, ["images resized by PIL's bilinear filter (interpolation='bilinear'), the centred crop of the target's aspect ratio (keep_aspect_ratio=True), as Keras' load_img does"]);
  });

  it("reads classes=[...]: those folders, labelled in that order; iterators labelling otherwise are refused", () => {
    const got = flowFolderLoad(settingsOf(["g = ImageDataGenerator()", "it = g.flow_from_directory('data', classes=['dogs', 'cats'])"], 'm.fit(it)'));
    assert.deepStrictEqual(got?.load.classes, ['dogs', 'cats']);
    assert.ok(got.notes.includes("classes 0 = dogs, 1 = cats (classes=[...] in it = g.flow_from_directory(...), line 4); other folders are not read"));
    refuses(settingsOf(["g = ImageDataGenerator()", "it = g.flow_from_directory('data', classes=names)"], 'm.fit(it)'),
      /^it = g\.flow_from_directory\(\.\.\.\), line 4: ConvLens cannot read its classes \(classes is not a list ConvLens can read\)/);
    refuses(settingsOf(["g = ImageDataGenerator()", "it = g.flow_from_directory('data/train', classes=['dogs', 'cats'])", "v = g.flow_from_directory('data/val', classes=['cats', 'dogs'])"], 'm.fit(it, validation_data=v)'),
      /^v = g\.flow_from_directory\(\.\.\.\), line 5 labels its classes otherwise than it = g\.flow_from_directory\(\.\.\.\), line 4 \(classes=\): the labels would not agree/);
  });

  it('changes nothing for other data sets, arrays through flow(), or a generator without an iterator', () => {
    assert.strictEqual(flowFolderLoad(settingsOf(["g = ImageDataGenerator()", "it = g.flow_from_directory('data')"], 'm.fit(it)', { kind: 'mnist' })), undefined);
    assert.strictEqual(flowFolderLoad(settingsOf(['g = ImageDataGenerator()'], 'm.fit(g.flow(x, y))')), undefined);
    assert.strictEqual(flowFolderLoad({ data: { kind: 'folder', path: '/data' } }), undefined);
  });

  it("splits by Keras' rule with validation_split + subset='training' / 'validation' on the same folder", () => {
    const got = flowFolderLoad(settingsOf(tutorial(', validation_split=0.2'), 'm.fit(train_gen, epochs=5, validation_data=val_gen)'));
    // Keras: validation = files[0 : int(0.2 n)], training = files[int(0.2 n) : n], per class.
    assert.deepStrictEqual(got?.load.split, { training: [0.2, 1], validation: [0, 0.2] });
    assert.match(got.notes[1], /^training: each class's files after the first 20%, sorted as Keras lists them \(train_gen = datagen\.flow_from_directory\(\.\.\.\), line 4\); validation: the first 20% of each class's files \(val_gen = datagen\.flow_from_directory\(\.\.\.\), line 5\)/);
  });

  it('takes each iterator its own generator\'s validation_split and interpolation', () => {
    const got = flowFolderLoad(settingsOf([
      'train_datagen = ImageDataGenerator(rotation_range=10, validation_split=0.3)',
      'val_datagen = ImageDataGenerator(validation_split=0.1)',
      "train_gen = train_datagen.flow_from_directory('data', subset='training', interpolation='bicubic', shuffle=False)",
      "val_gen = val_datagen.flow_from_directory('data', subset='validation', interpolation='box')",
    ], 'm.fit(train_gen, validation_data=val_gen)'));
    assert.deepStrictEqual(got?.load, { interpolation: 'bicubic', validationInterpolation: 'box', followLinks: false, fileOrder: true, split: { training: [0.3, 1], validation: [0, 0.1] } });
  });

  it("says when the run's own validation split setting is not used because the code's subset split decides", () => {
    const s = settingsOf(tutorial(', validation_split=0.2'), 'm.fit(train_gen, validation_data=val_gen)');
    assert.ok(flowFolderLoad({ ...s, validationSplit: 0.3 })?.notes.includes("the run's validation split 0.3 is not used: the code's validation_split and subset decide which files validate"));
    assert.strictEqual(flowFolderLoad({ ...s, validationSplit: 0.2 })?.notes.length, 2);
  });

  it("resizes the validation images with the validation iterator's own interpolation, also when it reads Chollet's validation/ folder", () => {
    const got = flowFolderLoad(settingsOf([
      'train_datagen = ImageDataGenerator(rescale=1./255, rotation_range=40)',
      'test_datagen = ImageDataGenerator(rescale=1./255)',
      "train_gen = train_datagen.flow_from_directory('data/train', target_size=(32, 32), interpolation='bilinear')",
      "val_gen = test_datagen.flow_from_directory('data/validation', target_size=(32, 32), interpolation='box')",
    ], 'm.fit(train_gen, validation_data=val_gen)'));
    assert.deepStrictEqual(got?.load, { interpolation: 'bilinear', validationInterpolation: 'box', followLinks: false });
  });

  it("validates on what subset='training' leaves out when fit() has no validation iterator on that folder", () => {
    const alone = flowFolderLoad(settingsOf(tutorial(', validation_split=0.25').slice(0, 2), 'm.fit(train_gen, epochs=5)'));
    assert.deepStrictEqual(alone?.load.split, { training: [0.25, 1], validation: [0, 0.25] });
    assert.match(alone.notes[1], /what subset leaves out: fit\(\) has no validation iterator on this folder/);
    // Another folder's validation iterator is not loaded (ConvLens trains on one folder).
    const elsewhere = flowFolderLoad(settingsOf([...tutorial(', validation_split=0.25').slice(0, 2), "other = datagen.flow_from_directory('other')"], 'm.fit(train_gen, validation_data=other)'));
    assert.deepStrictEqual(elsewhere?.load.split, { training: [0.25, 1], validation: [0, 0.25] });
  });

  it("follows Keras when only one iterator has a subset: the other takes all of the folder's files", () => {
    const got = flowFolderLoad(settingsOf([
      'datagen = ImageDataGenerator(validation_split=0.2)',
      "train_gen = datagen.flow_from_directory('data')",
      "val_gen = datagen.flow_from_directory('data', subset='validation')",
    ], 'm.fit(train_gen, validation_data=val_gen)'));
    assert.deepStrictEqual(got?.load.split, { training: [0, 1], validation: [0, 0.2] });
  });

  it('refuses what Keras raises on, or would find no images for, in one line naming the call', () => {
    refuses(settingsOf(tutorial(''), 'm.fit(train_gen, validation_data=val_gen)'),
      /^val_gen = datagen\.flow_from_directory\(\.\.\.\), line 5: subset='validation' but its ImageDataGenerator has no validation_split, so Keras finds 0 images: give it validation_split=0\.2/);
    refuses(settingsOf(tutorial(', validation_split=1.5'), 'm.fit(train_gen, validation_data=val_gen)'),
      /^train_gen = datagen\.flow_from_directory\(\.\.\.\), line 4: its ImageDataGenerator's validation_split=1\.5 is not strictly between 0 and 1 \(Keras raises ValueError\)/);
    refuses(settingsOf(['g = ImageDataGenerator(validation_split=0.2)', "it = g.flow_from_directory('data', subset='test')"], 'm.fit(it)'),
      /^it = g\.flow_from_directory\(\.\.\.\), line 4: subset='test' is not 'training' or 'validation' \(Keras raises ValueError\)/);
    refuses(settingsOf(['g = ImageDataGenerator(validation_split=split)', "it = g.flow_from_directory('data', subset='training')"], 'm.fit(it)'),
      /line 4: subset='training' cuts by its ImageDataGenerator's validation_split, which ConvLens cannot read/);
    refuses(settingsOf(['g = ImageDataGenerator()', "it = g.flow_from_directory('data', interpolation=method)"], 'm.fit(it)'),
      /^it = g\.flow_from_directory\(\.\.\.\), line 4: ConvLens cannot read its interpolation \(interpolation is not a string ConvLens can read\)/);
    refuses(settingsOf(['g = ImageDataGenerator()', "it = g.flow_from_directory('data', keep_aspect_ratio=keep)"], 'm.fit(it)'),
      /^it = g\.flow_from_directory\(\.\.\.\), line 4: ConvLens cannot read its keep_aspect_ratio \(keep_aspect_ratio is not a literal True\/False\)/);
    refuses(settingsOf(['g = ImageDataGenerator()', "it = g.flow_from_directory('data', interpolation='cubic')"], 'm.fit(it)'),
      /line 4: interpolation='cubic' is not one of Keras' 'nearest', 'bilinear', 'bicubic', 'hamming', 'box', 'lanczos' \(Keras raises ValueError\)/);
  });

  it("says where it differs under subset='training' without validation_split: Keras takes every file and validates on none", () => {
    const got = flowFolderLoad(settingsOf(tutorial('').slice(0, 2), 'm.fit(train_gen)'));
    assert.strictEqual(got?.load.split, undefined);
    assert.match(got!.notes[1], /line 4: subset='training' without validation_split takes all the files in Keras; ConvLens still holds out its own validation share/);
  });
});
