/**
 * ConvLens' ImageDataGenerator.apply_transform against Keras' own algorithm, run by
 * /usr/bin/python3 with scipy.ndimage and PIL (test/reference/keras_apply_transform.py, a
 * transcription of Keras' published code): the expectations come from scipy, never from
 * ConvLens. The image is not square (13×17) so Keras' off-centre quirk is exercised too.
 * Pure arithmetic, so it runs with the unit tests (no TF.js). Skips, saying why, only when
 * /usr/bin/python3 lacks scipy/numpy/PIL (CI installs them: .ci/run).
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { idgSettings, randomTransform } from '../../src/core/engine/augment/idg/random';
import { applyTransform, type IdgParams } from '../../src/core/engine/augment/idg/transform';
import { mulberry32 } from '../../src/core/engine/data/rng';
import type { ScipyMode } from '../../src/core/engine/augment/idg/warp';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', 'reference', 'keras_apply_transform.py');
const H = 13, W = 17, C = 3;

function pythonReady(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy.ndimage, PIL']);
  return r.status === 0 ? null : `${PYTHON} lacks numpy/scipy/PIL: ${String(r.stderr).trim().split('\n').pop()}`;
}

/** A deterministic, non-smooth test image with fractional 0..255 values. */
function testImage(): Float32Array {
  const x = new Float32Array(H * W * C);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(((i * 7919) % 2551) / 10);
  return x;
}

const base: IdgParams = { theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1, flip_horizontal: false, flip_vertical: false, channel_shift_intensity: null, brightness: null };
const cases: { name: string; p: Partial<IdgParams>; mode: ScipyMode; cval?: number }[] = [
  { name: 'rotation 37.3°', p: { theta: 37.3 }, mode: 'nearest' },
  { name: 'shift tx, ty fractional (Keras 3 swaps axes: tx moves columns)', p: { tx: 2.6, ty: -3.3 }, mode: 'nearest' },
  { name: 'shear 21°', p: { shear: 21 }, mode: 'nearest' },
  { name: 'zoom zx≠zy', p: { zx: 0.83, zy: 1.17 }, mode: 'nearest' },
  { name: 'constant, cval 7', p: { theta: -50, zx: 1.3, zy: 1.2 }, mode: 'constant', cval: 7 },
  // Whole-pixel coordinates landing exactly on the last row/column: cval must not leak in (nor be missed).
  { name: 'constant, whole-pixel shift', p: { tx: 3, ty: -2 }, mode: 'constant', cval: 5 },
  { name: 'constant, 90° (cos 90° is 6e-17, not 0)', p: { theta: 90 }, mode: 'constant', cval: 9 },
  { name: 'reflect, large shift (several periods)', p: { tx: -40.5, ty: 31.25 }, mode: 'reflect' },
  { name: 'wrap, large shift (several periods)', p: { tx: 44.7, ty: -29.2 }, mode: 'wrap' },
  { name: 'reflect', p: { theta: 25, tx: 4.4, ty: 6.1, zx: 1.4, zy: 0.9 }, mode: 'reflect' },
  { name: 'wrap', p: { theta: -15, tx: -5.2, ty: 9.7, shear: 8, zx: 1.25, zy: 1.3 }, mode: 'wrap' },
  { name: 'everything + flips', p: { theta: 60, tx: -2.2, ty: 3.9, shear: -12, zx: 0.8, zy: 1.2, flip_horizontal: true, flip_vertical: true }, mode: 'nearest' },
  { name: 'channel shift', p: { theta: 10, channel_shift_intensity: 31.7 }, mode: 'nearest' },
  { name: 'brightness 0.63 (PIL blend, uint8)', p: { brightness: 0.63 }, mode: 'nearest' },
  { name: 'brightness 1.4 (clipped)', p: { theta: 5, brightness: 1.4 }, mode: 'reflect' },
];

describe('ImageDataGenerator.apply_transform matches Keras (scipy.ndimage + PIL)', function () {
  this.timeout(60000);
  const why = pythonReady();
  let dir = '';
  before(function () {
    if (why) {
      console.log(`  skipped: ${why}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-idg-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  let worst = 0;
  for (const c of cases) {
    it(c.name, () => {
      const image = testImage();
      const params: IdgParams = { ...base, ...c.p };
      const inFile = path.join(dir, 'in.f32'), outFile = path.join(dir, 'out.f32'), pFile = path.join(dir, 'p.json');
      fs.writeFileSync(inFile, Buffer.from(image.buffer));
      fs.writeFileSync(pFile, JSON.stringify({ params, fill_mode: c.mode, cval: c.cval ?? 0 }));
      execFileSync(PYTHON, [SCRIPT, inFile, String(H), String(W), String(C), pFile, outFile]);
      const buf = fs.readFileSync(outFile);
      const keras = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      const ours = applyTransform({ data: image, height: H, width: W, channels: C }, params, c.mode, c.cval ?? 0).data;
      assert.strictEqual(ours.length, keras.length);
      let max = 0, at = -1;
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs(ours[i] - keras[i]);
        if (d > max) { max = d; at = i; }
      }
      worst = Math.max(worst, max);
      assert.ok(max <= 1e-4, `max |ConvLens − Keras| = ${max} at pixel ${Math.floor(at / C)} channel ${at % C} (ours ${ours[at]}, Keras ${keras[at]})`);
    });
  }
  after(() => { if (!why) console.log(`  max |ConvLens − Keras| over all cases: ${worst}`); });
});

describe("ImageDataGenerator's get_random_transform (Keras' distributions)", () => {
  it("issue #11's generator: theta in ±60, tx a fraction 0.2 of the height, ty 0.4 of the width, zx/zy independent in [0.8, 1.2]", () => {
    const s = idgSettings({ rotation_range: 60, zoom_range: 0.2, width_shift_range: 0.4, height_shift_range: 0.2, horizontal_flip: true, fill_mode: 'nearest' });
    assert.deepStrictEqual(s.zoomRange, [0.8, 1.2]);
    const rng = mulberry32(7);
    let flips = 0, zoomDiffer = 0;
    for (let i = 0; i < 400; i++) {
      const p = randomTransform(s, 100, 150, rng);
      assert.ok(Math.abs(p.theta) <= 60 && Math.abs(p.tx) <= 20 && Math.abs(p.ty) <= 60, JSON.stringify(p));
      assert.ok(p.zx >= 0.8 && p.zx <= 1.2 && p.zy >= 0.8 && p.zy <= 1.2);
      assert.strictEqual(p.shear, 0);
      assert.strictEqual(p.flip_vertical, false);
      assert.strictEqual(p.channel_shift_intensity, null);
      assert.strictEqual(p.brightness, null);
      if (p.flip_horizontal) flips++;
      if (p.zx !== p.zy) zoomDiffer++;
    }
    assert.ok(flips > 150 && flips < 250, `${flips} flips of 400`);
    assert.strictEqual(zoomDiffer, 400);
  });

  it('an integer shift picks whole pixels in (-n, n); a list picks from it with a random sign; pairs stay pairs', () => {
    const rng = mulberry32(3);
    const s = idgSettings({ width_shift_range: 2, height_shift_range: [4, 8], zoom_range: [0.5, 0.9], brightness_range: [0.2, 0.4], channel_shift_range: 10 });
    for (let i = 0; i < 200; i++) {
      const p = randomTransform(s, 32, 32, rng);
      assert.ok([-1, 0, 1].includes(p.ty), `ty ${p.ty}`);
      assert.ok([-8, -4, 4, 8].includes(p.tx), `tx ${p.tx}`);
      assert.ok(p.zx >= 0.5 && p.zx <= 0.9);
      assert.ok(p.brightness! >= 0.2 && p.brightness! <= 0.4);
      assert.ok(Math.abs(p.channel_shift_intensity!) <= 10);
    }
  });

  it("refuses what Keras refuses: a bad fill_mode, a zoom_range that is not a number or pair", () => {
    assert.throws(() => idgSettings({ fill_mode: 'mirror' }), /fill_mode/);
    assert.throws(() => idgSettings({ zoom_range: [0.1, 0.2, 0.3] }), /zoom_range/);
  });
});
