// ImageDataGenerator cost per training batch: issue #11's example generator
// (examples/keras/datagen_augmentation.py: rotation 60°, zoom 0.2, shifts 0.4 / 0.2,
// horizontal flip, nearest fill, rescale 1/255) on 32 images of 150×150×3, as the training
// loop runs it (src/core/engine/augment/idg/batch.ts: get_random_transform, apply_transform,
// rescale, per image, in plain TypeScript). Prints the median ms per batch of --runs batches
// (after 3 warm-ups), and the same batch through scipy.ndimage.affine_transform (Keras' own
// path, test/reference/keras_apply_transform.py's algorithm) when /usr/bin/python3 has scipy.
//
// Needs the tsc-compiled engine: npm run compile-tests (out/), then
//   node bench/datagen.js [--runs 20] [--batch 32] [--size 150] [--json]
'use strict';
const { arg } = require('./common');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');

const RUNS = Number(arg('runs', '20'));
const BATCH = Number(arg('batch', '32'));
const SIZE = Number(arg('size', '150'));
const JSON_OUT = process.argv.includes('--json');

const { readPython } = require(path.join(OUT, 'core/source/python/reader'));
const { fitGenerator } = require(path.join(OUT, 'core/engine/train/trainingInput'));
const { idgSettings } = require(path.join(OUT, 'core/engine/augment/idg/random'));
const { transformBatch } = require(path.join(OUT, 'core/engine/augment/idg/batch'));
const { mulberry32 } = require(path.join(OUT, 'core/engine/data/rng'));

const example = fs.readFileSync(path.join(ROOT, 'examples', 'keras', 'datagen_augmentation.py'), 'utf8');
const generator = fitGenerator(readPython(example).models[0].fit);
const settings = idgSettings(generator.config);
const shape = [BATCH, SIZE, SIZE, 3];
const pixels = new Float32Array(BATCH * SIZE * SIZE * 3);
const rng = mulberry32(1);
for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(rng() * 256);

const times = [];
for (let r = 0; r < RUNS + 3; r++) {
  const t = process.hrtime.bigint();
  transformBatch(pixels, shape, settings, mulberry32(r));
  if (r >= 3) times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];

// scipy: the same per-image work Keras does (one affine_transform per channel, order 1), random parameters in the example's ranges.
const py = `
import time, numpy as np, scipy.ndimage as ndi
rng = np.random.default_rng(1)
x = rng.integers(0, 256, size=(${BATCH}, ${SIZE}, ${SIZE}, 3)).astype(np.float32)
def one(img):
    t = np.deg2rad(rng.uniform(-60, 60)); zx, zy = rng.uniform(0.8, 1.2, 2)
    m = np.array([[np.cos(t), -np.sin(t), rng.uniform(-30, 30)], [np.sin(t), np.cos(t), rng.uniform(-60, 60)], [0, 0, 1]]) @ np.diag([zx, zy, 1])
    o = ${SIZE} / 2 - 0.5
    m = np.array([[1, 0, o], [0, 1, o], [0, 0, 1]]) @ m @ np.array([[1, 0, -o], [0, 1, -o], [0, 0, 1]])
    out = np.stack([ndi.affine_transform(img[..., c], m[:2, :2], m[:2, 2], order=1, mode='nearest', cval=0.0) for c in range(3)], axis=-1)
    return out[:, ::-1] * (1 / 255) if rng.random() < 0.5 else out * (1 / 255)
ts = []
for r in range(${RUNS} + 3):
    s = time.perf_counter(); [one(img) for img in x]; e = time.perf_counter()
    if r >= 3: ts.append((e - s) * 1000)
print(sorted(ts)[len(ts) // 2])
`;
const scipy = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
const scipyMs = scipy.status === 0 ? Number(scipy.stdout.trim()) : null;

const result = { batch: BATCH, size: SIZE, runs: RUNS, msPerBatch: Number(median.toFixed(1)), msPerImage: Number((median / BATCH).toFixed(2)), scipyMsPerBatch: scipyMs === null ? null : Number(scipyMs.toFixed(1)) };
if (JSON_OUT) console.log(JSON.stringify(result));
else {
  console.log(`ImageDataGenerator (issue #11's example), ${BATCH} images of ${SIZE}×${SIZE}×3: ${result.msPerBatch} ms per batch (median of ${RUNS}), ${result.msPerImage} ms per image`);
  console.log(scipyMs === null ? `scipy reference not run: ${(scipy.stderr || '').trim().split('\n').pop()}` : `Keras' path (scipy.ndimage.affine_transform per channel): ${result.scipyMsPerBatch} ms per batch`);
}
