// Converts the 10,000 MNIST digits of the `mnist` package (41 MB of per-digit JSON, a
// development dependency) into dist/data/mnist.bin.gz, which src/core/engine/data/mnist.ts
// reads at run time, so neither the extension nor the CLI carries the JSON.
//
// Layout before gzip (all little-endian):
//   "CLMNIST1"                  8 bytes, the format's name and version
//   count, rows, cols           uint32 ×3 (10000, 28, 28)
//   palette size P              uint32 (256)
//   palette                     float64 × P: the package's pixel values, ascending
//   labels                      uint8 × count (the digit, in the package's order: all 0s, then 1s…)
//   pixels                      uint8 × count·rows·cols, each an index into the palette
// The package stores pixels as k/255 rounded to 3 decimals (0.624 for 159); a palette of its
// own values, not a formula, keeps the digits exactly as they are in the JSON. Raw, the file
// is 7.8 MB; gzip takes it under 2 MB. Skipped when the output is newer than the JSON.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'data', 'mnist.bin.gz');
const MAGIC = 'CLMNIST1';
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;

function digitFile(d) {
  return require.resolve(`mnist/src/digits/${d}.json`, { paths: [ROOT] });
}

function upToDate(inputs) {
  if (!fs.existsSync(OUT)) return false;
  const built = fs.statSync(OUT).mtimeMs;
  return [...inputs, __filename].every((f) => fs.statSync(f).mtimeMs < built);
}

function main() {
  let inputs;
  try {
    inputs = Array.from({ length: 10 }, (_, d) => digitFile(d));
  } catch (e) {
    if (fs.existsSync(OUT)) return; // a package install without dev dependencies keeps the built file
    throw new Error(`build-mnist: the 'mnist' package (a devDependency) is not installed: ${e.message.split('\n')[0]}`, { cause: e });
  }
  if (upToDate(inputs)) return;
  const digits = inputs.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).data);
  const palette = [...new Set(digits.flat())].sort((a, b) => a - b);
  if (palette.length > 256) throw new Error(`build-mnist: ${palette.length} distinct pixel values do not fit a uint8 palette`);
  const code = new Map(palette.map((v, i) => [v, i]));
  const count = digits.reduce((n, raw) => n + raw.length / PIXELS, 0);
  if (!Number.isInteger(count)) throw new Error('build-mnist: a digit file does not hold whole 28×28 images');

  const headerBytes = MAGIC.length + 4 * 4 + 8 * palette.length;
  const buf = Buffer.alloc(headerBytes + count + count * PIXELS);
  let at = buf.write(MAGIC, 0, 'latin1');
  for (const n of [count, ROWS, COLS, palette.length]) at = buf.writeUInt32LE(n, at);
  for (const v of palette) at = buf.writeDoubleLE(v, at);
  let labelAt = at;
  let pixelAt = at + count;
  digits.forEach((raw, d) => {
    for (let i = 0; i < raw.length / PIXELS; i++) buf[labelAt++] = d;
    for (const v of raw) buf[pixelAt++] = code.get(v);
  });
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, zlib.gzipSync(buf, { level: 9 }));
  console.log(`build-mnist: ${count} digits → ${path.relative(ROOT, OUT)} (${(fs.statSync(OUT).size / 1e6).toFixed(2)} MB)`);
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
