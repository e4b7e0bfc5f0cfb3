/**
 * `convlens augment`: PNG files of what a model's augmentation does to an image (through the
 * real visualization worker, tsc's out/src/core/viz/vizWorker.js), the text and JSON output,
 * and one-line errors with exit code 2 for bad input.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { runAugment, type AugmentCliOptions } from '../../src/cli/augment';

const ROOT = path.resolve(__dirname, '../../..');
const CATS = path.join(ROOT, 'examples', 'keras', 'cats_vs_dogs_augmented.py');

async function run(file: string, options: Partial<AugmentCliOptions> & { out: string }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAugment(file, { image: 'synthetic', index: '0', count: '8', seed: '1', ...options }, { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

describe('convlens augment', function () {
  this.timeout(60000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-augment-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the image and N draws of Chollet's data_augmentation as 180×180 PNGs, and names the layers", async () => {
    const out = path.join(dir, 'cats');
    const r = await run(CATS, { model: 'model', count: '3', out });
    assert.strictEqual(r.code, 0, r.err);
    assert.deepStrictEqual(fs.readdirSync(out).sort(), ['draw-1.png', 'draw-2.png', 'draw-3.png', 'original.png']);
    const meta = await sharp(path.join(out, 'draw-2.png')).metadata();
    assert.deepStrictEqual([meta.format, meta.width, meta.height], ['png', 180, 180]);
    assert.match(r.out, /^model: synthetic circle #0 at 180×180×3, seed 1$/m);
    assert.match(r.out, /random_flip: mirrors left-right/);
    assert.match(r.out, /random_rotation: rotates by up to ±36°/);
    assert.match(r.out, /wrote 4 PNG files/);
  });

  it('prints one JSON line with --json, and the same seed writes the same pictures', async () => {
    const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
    const first = await run(CATS, { model: 'model', count: '2', out: a, json: true, seed: '7' });
    const second = await run(CATS, { model: 'model', count: '2', out: b, json: true, seed: '7' });
    assert.strictEqual(first.code, 0, first.err);
    const parsed = JSON.parse(first.out) as { steps: string[]; pixelScale: number; files: string[] };
    assert.deepStrictEqual([parsed.steps.length, parsed.pixelScale, parsed.files.length], [3, 255, 3]);
    assert.ok(second.code === 0 && fs.readFileSync(path.join(a, 'draw-2.png')).equals(fs.readFileSync(path.join(b, 'draw-2.png'))));
  });

  it('exits 2 with one line for a missing model file, a missing image, --count 0 and a model without an image input', async () => {
    const dense = path.join(dir, 'dense.py');
    fs.writeFileSync(dense, 'from keras import layers, models\nm = models.Sequential([layers.Dense(4, input_shape=(10,))])\n');
    // A data error raised inside the preview worker still counts as the user's (exit 2).
    const tiny = path.join(dir, 'tiny.py');
    fs.writeFileSync(tiny, 'from keras import layers, models\nm = models.Sequential([layers.RandomFlip(input_shape=(2, 2, 1)), layers.Flatten()])\n');
    for (const [file, options, message] of [
      [path.join(dir, 'nope.py'), {}, /no such file/],
      [CATS, { model: 'model', image: path.join(dir, 'nope.png') }, /no such file/],
      [CATS, { model: 'model', count: '0' }, /--count must be from 1 to 32, not 0/],
      [CATS, { model: 'model', count: '100' }, /--count must be from 1 to 32, not 100/],
      [tiny, {}, /synthetic shapes need images of at least 4×4/],
      [CATS, {}, /defines 2 models \(data_augmentation, model\): choose one with --model NAME/],
      [dense, {}, /needs a model whose input is an image/],
    ] as [string, Partial<AugmentCliOptions>, RegExp][]) {
      const r = await run(file, { out: path.join(dir, 'x'), ...options });
      assert.strictEqual(r.code, 2, `${file} ${JSON.stringify(options)}: ${r.err}`);
      assert.match(r.err, message);
      assert.strictEqual(r.err.trim().split('\n').length, 1, r.err);
    }
  });
});
