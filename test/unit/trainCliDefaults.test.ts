/**
 * `convlens train` settings without flags: the code's model.fit(...) first, then the
 * built-in defaults; flags still win. A resumed run's own settings.json comes before both.
 * (prepareTraining only reads and checks: no worker starts.)
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prepareTraining } from '../../src/cli/train';

const MODEL = `from keras import layers, models, callbacks

small = models.Sequential()
small.add(layers.Conv2D(4, (3, 3), activation="relu", input_shape=(16, 16, 1)))
small.add(layers.Flatten())
small.add(layers.Dense(4, activation="softmax"))
small.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
`;

describe('convlens train defaults', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-cli-defaults-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  // pets/{train,validation}/{cats,dogs}/1.png, a 1×1 PNG each (prepareTraining lists the folder; it decodes nothing).
  const writePets = (): void => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    for (const split of ['train', 'validation']) {
      for (const cls of ['cats', 'dogs']) {
        fs.mkdirSync(path.join(dir, 'pets', split, cls), { recursive: true });
        fs.writeFileSync(path.join(dir, 'pets', split, cls, '1.png'), png);
      }
    }
  };
  const write = (text: string): string => {
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, text);
    return file;
  };

  it("defaults to the code's fit settings and says so", () => {
    const file = write(`${MODEL}small.fit(x, y, 128, 15, validation_split=0.1, callbacks=[callbacks.EarlyStopping(monitor='val_accuracy', patience=3)])\n`);
    const { settings, origins } = prepareTraining(file, { data: 'synthetic' });
    assert.strictEqual(settings.epochs, 15);
    assert.strictEqual(settings.batchSize, 128);
    assert.strictEqual(settings.validationSplit, 0.1);
    assert.deepStrictEqual(settings.earlyStopping, { patience: 3, monitor: 'val_acc' });
    assert.ok(origins.includes('epochs 15 from model.fit, line 8'), origins.join('; '));
  });

  it('lets flags override the code, and falls back to built-in defaults without fit()', () => {
    const withFit = write(`${MODEL}small.fit(x, y, epochs=15)\n`);
    assert.strictEqual(prepareTraining(withFit, { data: 'synthetic', epochs: '2' }).settings.epochs, 2);
    const plain = write(MODEL);
    const { settings, origins } = prepareTraining(plain, { data: 'synthetic' });
    assert.strictEqual(settings.epochs, 5);
    assert.strictEqual(settings.batchSize, 32);
    assert.deepStrictEqual(origins, []);
  });

  it("trains on the code's ImageDataGenerator and, without --data, on the folder its flow_from_directory reads", () => {
    const file = write([
      'from keras import layers, models',
      'from keras.preprocessing.image import ImageDataGenerator',
      'datagen = ImageDataGenerator(rescale=1./255, rotation_range=60, horizontal_flip=True)',
      "train_generator = datagen.flow_from_directory('pets/train', target_size=(16, 16), batch_size=20, class_mode='binary')",
      "validation_generator = ImageDataGenerator(rescale=1./255).flow_from_directory('pets/validation', target_size=(16, 16), batch_size=20, class_mode='binary')",
      'net = models.Sequential([layers.Flatten(input_shape=(16, 16, 3)), layers.Dense(1, activation="sigmoid")])',
      'net.compile(optimizer="rmsprop", loss="binary_crossentropy")',
      'net.fit(train_generator, steps_per_epoch=10, epochs=3, validation_data=validation_generator, validation_steps=5)',
    ].join('\n'));
    writePets();
    const { settings, origins } = prepareTraining(file, {});
    assert.deepStrictEqual(settings.generator, {
      name: 'datagen', config: { rescale: 1 / 255, rotation_range: 60, horizontal_flip: true },
      // Keras' defaults for how the files are loaded: interpolation 'nearest', shuffled, links not followed, no aspect-ratio crop.
      flow: { label: 'train_generator = datagen.flow_from_directory(...), line 4', method: 'flow_from_directory', directory: 'pets/train', targetSize: [16, 16], colorMode: 'rgb', classMode: 'binary', batchSize: 20, interpolation: 'nearest', shuffle: true, followLinks: false, keepAspectRatio: false },
      validationFlow: { label: 'validation_generator = ImageDataGenerator(...).flow_from_directory(...), line 5', method: 'flow_from_directory', directory: 'pets/validation', targetSize: [16, 16], colorMode: 'rgb', classMode: 'binary', batchSize: 20, interpolation: 'nearest', shuffle: true, followLinks: false, keepAspectRatio: false },
    });
    assert.deepStrictEqual([settings.stepsPerEpoch, settings.validationSteps, settings.validationBatchSize], [10, 5, 20]);
    // Chollet's train/ + validation/ layout: the parent holds both splits.
    assert.deepStrictEqual(settings.data, { kind: 'folder', path: path.join(dir, 'pets') });
    assert.strictEqual(settings.batchSize, 20);
    assert.strictEqual(settings.epochs, 3);
    assert.ok(origins.includes("augmentation by ImageDataGenerator 'datagen' from model.fit, line 8"), origins.join('; '));
    assert.ok(origins.includes(`data ${path.join(dir, 'pets')} from flow_from_directory in model.fit, line 8`), origins.join('; '));
    // --data still wins; the generator stays (it is the code's training).
    const flagged = prepareTraining(file, { data: path.join(dir, 'pets', 'validation') }).settings;
    assert.deepStrictEqual(flagged.data, { kind: 'folder', path: path.join(dir, 'pets', 'validation') });
    assert.strictEqual(flagged.generator?.name, 'datagen');
  });

  it("takes the split from the code's validation_split + subset, on the folder itself (even one named train/ beside validation/)", () => {
    const file = write([
      'from keras import layers, models',
      'from keras.preprocessing.image import ImageDataGenerator',
      'datagen = ImageDataGenerator(rescale=1./255, validation_split=0.25)',
      "train_generator = datagen.flow_from_directory('pets/train', target_size=(16, 16), class_mode='binary', subset='training')",
      "validation_generator = datagen.flow_from_directory('pets/train', target_size=(16, 16), class_mode='binary', subset='validation')",
      'net = models.Sequential([layers.Flatten(input_shape=(16, 16, 3)), layers.Dense(1, activation="sigmoid")])',
      'net.compile(optimizer="rmsprop", loss="binary_crossentropy")',
      'net.fit(train_generator, epochs=3, validation_data=validation_generator)',
    ].join('\n'));
    writePets();
    const { settings, origins } = prepareTraining(file, {});
    // Keras reads pets/train's class folders and splits them; pets/validation is not read.
    assert.deepStrictEqual(settings.data, { kind: 'folder', path: path.join(dir, 'pets', 'train') });
    assert.strictEqual(settings.validationSplit, 0.25);
    assert.ok(origins.includes("validation split 0.25 from datagen(validation_split) with subset='training', line 3"), origins.join('; '));
    assert.deepStrictEqual([settings.generator?.flow?.subset, settings.generator?.validationFlow?.subset], ['training', 'validation']);
  });

  describe("Chollet's 5.2 cats vs dogs (fit_generator on flow_from_directory iterators)", () => {
    const CHOLLET = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'chollet', 'cats_vs_dogs_5_2.py'), 'utf8');
    const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const folder = (): string => {
      for (const cls of ['cats', 'dogs']) {
        fs.mkdirSync(path.join(dir, 'pets', cls), { recursive: true });
        fs.writeFileSync(path.join(dir, 'pets', cls, '1.png'), PNG);
      }
      return path.join(dir, 'pets');
    };

    it('follows steps_per_epoch, validation_steps and the flows\' batch_size, saying where each came from', () => {
      const { settings, origins } = prepareTraining(write(CHOLLET), { data: folder() });
      assert.deepStrictEqual([settings.epochs, settings.batchSize, settings.stepsPerEpoch, settings.validationSteps, settings.validationBatchSize], [30, 20, 100, 50, 20]);
      for (const origin of ['epochs 30 from model.fit, line 53', 'batch size 20 from train_datagen.flow_from_directory, line 38', 'steps per epoch 100 from model.fit, line 53', 'validation steps 50 from model.fit, line 53']) {
        assert.ok(origins.includes(origin), `${origin} in: ${origins.join('; ')}`);
      }
      // Flags win; 0 means whole passes again.
      const flagged = prepareTraining(write(CHOLLET), { data: folder(), stepsPerEpoch: '7', validationSteps: '0', batchSize: '4' }).settings;
      assert.deepStrictEqual([flagged.stepsPerEpoch, flagged.validationSteps, flagged.batchSize], [7, undefined, 4]);
      assert.throws(() => prepareTraining(write(CHOLLET), { data: folder(), stepsPerEpoch: '-1' }), /--steps-per-epoch must be a whole number ≥ 0, not '-1'/);
    });

    it('trains on the folder os.path.join(base_dir, ...) names, next to the code, without --data', () => {
      for (const split of ['train', 'validation']) {
        for (const cls of ['cats', 'dogs']) {
          fs.mkdirSync(path.join(dir, 'cats_and_dogs_small', split, cls), { recursive: true });
          fs.writeFileSync(path.join(dir, 'cats_and_dogs_small', split, cls, '1.png'), PNG);
        }
      }
      const { settings, origins } = prepareTraining(write(CHOLLET), {});
      assert.deepStrictEqual(settings.data, { kind: 'folder', path: path.join(dir, 'cats_and_dogs_small') });
      assert.ok(origins.includes(`data ${path.join(dir, 'cats_and_dogs_small')} from flow_from_directory in model.fit, line 53`), origins.join('; '));
    });

    it("refuses a target_size or color_mode the model's input does not take, naming both shapes", () => {
      const smaller = CHOLLET.replace('target_size=(150, 150),\n        batch_size=20,\n        # Since', 'target_size=(64, 64),\n        batch_size=20,\n        # Since');
      assert.throws(() => prepareTraining(write(smaller), { data: folder() }),
        { name: 'DataError', message: "train_generator = train_datagen.flow_from_directory(...), line 38 gives 64×64×3 images (target_size=(64, 64), color_mode='rgb') but the model's input is 150×150×3: make them agree (Keras fails on this too)" });
      const grey = CHOLLET.replace("        class_mode='binary')\n\nvalidation", "        class_mode='binary', color_mode='grayscale')\n\nvalidation");
      assert.throws(() => prepareTraining(write(grey), { data: folder() }), /gives 150×150×1 images \(target_size=\(150, 150\), color_mode='grayscale'\) but the model's input is 150×150×3/);
      // The validation iterator's images go through the same model.
      const smallValidation = CHOLLET.replace("validation_dir,\n        target_size=(150, 150)", "validation_dir,\n        target_size=(100, 100)");
      assert.throws(() => prepareTraining(write(smallValidation), { data: folder() }),
        { name: 'DataError', message: "validation_generator = test_datagen.flow_from_directory(...), line 47 gives 100×100×3 images (target_size=(100, 100), color_mode='rgb') but the model's input is 150×150×3: make them agree (Keras fails on this too)" });
      // MNIST is not the flow's folder: its own 28×28×1 check applies, not target_size.
      assert.throws(() => prepareTraining(write(smaller), { data: 'mnist' }), /The model expects 150×150×3 images but MNIST digits are 28×28×1/);
    });

    it("refuses class_mode='binary' for a 2-unit softmax trained with categorical_crossentropy", () => {
      const softmax = CHOLLET.replace("layers.Dense(1, activation='sigmoid')", "layers.Dense(2, activation='softmax')").replace("loss='binary_crossentropy'", "loss='categorical_crossentropy'");
      assert.throws(() => prepareTraining(write(softmax), { data: folder() }), {
        name: 'DataError',
        message: "train_generator = train_datagen.flow_from_directory(...), line 38: class_mode='binary' gives one 0/1 label per image, but the model ends in 2 units with categorical_crossentropy: use class_mode='categorical' (or end with Dense(1, activation='sigmoid') and binary_crossentropy) (Keras would fail or learn nothing)",
      });
      // The same model with class_mode='categorical' (both flows) is what Keras trains.
      const categorical = softmax.replaceAll("class_mode='binary'", "class_mode='categorical'");
      assert.strictEqual(prepareTraining(write(categorical), { data: folder() }).settings.generator?.flow?.classMode, 'categorical');
    });
  });

  it('requires --data unless resuming', () => {
    assert.throws(() => prepareTraining(write(MODEL), {}), /--data is required/);
  });

  it("resumes with the run's own settings; flags still override", () => {
    const file = write(`${MODEL}small.fit(x, y, epochs=15)\n`);
    const run = path.join(dir, 'run');
    fs.mkdirSync(path.join(run, 'checkpoint'), { recursive: true });
    fs.writeFileSync(path.join(run, 'checkpoint', 'model.json'), '{}');
    fs.writeFileSync(path.join(run, 'settings.json'), JSON.stringify({
      model: 'small', settings: { data: { kind: 'synthetic' }, epochs: 7, batchSize: 8, validationSplit: 0.3, seed: 4, backend: 'cpu', outDir: dir },
    }));
    const { settings } = prepareTraining(file, { resume: run });
    assert.deepStrictEqual(settings.data, { kind: 'synthetic' });
    assert.strictEqual(settings.epochs, 7);
    assert.strictEqual(settings.batchSize, 8);
    assert.strictEqual(settings.seed, 4);
    assert.strictEqual(settings.backend, 'cpu');
    assert.strictEqual(prepareTraining(file, { resume: run, epochs: '9' }).settings.epochs, 9);
  });

  it("resumes with the run's own steps: its steps_per_epoch, or whole passes when it had none, whatever the code says now", () => {
    const file = write(`${MODEL}small.fit(x, y, epochs=15, steps_per_epoch=40, validation_steps=4)\n`);
    const run = path.join(dir, 'run');
    fs.mkdirSync(path.join(run, 'checkpoint'), { recursive: true });
    fs.writeFileSync(path.join(run, 'checkpoint', 'model.json'), '{}');
    const saved = (more: object): void => fs.writeFileSync(path.join(run, 'settings.json'), JSON.stringify({
      model: 'small', settings: { data: { kind: 'synthetic' }, epochs: 7, batchSize: 8, validationSplit: 0.3, seed: 4, backend: 'cpu', outDir: dir, ...more },
    }));
    saved({ stepsPerEpoch: 12, validationSteps: 2, validationBatchSize: 5 });
    const kept = prepareTraining(file, { resume: run });
    assert.deepStrictEqual([kept.settings.stepsPerEpoch, kept.settings.validationSteps, kept.settings.validationBatchSize], [12, 2, 5]);
    assert.ok(kept.origins.includes('steps per epoch 12 from the resumed run'), kept.origins.join('; '));
    saved({});
    const passes = prepareTraining(file, { resume: run }).settings;
    assert.deepStrictEqual([passes.stepsPerEpoch, passes.validationSteps], [undefined, undefined]);
  });

  it("takes flow(x, y, batch_size=...)'s batch size as the default, naming the flow", () => {
    const file = write([
      MODEL,
      'from keras.preprocessing.image import ImageDataGenerator',
      'datagen = ImageDataGenerator(rotation_range=20)',
      'small.fit(datagen.flow(x_train, y_train, batch_size=64), steps_per_epoch=len(x_train) / 64, epochs=4)',
    ].join('\n'));
    const { settings, origins } = prepareTraining(file, { data: 'synthetic' });
    assert.strictEqual(settings.batchSize, 64);
    assert.ok(origins.includes('batch size 64 from datagen.flow, line 11'), origins.join('; '));
    // steps_per_epoch=len(x_train) / 64 is not known statically: whole passes.
    assert.strictEqual(settings.stepsPerEpoch, undefined);
  });
});
