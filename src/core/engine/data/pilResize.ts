/**
 * PIL's `Image.resize` on 8-bit images, reproduced byte for byte, because Keras'
 * `flow_from_directory` loads every image with `load_img`, which resizes with PIL
 * (`interpolation=`, default 'nearest'); sharp's kernels give other pixels.
 *
 * Written from Pillow's C sources (src/libImaging/Geometry.c `ImagingScaleAffine` for
 * NEAREST; src/libImaging/Resample.c `precompute_coeffs`, `normalize_coeffs_8bpc`,
 * `ImagingResampleHorizontal_8bpc` / `Vertical_8bpc` and `ImagingResampleInner` for the
 * others), checked against /usr/bin/python3's PIL by test/unit/pilResize.test.ts.
 * Pure arithmetic: no Node, no sharp.
 */

/** Keras' `interpolation` names (keras/src/utils/image_utils.py `PIL_INTERPOLATION_METHODS`). */
export const KERAS_INTERPOLATIONS = ['nearest', 'bilinear', 'bicubic', 'hamming', 'box', 'lanczos'] as const;
export type KerasInterpolation = (typeof KERAS_INTERPOLATIONS)[number];
/** The names as messages list them: 'nearest', 'bilinear', … */
export const KERAS_INTERPOLATION_NAMES = KERAS_INTERPOLATIONS.map((n) => `'${n}'`).join(', ');

export function isKerasInterpolation(s: string): s is KerasInterpolation {
  return (KERAS_INTERPOLATIONS as readonly string[]).includes(s);
}

/**
 * load_img's `keep_aspect_ratio=True` (keras/src/utils/image_utils.py `load_img`): the largest
 * centred box of the target's aspect ratio, in integer pixels, which PIL then resizes.
 */
export function kerasCropBox(width: number, height: number, targetWidth: number, targetHeight: number): [number, number, number, number] {
  const cropHeight = Math.min(height, Math.floor((width * targetHeight) / targetWidth));
  const cropWidth = Math.min(width, Math.floor((height * targetWidth) / targetHeight));
  const top = Math.floor((height - cropHeight) / 2);
  const left = Math.floor((width - cropWidth) / 2);
  return [left, top, left + cropWidth, top + cropHeight];
}

/** PIL's 8-bit modes ('L', 'RGB') as bytes; its 32-bit integer mode 'I' (16-bit greyscale PNGs open in it) as Int32Array. */
export type Pixels = Uint8Array | Int32Array;

/** HWC values, `channels` per pixel. */
export interface Image<T extends Pixels> {
  data: T;
  width: number;
  height: number;
  channels: number;
}

export type Bytes8 = Image<Uint8Array>;

/** An empty array of the same kind. */
function like<T extends Pixels>(data: T, length: number): T {
  return (data instanceof Int32Array ? new Int32Array(length) : new Uint8Array(length)) as T;
}

/**
 * PIL's 'RGB' → 'L' conversion (ITU-R 601-2 luma in 16-bit fixed point, Pillow's Convert.c
 * `L24`): (R·19595 + G·38470 + B·7471 + 0x8000) >> 16.
 */
export function pilLuma(rgb: Bytes8): Bytes8 {
  const n = rgb.width * rgb.height;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const i = p * rgb.channels;
    out[p] = (rgb.data[i] * 19595 + rgb.data[i + 1] * 38470 + rgb.data[i + 2] * 7471 + 0x8000) >>> 16;
  }
  return { data: out, width: rgb.width, height: rgb.height, channels: 1 };
}

/**
 * NEAREST: each output column/row takes the source pixel under its centre. Pillow steps the
 * source position by repeated addition (`xo += a[0]`), not by multiplication; the rounding of
 * that sum decides which pixel is taken where a centre falls on a pixel edge, so it is copied.
 */
function nearest<T extends Pixels>(src: Image<T>, outW: number, outH: number, [x0, y0, x1, y1]: Box): Image<T> {
  const { width: w, height: h, channels: c, data } = src;
  const out = like(data, outW * outH * c);
  const coord = (v: number): number => (v < 0 ? -1 : Math.trunc(v));
  const sx = (x1 - x0) / outW;
  const sy = (y1 - y0) / outH;
  const xin = new Int32Array(outW).fill(-1);
  let xo = x0 + sx * 0.5;
  for (let x = 0; x < outW; x++) {
    const xi = coord(xo);
    if (xi >= 0 && xi < w) xin[x] = xi;
    xo += sx;
  }
  let yo = y0 + sy * 0.5;
  for (let y = 0; y < outH; y++) {
    const yi = coord(yo);
    yo += sy;
    if (yi < 0 || yi >= h) continue; // PIL leaves such rows zero-filled; unreachable for a plain resize
    for (let x = 0; x < outW; x++) {
      if (xin[x] < 0) continue;
      const from = (yi * w + xin[x]) * c;
      const to = (y * outW + x) * c;
      for (let k = 0; k < c; k++) out[to + k] = data[from + k];
    }
  }
  return { data: out, width: outW, height: outH, channels: c };
}

interface Filter {
  support: number;
  weight: (x: number) => number;
}

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

/** Resample.c's filters, with their supports. */
const FILTERS: Record<Exclude<KerasInterpolation, 'nearest'>, Filter> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => { const a = Math.abs(x); return a < 1 ? 1 - a : 0; } },
  hamming: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      return (Math.sin(px) / px) * (0.54 + 0.46 * Math.cos(px));
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;

interface Coefficients {
  ksize: number;
  /** Per output pixel: first source index and how many. */
  bounds: Int32Array;
  /** Normalised weights, ksize per output pixel (PIL's 32-bit modes use them as they are). */
  kd: Float64Array;
  /** The same in PRECISION_BITS fixed point (8-bit images). */
  kk: Int32Array;
}

/**
 * One axis' weights: the filter's support widens by the scale when shrinking (so every source
 * pixel counts), each window is normalised to sum 1, and also turned into fixed point.
 */
function coefficients(inSize: number, in0: number, in1: number, outSize: number, filter: Filter): Coefficients {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kd = new Float64Array(outSize * ksize);
  const kk = new Int32Array(outSize * ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const k = kd.subarray(xx * ksize, (xx + 1) * ksize);
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      if (ww !== 0) k[x] /= ww;
      // normalize_coeffs_8bpc: C's (int) cast truncates toward zero.
      kk[xx * ksize + x] = Math.trunc(k[x] < 0 ? -0.5 + k[x] * (1 << PRECISION_BITS) : 0.5 + k[x] * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kd, kk };
}

/** clip8: the fixed-point sum back to a byte. Sums stay inside int32, as in C. */
function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** ROUND_UP of PIL's 32-bit passes: half away from zero, then C's truncation. */
const roundUp = (ss: number): number => Math.trunc(ss >= 0 ? ss + 0.5 : ss - 0.5);

/**
 * One convolution pass along an axis, PIL's `ImagingResampleHorizontal/Vertical`: output line
 * `o` of `lines` lines reads source values `first + i·step` (i < count) from `base(line)` on.
 * Bytes sum in fixed point (`_8bpc`, clip8); 32-bit integers in doubles (`_32bpc`, ROUND_UP).
 * Written out per kind without callbacks: this loop is most of a decode's time.
 */
function pass<T extends Pixels>(data: T, out: T, co: Coefficients, outSize: number, lines: number, c: number, at: { src: (line: number, i: number) => number; dst: (line: number, o: number) => number }): void {
  const wide = data instanceof Int32Array;
  const half = 1 << (PRECISION_BITS - 1);
  for (let o = 0; o < outSize; o++) {
    const first = co.bounds[o * 2];
    const count = co.bounds[o * 2 + 1];
    const k0 = o * co.ksize;
    for (let line = 0; line < lines; line++) {
      const dst = at.dst(line, o);
      const step = at.src(line, first + 1) - at.src(line, first);
      const start = at.src(line, first);
      for (let ch = 0; ch < c; ch++) {
        let p = start + ch;
        if (wide) {
          let ss = 0;
          for (let i = 0; i < count; i++, p += step) ss += data[p] * co.kd[k0 + i];
          out[dst + ch] = roundUp(ss);
        } else {
          let ss = half;
          for (let i = 0; i < count; i++, p += step) ss += data[p] * co.kk[k0 + i];
          out[dst + ch] = clip8(ss);
        }
      }
    }
  }
}

function horizontal<T extends Pixels>(src: Image<T>, outW: number, rowFirst: number, rows: number, co: Coefficients): Image<T> {
  const { width: w, channels: c, data } = src;
  const out = like(data, outW * rows * c);
  pass(data, out, co, outW, rows, c, { src: (y, x) => ((y + rowFirst) * w + x) * c, dst: (y, xx) => (y * outW + xx) * c });
  return { data: out, width: outW, height: rows, channels: c };
}

function vertical<T extends Pixels>(src: Image<T>, outH: number, co: Coefficients): Image<T> {
  const { width: w, channels: c, data } = src;
  const out = like(data, w * outH * c);
  pass(data, out, co, outH, w, c, { src: (x, y) => (y * w + x) * c, dst: (x, yy) => (yy * w + x) * c });
  return { data: out, width: w, height: outH, channels: c };
}

/** The source region resized, [left, top, right, bottom] in pixels (PIL's `box`). */
export type Box = [number, number, number, number];

/**
 * `img.resize((outW, outH), resample, box)` for an 'L', 'RGB' or 'I' image (box: the whole image
 * unless given): NEAREST samples; the others convolve, horizontally first (only over the
 * source rows the vertical pass will read), each pass rounded back to bytes (integers for 'I')
 * as PIL's intermediate image is. A pass PIL skips (Resample.c's need_horizontal / need_vertical,
 * which compare the box's right edge with the output size as written there) is skipped.
 * The same size and whole box is a copy.
 */
export function pilResize<T extends Pixels>(src: Image<T>, outW: number, outH: number, interpolation: KerasInterpolation, box: Box = [0, 0, src.width, src.height]): Image<T> {
  if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1) throw new Error(`cannot resize to ${outW}×${outH}`);
  const [x0, y0, x1, y1] = box;
  if (src.width === outW && src.height === outH && x0 === 0 && y0 === 0 && x1 === outW && y1 === outH) return { ...src, data: src.data.slice() as T };
  if (interpolation === 'nearest') return nearest(src, outW, outH, box);
  const filter = FILTERS[interpolation];
  const horiz = coefficients(src.width, x0, x1, outW, filter);
  const vert = coefficients(src.height, y0, y1, outH, filter);
  let img = src;
  let vbounds = vert;
  if (outW !== src.width || x0 !== 0 || x1 !== outW) {
    const first = vert.bounds[0];
    const last = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
    img = horizontal(src, outW, first, last - first, horiz);
    const shifted = vert.bounds.slice();
    for (let i = 0; i < outH; i++) shifted[i * 2] -= first;
    vbounds = { ...vert, bounds: shifted };
  }
  if (outH !== src.height || y0 !== 0 || y1 !== outH) img = vertical(img, outH, vbounds);
  return img;
}
