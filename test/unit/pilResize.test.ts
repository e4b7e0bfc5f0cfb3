/**
 * ConvLens' PIL resize (src/core/engine/data/pilResize.ts) against PIL itself, run by
 * /usr/bin/python3: the same bytes go to `Image.frombytes(...).resize(size, filter)` and the
 * outputs must be identical, for every filter Keras' `interpolation` names, 'L' and 'RGB',
 * shrinking, enlarging, one axis only, and odd sizes (where NEAREST's summed source position
 * lands near pixel edges). Also PIL's 'RGB' → 'L' conversion. Pure arithmetic, so it runs
 * with the unit tests; skips, saying why, only when /usr/bin/python3 lacks PIL (CI installs
 * python3-pil: .ci/run).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { KERAS_INTERPOLATIONS, kerasCropBox, pilLuma, pilResize, type Box, type KerasInterpolation } from '../../src/core/engine/data/pilResize';
import { mulberry32 } from '../../src/core/engine/data/rng';
import { maxByteDiff, pythonMissing, PYTHON } from '../helpers/pil';


// Reads one job per line on stdin (JSON header + hex bytes), answers one hex line each: one process for all cases.
const PIL_SERVER = `
import sys, json
from PIL import Image
F = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC,
     'hamming': Image.HAMMING, 'box': Image.BOX, 'lanczos': Image.LANCZOS}
for line in sys.stdin:
    job = json.loads(line)
    im = Image.frombytes(job['mode'], (job['w'], job['h']), bytes.fromhex(job['data']))
    box = tuple(job['box']) if job.get('box') else None
    out = im.convert('L') if job['op'] == 'luma' else im.resize((job['ow'], job['oh']), F[job['filter']], box=box)
    print(out.tobytes().hex())
`;

interface Job { op: 'resize' | 'luma'; mode: 'L' | 'RGB' | 'I'; w: number; h: number; ow: number; oh: number; filter: KerasInterpolation; data: Uint8Array | Int32Array; box?: Box }

function runPil(jobs: Job[]): Uint8Array[] {
  const input = jobs.map((j) => JSON.stringify({ ...j, data: Buffer.from(j.data.buffer, j.data.byteOffset, j.data.byteLength).toString('hex') })).join('\n') + '\n';
  const r = spawnSync(PYTHON, ['-c', PIL_SERVER], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(String(r.stderr));
  return String(r.stdout).trim().split('\n').map((hex) => Uint8Array.from(Buffer.from(hex, 'hex')));
}

/** Noisy bytes with smooth parts and hard edges, so every filter's rounding is exercised. */
function image(w: number, h: number, c: number, seed: number): Uint8Array {
  const rng = mulberry32(seed);
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        const smooth = 128 + 100 * Math.sin((x * (k + 1)) / 5 + y / 7);
        out[(y * w + x) * c + k] = (x + y) % 9 < 2 ? (rng() < 0.5 ? 0 : 255) : Math.round(smooth);
      }
    }
  }
  return out;
}

const maxDiff = maxByteDiff;

describe("PIL's resize and 'L' conversion, reproduced byte for byte (against /usr/bin/python3's PIL)", function () {
  this.timeout(60000);
  const why = pythonMissing('PIL.Image');
  before(function () {
    if (why) {
      console.log(`  skipped: ${why}`);
      this.skip();
    }
  });

  // [w, h] → [ow, oh]: shrink, enlarge, one axis, prime sizes, large ratios, and 1-pixel edges.
  const sizes: [number, number, number, number][] = [
    [37, 23, 11, 7], [13, 17, 40, 29], [100, 3, 7, 9], [64, 48, 224, 150], [250, 190, 64, 64],
    [9, 9, 9, 31], [31, 9, 9, 9], [150, 150, 149, 151], [7, 5, 1, 1], [1, 1, 5, 3], [299, 211, 150, 150],
  ];

  for (const mode of ['L', 'RGB'] as const) {
    it(`resizes '${mode}' images exactly as PIL, every filter Keras names`, () => {
      const c = mode === 'L' ? 1 : 3;
      const jobs: Job[] = [];
      sizes.forEach(([w, h, ow, oh], i) => {
        for (const filter of KERAS_INTERPOLATIONS) jobs.push({ op: 'resize', mode, w, h, ow, oh, filter, data: image(w, h, c, 100 * i + c) });
      });
      const expected = runPil(jobs);
      const worst: Record<string, number> = {};
      jobs.forEach((j, i) => {
        const ours = pilResize({ data: j.data as Uint8Array, width: j.w, height: j.h, channels: c }, j.ow, j.oh, j.filter).data;
        worst[j.filter] = Math.max(worst[j.filter] ?? 0, maxDiff(ours, expected[i]));
      });
      assert.deepStrictEqual(worst, Object.fromEntries(KERAS_INTERPOLATIONS.map((f) => [f, 0])));
    });
  }

  it('takes the same pixels as PIL under NEAREST for 200 random size pairs (the summed source position decides edge cases)', () => {
    const rng = mulberry32(7);
    const pick = (n: number): number => 1 + Math.floor(rng() * n);
    const jobs: Job[] = Array.from({ length: 200 }, (_, i) => {
      const [w, h] = [pick(120), pick(120)];
      return { op: 'resize', mode: 'L', w, h, ow: pick(300), oh: pick(300), filter: 'nearest', data: image(w, h, 1, i) };
    });
    const expected = runPil(jobs);
    const wrong = jobs.filter((j, i) => maxDiff(pilResize({ data: j.data as Uint8Array, width: j.w, height: j.h, channels: 1 }, j.ow, j.oh, 'nearest').data, expected[i]) !== 0);
    assert.deepStrictEqual(wrong.map((j) => `${j.w}×${j.h}→${j.ow}×${j.oh}`), []);
  });

  it("resizes the centred crop box of load_img's keep_aspect_ratio=True exactly as PIL, every filter", () => {
    // Keras' crop by hand for 37×23 → 11×7: crop_height = min(23, 37·7 // 11 = 23) = 23, crop_width = min(37, 23·11 // 7 = 36) = 36, left (37 − 36) // 2 = 0.
    assert.deepStrictEqual(kerasCropBox(37, 23, 11, 7), [0, 0, 36, 23]);
    // 40×90 → 30×30: a 40×40 square, top (90 − 40) // 2 = 25.
    assert.deepStrictEqual(kerasCropBox(40, 90, 30, 30), [0, 25, 40, 65]);
    const pairs: [number, number, number, number][] = [[37, 23, 11, 7], [40, 90, 30, 30], [90, 40, 30, 30], [13, 17, 40, 29], [150, 100, 64, 64], [64, 64, 64, 32], [64, 64, 32, 64]];
    const jobs: Job[] = [];
    pairs.forEach(([w, h, ow, oh], i) => {
      for (const filter of KERAS_INTERPOLATIONS) jobs.push({ op: 'resize', mode: 'RGB', w, h, ow, oh, filter, data: image(w, h, 3, 500 + i), box: kerasCropBox(w, h, ow, oh) });
    });
    const expected = runPil(jobs);
    const wrong = jobs.filter((j, i) => maxDiff(pilResize({ data: j.data as Uint8Array, width: j.w, height: j.h, channels: 3 }, j.ow, j.oh, j.filter, j.box).data, expected[i]) !== 0);
    assert.deepStrictEqual(wrong.map((j) => `${j.w}×${j.h}→${j.ow}×${j.oh} ${j.filter}`), []);
  });

  it("resizes 32-bit 'I' images (16-bit greyscale PNGs open so) exactly as PIL: double weights, rounded half away from zero", () => {
    const rng = mulberry32(99);
    const jobs: Job[] = [];
    for (const [w, h, ow, oh] of sizes.slice(0, 6)) {
      const data = Int32Array.from({ length: w * h }, (_, i) => ((i % w) * 977 + Math.floor(i / w) * 131 + (rng() < 0.2 ? 40000 : 0)) % 65536);
      for (const filter of KERAS_INTERPOLATIONS) jobs.push({ op: 'resize', mode: 'I', w, h, ow, oh, filter, data });
    }
    const expected = runPil(jobs).map((b) => new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4));
    const wrong = jobs.filter((j, i) => {
      const ours = pilResize({ data: j.data as Int32Array, width: j.w, height: j.h, channels: 1 }, j.ow, j.oh, j.filter).data;
      return ours.length !== expected[i].length || ours.some((v, k) => v !== expected[i][k]);
    });
    assert.deepStrictEqual(wrong.map((j) => `${j.w}×${j.h}→${j.ow}×${j.oh} ${j.filter}`), []);
  });

  it("converts RGB to 'L' with PIL's fixed-point luma (not the rounded 0.299/0.587/0.114 sum)", () => {
    // Every value of each channel against varied others: 256 × 3 pixels.
    const data = new Uint8Array(768 * 3);
    for (let p = 0; p < 768; p++) {
      const v = p % 256;
      data.set(p < 256 ? [v, (v * 7) % 256, (v * 13) % 256] : p < 512 ? [(v * 5) % 256, v, (v * 11) % 256] : [(v * 3) % 256, (v * 17) % 256, v], p * 3);
    }
    const [expected] = runPil([{ op: 'luma', mode: 'RGB', w: 768, h: 1, ow: 0, oh: 0, filter: 'nearest', data }]);
    assert.strictEqual(maxDiff(pilLuma({ data, width: 768, height: 1, channels: 3 }).data, expected), 0);
  });
});
