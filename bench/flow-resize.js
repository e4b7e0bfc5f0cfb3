// Decode cost of an image folder loaded as Keras' flow_from_directory loads it
// (src/core/engine/data/folder.ts decodeImage with a Keras resize: sharp decodes, then PIL's
// arithmetic in TypeScript, src/core/engine/data/pilResize.ts), per interpolation, against the
// sharp resize other folders use, and against PIL's own load_img steps on /usr/bin/python3.
// The image is a 720×477 photo-like JPEG written by PIL (gradients, edges, noise); the target
// is Chollet's 150×150×3. Prints the median ms per image of --runs decodes (after 2 warm-ups).
//
// Needs the tsc-compiled engine: npm run compile-tests (out/), then
//   node bench/flow-resize.js [--runs 20]
'use strict';
const { arg, median } = require('./common');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'src');
const RUNS = Number(arg('runs', '20'));
const FILTERS = ['nearest', 'bilinear', 'bicubic', 'lanczos'];

const WRITE = `
import sys, numpy as np
from PIL import Image
y, x = np.mgrid[0:477, 0:720]
rng = np.random.default_rng(1)
a = np.stack([x * 255 // 719, y * 255 // 476, (x * 37 + y * 91) % 256], -1) + rng.integers(-20, 20, (477, 720, 3))
Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).save(sys.argv[1], quality=90)
`;

const PIL_TIME = `
import sys, time
from PIL import Image
F = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC, 'lanczos': Image.LANCZOS}
f, runs = sys.argv[1], int(sys.argv[2])
for name, flt in F.items():
    times = []
    for i in range(runs + 2):
        t = time.perf_counter()
        img = Image.open(f).convert('RGB').resize((150, 150), flt)
        times.append(time.perf_counter() - t)
    times = sorted(times[2:])
    print(name, times[len(times) // 2] * 1000)
`;

async function main() {
  if (!fs.existsSync(path.join(OUT, 'core', 'engine', 'data', 'folder.js'))) {
    console.error('bench/flow-resize.js needs the compiled engine: run `npm run compile-tests` first');
    process.exit(2);
  }
  const { decodeImage } = require(path.join(OUT, 'core/engine/data/folder.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-bench-resize-'));
  const file = path.join(dir, 'photo.jpg');
  const w = spawnSync('/usr/bin/python3', ['-c', WRITE, file]);
  if (w.status !== 0) throw new Error(`writing the test image needs /usr/bin/python3 with PIL and numpy: ${String(w.stderr)}`);
  const time = async (keras) => {
    const ms = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t = process.hrtime.bigint();
      await decodeImage(file, [150, 150, 3], keras);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(ms.slice(2));
  };
  const pil = Object.fromEntries(String(spawnSync('/usr/bin/python3', ['-c', PIL_TIME, file, String(RUNS)]).stdout).trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
  console.log(`720×477 JPEG → 150×150×3, median of ${RUNS} (ms per image):`);
  console.log(`  sharp fill resize (folders not read through flow_from_directory): ${(await time(undefined)).toFixed(1)}`);
  for (const f of FILTERS) {
    console.log(`  interpolation='${f}': ConvLens ${(await time({ interpolation: f, keepAspectRatio: false })).toFixed(1)}, PIL load_img ${pil[f]?.toFixed(1) ?? '?'}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
