/**
 * An image folder loaded as Keras' legacy `flow_from_directory` loads it, checked against
 * /usr/bin/python3 (CI installs python3-pil: .ci/run):
 *
 *  - pixels: PIL writes PNGs (RGB, 'L', RGBA with varying alpha, a palette image; odd sizes,
 *    shrunk, enlarged and already at size) and JPEGs; ConvLens' folder loader reads them with
 *    each `interpolation`, and Python does load_img's steps (keras/src/utils/image_utils.py
 *    `load_img`: PIL open, convert to 'L' / 'RGB', resize with the filter when the size
 *    differs). PNG must match byte for byte; JPEG may differ by what the two JPEG decoders
 *    (sharp's libjpeg-turbo, PIL's) differ by, measured and bounded below.
 *  - split: ImageDataGenerator(validation_split=0.3) with subset='training' / 'validation' on one
 *    folder, read from the code by the real reader and prepared by the real training stage;
 *    which files land in training and validation must be the ones Python's os.walk / sorted /
 *    int(split * n) rule gives (Keras' `_list_valid_filenames_in_directory`, re-stated here in
 *    Python, not taken from ConvLens), and shuffle=False must feed them in that order.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { flowFolder } from '../../src/core/engine/data/flowFolder';
import { loadFolder } from '../../src/core/engine/data/folder';
import { KERAS_INTERPOLATIONS } from '../../src/core/engine/data/pilResize';
import type { ImageShape } from '../../src/core/engine/data/types';
import { runTraining } from '../../src/core/engine/train/loop';
import { prepareRun } from '../../src/core/engine/train/prepare';
import { fitGenerator } from '../../src/core/engine/train/trainingInput';
import type { TrainSettings } from '../../src/core/engine/train/types';
import { readPython } from '../../src/core/source/python/reader';
import { recordFeeds } from '../helpers/modelFeeds';
import { maxByteDiff, pilLoadImg, pythonMissing, PYTHON } from '../helpers/pil';


function python(script: string, args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(String(r.stderr));
  return String(r.stdout);
}

/** Writes the pixel-test images with PIL: [relative path, mode, width, height, format]. */
const WRITE_IMAGES = `
import sys, json, os
import numpy as np
from PIL import Image
root, specs = sys.argv[1], json.loads(sys.argv[2])
for rel, mode, w, h, fmt in specs:
    y, x = np.mgrid[0:h, 0:w]
    chans = [(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x * 37 + y * 91) % 256), ((x + y) * 255 // max(w + h - 2, 1))]
    arr = np.stack(chans, -1).astype(np.uint8)
    arr[(x + 2 * y) % 7 == 0] = 255  # hard edges
    if mode == 'I;16':
        im = Image.fromarray((arr[..., 0].astype(np.uint16) * 257 + arr[..., 2]).astype(np.uint16))
    elif mode == 'L':
        im = Image.fromarray(arr[..., 2], 'L')
    elif mode == 'RGBA':
        im = Image.fromarray(arr, 'RGBA')
    elif mode == 'P':
        im = Image.fromarray(arr[..., :3], 'RGB').quantize(colors=17)
    else:
        im = Image.fromarray(arr[..., :3], 'RGB')
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    im.save(path, fmt, **({'quality': 90} if fmt == 'JPEG' else {}))
`;

/** Keras' split, re-stated: per class (classes=[...] in that order, else sorted subfolders), os.walk sorted by root, names sorted, white list by endswith, files[int(a*n):int(b*n)]. */
const KERAS_SPLIT = `
import sys, os, json
root, split, follow = sys.argv[1], float(sys.argv[2]), sys.argv[3] == 'follow'
classes = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
formats = ('png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff')
out = {'training': [], 'validation': [], 'training_labels': [], 'validation_labels': []}
for label, cls in enumerate(classes or sorted(c for c in os.listdir(root) if os.path.isdir(os.path.join(root, c)))):
    top = os.path.join(root, cls)
    files = [os.path.join(r, f) for r, _, fs in sorted(os.walk(top, followlinks=follow), key=lambda t: t[0]) for f in sorted(fs) if f.lower().endswith(formats)]
    n = len(files)
    out['validation'] += files[0:int(split * n)]
    out['training'] += files[int(split * n):n]
    out['validation_labels'] += [label] * len(files[0:int(split * n)])
    out['training_labels'] += [label] * len(files[int(split * n):n])
print(json.dumps(out))
`;

/** [0, 1] floats back to PIL's values (0–255; more for 16-bit greyscale kept in mode 'I'). */
const toBytes = (x: Float32Array): Int32Array => Int32Array.from(x, (v) => Math.round(v * 255));

const maxDiff = maxByteDiff;

describe("image folders as Keras' flow_from_directory loads them (against /usr/bin/python3's PIL)", function () {
  this.timeout(120000);
  const why = pythonMissing('PIL.Image, numpy');
  let dir = '';
  before(async function () {
    if (why) {
      console.log(`  skipped: ${why}`);
      this.skip();
    }
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-flowdir-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  describe('pixels: load_img with every interpolation', () => {
    const images: [string, string, number, number, string][] = [
      ['a/rgb_37x23.png', 'RGB', 37, 23, 'PNG'],
      ['a/grey_13x17.png', 'L', 13, 17, 'PNG'],
      ['a/alpha_40x29.png', 'RGBA', 40, 29, 'PNG'],
      ['a/palette_21x19.png', 'P', 21, 19, 'PNG'],
      // 16 bits: PIL opens it in mode 'I'; grayscale keeps the 16-bit values, rgb clips them at 255.
      ['a/deep_27x19.png', 'I;16', 27, 19, 'PNG'],
      ['b/small_8x6.png', 'RGB', 8, 6, 'PNG'],
      ['b/at_size_32x24.png', 'RGB', 32, 24, 'PNG'],
      ['b/photo_45x31.jpg', 'RGB', 45, 31, 'JPEG'],
      ['b/grey_29x33.jpg', 'L', 29, 33, 'JPEG'],
    ];
    let root = '';
    before(() => {
      root = path.join(dir, 'pixels');
      python(WRITE_IMAGES, [root, JSON.stringify(images)]);
    });

    // Worst difference from PIL per filter, colour mode and format, printed for the report.
    const worst: Record<string, { png: number; jpeg: number }> = {};
    after(() => console.log(`      max |ConvLens - PIL| per filter (0-255): ${JSON.stringify(worst)}`));

    const cases = [
      ...(['rgb', 'grayscale'] as const).flatMap((colorMode) => KERAS_INTERPOLATIONS.map((interpolation) => ({ colorMode, interpolation, keep: false }))),
      ...(['nearest', 'bicubic'] as const).map((interpolation) => ({ colorMode: 'rgb' as const, interpolation, keep: true })),
    ];
    for (const { colorMode, interpolation, keep } of cases) {
      it(`${colorMode}, interpolation='${interpolation}'${keep ? ', keep_aspect_ratio=True' : ''}: PNG byte for byte, JPEG within the decoders' difference`, async () => {
        const shape: ImageShape = [24, 32, colorMode === 'rgb' ? 3 : 1];
        const keras = { interpolation, validationInterpolation: interpolation, followLinks: false, keepAspectRatio: keep, validationKeepAspectRatio: keep };
        const ds = await loadFolder(root, { inputShape: shape, validationSplit: 0.25, keras });
        assert.deepStrictEqual(ds.skipped, []);
        const size = shape[0] * shape[1] * shape[2];
        const loaded = new Map<string, Int32Array>();
        for (const split of [ds.train, ds.validation]) {
          split.sources!.forEach((file, i) => loaded.set(file, toBytes(split.x.subarray(i * size, (i + 1) * size))));
        }
        assert.strictEqual(loaded.size, images.length);
        const pil = pilLoadImg([...loaded.keys()], colorMode, shape[0], shape[1], interpolation, keep);
        const key = `${colorMode} ${interpolation}${keep ? ' keep_aspect_ratio' : ''}`;
        worst[key] = { png: 0, jpeg: 0 };
        for (const [file, ours] of loaded) {
          const d = maxDiff(ours, pil[file]);
          if (file.endsWith('.jpg')) worst[key].jpeg = Math.max(worst[key].jpeg, d);
          else worst[key].png = Math.max(worst[key].png, d);
        }
        assert.strictEqual(worst[key].png, 0, `PNG pixels differ from PIL's by up to ${worst[key].png}`);
        // JPEG: both sides decode with libjpeg-turbo's default (islow IDCT, fancy upsampling); bounded at 2 levels of 255 in case a build differs.
        assert.ok(worst[key].jpeg <= 2, `JPEG pixels differ from PIL's by ${worst[key].jpeg}`);
      });
    }
  });

  describe("split: validation_split with subset='training' / 'validation', read from the code", () => {
    let root = '';
    const files: string[] = [
      // cats: 10 files Keras lists (hidden, upper-case extension, 'xpng' without a dot, nested folders sorted by path: 'b-x' before 'b/'), text and a link to a folder that Keras does not walk.
      'cats/c10.png', 'cats/c2.png', 'cats/C1.png', 'cats/.hidden.png', 'cats/z.PNG', 'cats/weird.xpng', 'cats/b/n2.png', 'cats/b/n3.png', 'cats/b-x/n1.png', 'cats/b/deep/n0.png',
      'dogs/d0.png', 'dogs/d1.png', 'dogs/d2.png', 'dogs/d3.png', 'dogs/d4.png', 'dogs/d5.png', 'dogs/d6.png',
      'zebras/z0.png', 'zebras/z1.png', 'zebras/z2.png',
    ];
    const code = (folder: string): string => [
      'from tensorflow.keras.preprocessing.image import ImageDataGenerator',
      'from tensorflow import keras',
      'datagen = ImageDataGenerator(rescale=1./255, validation_split=0.3)',
      `train_gen = datagen.flow_from_directory('${folder}', target_size=(8, 8), batch_size=4, subset='training', shuffle=False)`,
      `val_gen = datagen.flow_from_directory('${folder}', target_size=(8, 8), batch_size=4, subset='validation')`,
      'model = keras.Sequential([keras.layers.Flatten(input_shape=(8, 8, 3)), keras.layers.Dense(3, activation="softmax")])',
      "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['acc'])",
      'model.fit(train_gen, epochs=1, validation_data=val_gen)',
    ].join('\n');
    let settings: TrainSettings;
    let spec: ReturnType<typeof readPython>['models'][number];
    before(() => {
      root = path.join(dir, 'split');
      python(WRITE_IMAGES, [root, JSON.stringify(files.map((f, i) => [f, 'RGB', 5 + i, 7, 'PNG']))]);
      fs.writeFileSync(path.join(root, 'cats', 'notes.txt'), 'not an image');
      fs.symlinkSync(path.join(root, 'dogs'), path.join(root, 'cats', 'linked'));
      const read = readPython(code('split'));
      spec = read.models[0];
      const data = flowFolder(spec.fit, [dir]);
      assert.strictEqual(data, root);
      settings = { data: { kind: 'folder', path: root }, epochs: 1, batchSize: 4, validationSplit: 0.2, seed: 3, backend: 'cpu', outDir: dir, galleryCount: 0, generator: fitGenerator(spec.fit) };
    });

    it("puts exactly Keras' files in training and validation, and says so in the log", async () => {
      const logs: string[] = [];
      const prepared = await prepareRun(tf, spec, settings, (e) => { if (e.type === 'log') logs.push(e.message); });
      const keras = JSON.parse(python(KERAS_SPLIT, [root, '0.3', 'no'])) as { training: string[]; validation: string[] };
      // By hand: cats has 10 listed files → int(0.3·10) = 3 to validation; dogs 7 → 2; zebras 3 → int(0.9) = 0.
      assert.deepStrictEqual([keras.training.length, keras.validation.length], [7 + 5 + 3, 3 + 2 + 0]);
      assert.deepStrictEqual(keras.validation.slice(0, 3).map((f) => path.relative(root, f)), ['cats/.hidden.png', 'cats/C1.png', 'cats/c10.png']);
      assert.deepStrictEqual(prepared.dataset.train.sources, keras.training);
      assert.deepStrictEqual(prepared.dataset.validation.sources, keras.validation);
      assert.deepStrictEqual(prepared.dataset.skipped, []);
      assert.ok(logs.some((l) => l.startsWith("training: each class's files after the first 30%, sorted as Keras lists them (train_gen = datagen.flow_from_directory(...), line 4); validation: the first 30% of each class's files (val_gen")), logs.join('\n'));
      assert.ok(logs.includes("training batches in file order, class by class (shuffle=False in train_gen = datagen.flow_from_directory(...), line 4)"), logs.join('\n'));
    });

    it("walks into linked folders only with follow_links=True, as os.walk(followlinks=True) does", async () => {
      const split = { training: [0.3, 1] as [number, number], validation: [0, 0.3] as [number, number] };
      const ds = await loadFolder(root, { inputShape: [8, 8, 3], keras: { interpolation: 'nearest', validationInterpolation: 'nearest', followLinks: true, split } });
      const keras = JSON.parse(python(KERAS_SPLIT, [root, '0.3', 'follow'])) as { training: string[]; validation: string[] };
      // cats/linked is dogs/: cats lists 10 + 7 files, int(0.3·17) = 5 of them validate.
      assert.strictEqual(keras.training.length + keras.validation.length, 17 + 7 + 3);
      assert.deepStrictEqual(ds.train.sources, keras.training);
      assert.deepStrictEqual(ds.validation.sources, keras.validation);
    });

    it("refuses, in one line, a train/ + validation/ folder that the code splits with subset (Keras would take them as classes)", async () => {
      const presplit = path.join(dir, 'presplit');
      python(WRITE_IMAGES, [presplit, JSON.stringify(['train/a/1.png', 'train/b/1.png', 'validation/a/1.png', 'validation/b/1.png'].map((f) => [f, 'RGB', 4, 4, 'PNG']))]);
      const split = { training: [0.2, 1] as [number, number], validation: [0, 0.2] as [number, number] };
      await assert.rejects(loadFolder(presplit, { inputShape: [8, 8, 3], keras: { interpolation: 'nearest', validationInterpolation: 'nearest', followLinks: false, split } }),
        (e: Error) => e.name === 'DataError' && e.message.includes('holds train/ and validation/ folders, but the code splits it with validation_split and subset') && !e.message.includes('\n'));
    });

    it("trains on the folders classes=[...] names, labelled in that order, others left out", async () => {
      const read = readPython(code('split').replace("subset='training'", "subset='training', classes=['zebras', 'cats']").replace("subset='validation'", "subset='validation', classes=['zebras', 'cats']").replace('Dense(3', 'Dense(2'));
      const s: TrainSettings = { ...settings, generator: fitGenerator(read.models[0].fit) };
      const logs: string[] = [];
      const prepared = await prepareRun(tf, read.models[0], s, (e) => { if (e.type === 'log') logs.push(e.message); });
      const keras = JSON.parse(python(KERAS_SPLIT, [root, '0.3', 'no', JSON.stringify(['zebras', 'cats'])])) as { training: string[]; validation: string[]; training_labels: number[]; validation_labels: number[] };
      assert.deepStrictEqual(prepared.dataset.classNames, ['zebras', 'cats']);
      assert.deepStrictEqual(prepared.dataset.train.sources, keras.training);
      assert.deepStrictEqual(Array.from(prepared.dataset.train.y), keras.training_labels);
      assert.deepStrictEqual(prepared.dataset.validation.sources, keras.validation);
      assert.deepStrictEqual(Array.from(prepared.dataset.validation.y), keras.validation_labels);
      assert.ok(logs.includes('classes 0 = zebras, 1 = cats (classes=[...] in train_gen = datagen.flow_from_directory(...), line 4); other folders are not read'), logs.join('\n'));
    });

    it('feeds the training images in file order under shuffle=False', async () => {
      const prepared = await prepareRun(tf, spec, settings, () => undefined);
      const { fed, result } = await recordFeeds(() => runTraining(tf, spec, { ...settings, outDir: fs.mkdtempSync(path.join(dir, 'run-')) }, { emit: () => undefined }));
      assert.strictEqual(result.status, 'completed');
      const trained = fed.filter((f) => f.kind === 'train');
      assert.deepStrictEqual(trained.map((f) => f.count), [4, 4, 4, 3]);
      // rescale 1/255 under a generator: the model sees the loaded [0, 1] pixels, batch after batch in file order.
      const size = 8 * 8 * 3;
      trained.forEach((f, b) => assert.strictEqual(maxDiff(toBytes(f.x), toBytes(prepared.dataset.train.x.subarray(b * 4 * size, (b * 4 + f.count) * size))), 0, `batch ${b}`));
    });
  });
});
