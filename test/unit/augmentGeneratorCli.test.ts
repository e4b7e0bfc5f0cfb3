/**
 * `convlens augment FILE --model datagen --json`: an ImageDataGenerator's draws as PNG files,
 * each with Keras' parameter keys. No TF.js worker is involved (the transform is plain
 * TypeScript), so this runs with the unit tests. Expectations are Keras' ranges and, for a
 * flip-only generator, the mirrored image itself.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { runAugment } from '../../src/cli/augment';
import { maxByteDiff, pilLoadImg, pythonMissing } from '../helpers/pil';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'keras', 'datagen_augmentation.py');
const KEYS = ['theta', 'tx', 'ty', 'shear', 'zx', 'zy', 'flip_horizontal', 'flip_vertical', 'channel_shift_intensity', 'brightness'];

describe('convlens augment --model <ImageDataGenerator>', function () {
  this.timeout(30000);
  let dir = '';
  let image = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-idg-cli-'));
    image = path.join(dir, 'in.png');
    // 40×60 RGB with a left-right gradient, so a horizontal flip is visible.
    const raw = Buffer.alloc(40 * 60 * 3);
    for (let r = 0; r < 40; r++) for (let c = 0; c < 60; c++) raw.set([c * 4, r * 6, 100], (r * 60 + c) * 3);
    await sharp(raw, { raw: { width: 60, height: 40, channels: 3 } }).png().toFile(image);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(file: string, model: string, out: string, count = '5'): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
    let stdout = '', err = '';
    const code = await runAugment(file, { model, image, index: '0', count, seed: '4', out, json: true }, { out: (s) => { stdout += s; }, err: (s) => { err += s; } });
    return { code, json: code === 0 ? JSON.parse(stdout) as Record<string, unknown> : {}, err };
  }

  it("issue #11's example: draws within Keras' ranges at flow_from_directory's 150×150, PNGs written", async () => {
    const out = path.join(dir, 'example');
    const r = await run(EXAMPLE, 'datagen', out);
    assert.strictEqual(r.code, 0, r.err);
    const draws = r.json['draws'] as { file: string; params: Record<string, number | boolean | null> }[];
    assert.strictEqual(draws.length, 5);
    for (const d of draws) {
      assert.deepStrictEqual(Object.keys(d.params), KEYS);
      const p = d.params as { theta: number; tx: number; ty: number; zx: number; zy: number; shear: number };
      assert.ok(Math.abs(p.theta) <= 60 && Math.abs(p.tx) <= 0.2 * 150 && Math.abs(p.ty) <= 0.4 * 150 && p.shear === 0, JSON.stringify(p));
      assert.ok(p.zx >= 0.8 && p.zx <= 1.2 && p.zy >= 0.8 && p.zy <= 1.2);
      const meta = await sharp(d.file).metadata();
      assert.deepStrictEqual([meta.format, meta.width, meta.height], ['png', 150, 150]);
    }
    assert.deepStrictEqual(r.json['inputShape'], [150, 150, 3]);
    // The image is loaded as the example's flow_from_directory loads it: PIL's 'nearest' (Keras' default) to 150×150.
    const missing = pythonMissing('PIL.Image, numpy');
    if (missing) return console.log(`  (PIL check skipped: ${missing})`);
    const original = new Uint8Array(await sharp(path.join(out, 'original.png')).removeAlpha().raw().toBuffer());
    assert.strictEqual(maxByteDiff(original, pilLoadImg([image], 'rgb', 150, 150, 'nearest')[image]), 0);
  });

  it('without a flow the image keeps its own size; a flipped draw is the mirrored image', async () => {
    const file = path.join(dir, 'flip.py');
    fs.writeFileSync(file, 'from keras.preprocessing.image import ImageDataGenerator\nflipper = ImageDataGenerator(horizontal_flip=True)\n');
    const out = path.join(dir, 'flip');
    const r = await run(file, 'flipper', out, '8');
    assert.strictEqual(r.code, 0, r.err);
    assert.deepStrictEqual(r.json['inputShape'], [40, 60, 3]);
    const draws = r.json['draws'] as { file: string; params: { flip_horizontal: boolean } }[];
    const original = await sharp(path.join(out, 'original.png')).resize(60, 40, { kernel: 'nearest' }).raw().toBuffer();
    assert.ok(draws.some((d) => d.params.flip_horizontal) && draws.some((d) => !d.params.flip_horizontal));
    for (const d of draws) {
      const px = await sharp(d.file).resize(60, 40, { kernel: 'nearest' }).raw().toBuffer();
      for (let r2 = 0; r2 < 40; r2 += 7) {
        for (let c = 0; c < 60; c += 5) {
          const src = d.params.flip_horizontal ? 59 - c : c;
          assert.strictEqual(px[(r2 * 60 + c) * 3], original[(r2 * 60 + src) * 3], `pixel ${r2},${c}`);
        }
      }
    }
  });

  it('a generator option ConvLens cannot reproduce is a usage error with the reason', async () => {
    const file = path.join(dir, 'bad.py');
    fs.writeFileSync(file, "from keras.preprocessing.image import ImageDataGenerator\ng = ImageDataGenerator(fill_mode='mirror')\n");
    const r = await run(file, 'g', path.join(dir, 'bad'));
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /fill_mode/);
  });
});
