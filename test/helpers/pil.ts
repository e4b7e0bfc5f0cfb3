/**
 * /usr/bin/python3 with PIL as an independent reference (CI installs python3-pil: .ci/run):
 * whether it is there (tests skip, saying why, only when it is not), and byte comparisons.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export const PYTHON = '/usr/bin/python3';

/** null when /usr/bin/python3 can import `modules`; else why not. */
export function pythonMissing(modules: string): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', `import ${modules}`]);
  return r.status === 0 ? null : `${PYTHON} lacks ${modules}: ${String(r.stderr).trim().split('\n').pop()}`;
}

/** The largest difference between two images of the same length (bytes, or PIL's 'I' values). */
export function maxByteDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.strictEqual(a.length, b.length, 'sizes differ');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/**
 * Keras' load_img steps done by PIL itself (keras/src/utils/image_utils.py `load_img`, re-stated):
 * open, convert to 'L' (grayscale) or 'RGB', and when the size differs resize with the filter,
 * under keep_aspect_ratio the largest centred crop of the target's ratio. The values per file,
 * HWC (0–255, or up to 65535 for a 16-bit greyscale PNG kept in mode 'I'). Needs numpy too.
 */
export function pilLoadImg(files: string[], colorMode: 'rgb' | 'grayscale', h: number, w: number, interpolation: string, keepAspectRatio = false): Record<string, Int32Array> {
  const r = spawnSync(PYTHON, ['-c', LOAD_IMG, JSON.stringify(files), colorMode, String(h), String(w), interpolation, keepAspectRatio ? 'keep' : 'stretch'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(String(r.stderr));
  const values = JSON.parse(String(r.stdout)) as Record<string, number[]>;
  return Object.fromEntries(Object.entries(values).map(([f, v]) => [f, Int32Array.from(v)]));
}

const LOAD_IMG = `
import sys, json
import numpy as np
from PIL import Image
F = {'nearest': Image.NEAREST, 'bilinear': Image.BILINEAR, 'bicubic': Image.BICUBIC,
     'hamming': Image.HAMMING, 'box': Image.BOX, 'lanczos': Image.LANCZOS}
files, color_mode, h, w, interpolation, keep = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6] == 'keep'
out = {}
for f in files:
    img = Image.open(f)
    if color_mode == 'grayscale':
        if img.mode not in ('L', 'I;16', 'I'):
            img = img.convert('L')
    elif img.mode != 'RGB':
        img = img.convert('RGB')
    if img.size != (w, h):
        box = None
        if keep:
            width, height = img.size
            ch, cw = min(height, width * h // w), min(width, height * w // h)
            top, left = (height - ch) // 2, (width - cw) // 2
            box = (left, top, left + cw, top + ch)
        img = img.resize((w, h), F[interpolation], box=box)
    out[f] = np.asarray(img).astype(np.int64).ravel().tolist()
print(json.dumps(out))
`;
