/**
 * The augmentation panel's ImageDataGenerator preview (src/core/viz/generatorPreview.ts):
 * each picture is apply_transform of the image with the draw listed beside it (the transform
 * itself is checked against Keras' code on scipy in imageDataGenerator.test.ts), the listed
 * parameters are the ones the generator's options draw, and the image size follows the model
 * that trains on the generator, else its flow's target_size. Plain TypeScript and sharp.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { idgSettings, randomTransform } from '../../src/core/engine/augment/idg/random';
import { applyTransform } from '../../src/core/engine/augment/idg/transform';
import { loadSample } from '../../src/core/engine/data/registry';
import { mulberry32 } from '../../src/core/engine/data/rng';
import { readPython } from '../../src/core/source/python/reader';
import { drawParameters, generatorImageShape, generatorPreview } from '../../src/core/viz/generatorPreview';

import { maxByteDiff, pilLoadImg, pythonMissing } from '../helpers/pil';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'keras', 'datagen_augmentation.py');

async function decode(url: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(url.split(',')[1], 'base64')).removeAlpha().raw().toBuffer());
}

describe('ImageDataGenerator preview', function () {
  this.timeout(20000);

  it("shows issue #11's example at the input size of the model that trains on it, each picture apply_transform of its listed draw", async () => {
    const read = readPython(fs.readFileSync(EXAMPLE, 'utf8'));
    const [datagen, testDatagen] = read.generators!;
    const { shape, note } = generatorImageShape(datagen, read.models);
    assert.deepStrictEqual(shape, [150, 150, 3]);
    assert.match(note, /input size of model, which trains on datagen/);
    // test_datagen trains nothing; its flow_from_directory says 150×150 too.
    assert.match(generatorImageShape(testDatagen, read.models).note, /target_size of validation_generator/);

    const preview = await generatorPreview({ generator: { name: 'datagen', config: datagen.config }, inputShape: shape, sample: { kind: 'synthetic', index: 2 }, count: 3, seed: 5 });
    assert.strictEqual(preview.augmented.length, 3);
    assert.match(preview.notes.join(), /shown before rescale=1\/255,/);
    const settings = idgSettings(datagen.config);
    const rng = mulberry32(5);
    const sample = await loadSample({ kind: 'synthetic', index: 2 }, shape);
    const pixels = sample.pixels.map((v) => v * 255);
    for (let i = 0; i < 3; i++) {
      const p = randomTransform(settings, 150, 150, rng);
      assert.deepStrictEqual(preview.draws[i], drawParameters(p, settings));
      assert.deepStrictEqual(preview.draws[i].map((d) => d.key), ['theta', 'tx', 'ty', 'zx', 'zy', 'flip_horizontal']);
      assert.strictEqual(preview.draws[i][0].value, `${p.theta.toFixed(1)}°`);
      const want = applyTransform({ data: pixels, height: 150, width: 150, channels: 3 }, p, 'nearest', 0).data;
      const got = await decode(preview.augmented[i]);
      assert.strictEqual(got.length, want.length);
      let worst = 0;
      for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]));
      assert.ok(worst <= 1, `draw ${i}: off by ${worst} of 255 (PNG rounding allows 1)`);
    }
    // The same seed, the same pictures.
    const again = await generatorPreview({ generator: { name: 'datagen', config: datagen.config }, inputShape: shape, sample: { kind: 'synthetic', index: 2 }, count: 3, seed: 5 });
    assert.deepStrictEqual(again.augmented, preview.augmented);
  });

  it("lists shear, vertical flip, channel shift and brightness when the options draw them; grey flows and Keras' default size", () => {
    const read = readPython([
      'from keras.preprocessing.image import ImageDataGenerator',
      'g = ImageDataGenerator(shear_range=10, vertical_flip=True, channel_shift_range=20.0, brightness_range=(0.5, 1.5))',
      "it = g.flow_from_directory('d', target_size=(64, 48), color_mode='grayscale')",
      'bare = ImageDataGenerator(rotation_range=5)',
    ].join('\n'));
    const [g, bare] = read.generators!;
    const s = idgSettings(g.config);
    const keys = drawParameters(randomTransform(s, 64, 48, mulberry32(1)), s).map((d) => d.key);
    assert.deepStrictEqual(keys, ['shear', 'flip_vertical', 'channel_shift_intensity', 'brightness']);
    assert.deepStrictEqual(generatorImageShape(g, []).shape, [64, 48, 1]);
    const fallback = generatorImageShape(bare, []);
    assert.deepStrictEqual(fallback.shape, [256, 256, 3]);
    assert.match(fallback.note, /Keras' default target_size \(256, 256\)/);
  });

  it("loads an image file as the generator's flow_from_directory would (its interpolation and keep_aspect_ratio, PIL's arithmetic)", async function () {
    const missing = pythonMissing('PIL.Image, numpy');
    if (missing) {
      console.log(`  skipped: ${missing}`);
      this.skip();
    }
    const read = readPython([
      'from keras.preprocessing.image import ImageDataGenerator',
      'g = ImageDataGenerator(rotation_range=5)',
      "it = g.flow_from_directory('d', target_size=(20, 30), interpolation='bicubic', keep_aspect_ratio=True)",
    ].join('\n'));
    const target = generatorImageShape(read.generators![0], []);
    assert.deepStrictEqual(target.resize, { interpolation: 'bicubic', keepAspectRatio: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-genpreview-'));
    try {
      const file = path.join(dir, 'in.png');
      const raw = Buffer.alloc(41 * 57 * 3);
      for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + (i % 57) * 11) % 256;
      await sharp(raw, { raw: { width: 57, height: 41, channels: 3 } }).png().toFile(file);
      const preview = await generatorPreview({ generator: { name: 'g', config: read.generators![0].config }, inputShape: target.shape, resize: target.resize, sample: { kind: 'file', path: file }, count: 1, seed: 1 });
      const keras = pilLoadImg([file], 'rgb', 20, 30, 'bicubic', true)[file];
      // The picture is enlarged 4× (nearest) for display: one pixel from the inside of each 4×4 square.
      const shown = await decode(preview.original);
      const original = Uint8Array.from({ length: 20 * 30 * 3 }, (_, i) => shown[((Math.floor(i / 90) * 4 + 1) * 120 + (Math.floor(i / 3) % 30) * 4 + 1) * 3 + (i % 3)]);
      assert.strictEqual(maxByteDiff(original, keras), 0);
      // Without the flow's resize (any other picture), sharp's resize gives other pixels: the check above tells them apart.
      const plain = await generatorPreview({ generator: { name: 'g', config: read.generators![0].config }, inputShape: target.shape, sample: { kind: 'file', path: file }, count: 1, seed: 1 });
      assert.notDeepStrictEqual(await decode(plain.original), shown);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses options it cannot reproduce in one line', async () => {
    await assert.rejects(
      generatorPreview({ generator: { name: 'g', config: { zoom_range: 'big' } }, inputShape: [8, 8, 3], sample: { kind: 'synthetic', index: 0 }, count: 2, seed: 1 }),
      (e: Error) => e.name === 'DataError' && e.message === "ImageDataGenerator 'g': zoom_range must be a number or a pair of numbers (Keras raises ValueError otherwise)",
    );
  });
});
