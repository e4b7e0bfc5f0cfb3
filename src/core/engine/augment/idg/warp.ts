/**
 * scipy.ndimage.affine_transform with order=1, as Keras' legacy ImageDataGenerator calls it
 * (one channel at a time): output pixel (r, c) samples the input at
 * (m00·r + m01·c + o0, m10·r + m11·c + o1) with bilinear weights.
 *
 * Why a hand-written loop and not tf.image.transform: scipy's boundary modes differ from
 * TF's. scipy's 'reflect' maps a coordinate half-sample symmetrically (-1.5 → 0.5, -0.3 → -0.7,
 * which then reads pixel 0 on both taps), 'wrap' has period len-1
 * (not len), and 'constant' gives cval to any coordinate outside [0, len-1] without blending.
 * These follow scipy/ndimage/src/ni_interpolation.c (map_coordinate and the edge index
 * mirroring in NI_GeometricTransform), checked pixel for pixel against scipy by
 * test/engine/imageDataGenerator.test.ts.
 */

export type ScipyMode = 'nearest' | 'constant' | 'reflect' | 'wrap';

/** Maps one out-of-range coordinate into the input as scipy's map_coordinate does; -1 = use cval. */
export function mapCoordinate(x: number, len: number, mode: ScipyMode): number {
  if (x < 0) {
    if (mode === 'nearest') return 0;
    if (mode === 'constant') return -1;
    if (len <= 1) return 0;
    if (mode === 'reflect') {
      const sz2 = 2 * len;
      if (x < -sz2) x = sz2 * Math.trunc(-x / sz2) + x;
      // scipy's -1e-15 guard keeps -x - 1 from being exactly -1 (which would mean cval).
      return x < -len ? x + sz2 : (x > -1e-15 ? 1e-15 : -x) - 1;
    }
    const sz = len - 1; // wrap
    return x + sz * (Math.trunc(-x / sz) + 1);
  }
  if (x > len - 1) {
    if (mode === 'nearest') return len - 1;
    if (mode === 'constant') return -1;
    if (len <= 1) return 0;
    if (mode === 'reflect') {
      const sz2 = 2 * len;
      x -= sz2 * Math.trunc(x / sz2);
      return x >= len ? sz2 - x - 1 : x;
    }
    const sz = len - 1; // wrap
    return x - sz * Math.trunc(x / sz);
  }
  return x;
}

/**
 * A filter tap just outside the input (scipy's edge_offsets). Only 'reflect' can put a mapped
 * coordinate strictly between -1 and 0 or len-1 and len, and there scipy (1.6+, measured on
 * 1.10) extends half-sample symmetrically (-1 → 0, len → len-1); for the other modes the tap
 * outside has weight 0, so any in-range index would do.
 */
function tapIndex(i: number, len: number, mode: ScipyMode): number {
  if (len <= 1) return 0;
  if (mode === 'reflect') return i < 0 ? Math.min(len - 1, -i - 1) : i >= len ? Math.max(0, 2 * len - i - 1) : i;
  const s2 = 2 * len - 2;
  if (i < 0) {
    i = s2 * Math.trunc(-i / s2) + i;
    return i <= 1 - len ? i + s2 : -i;
  }
  if (i >= len) {
    i -= s2 * Math.trunc(i / s2);
    return i >= len ? s2 - i : i;
  }
  return i;
}

/**
 * Warps every channel of an HWC image. `matrix` is [m00, m01, m10, m11] and `offset` [o0, o1],
 * in (row, col) order, exactly the arguments Keras hands to scipy.
 */
export function affineWarp(
  src: Float32Array, h: number, w: number, ch: number,
  matrix: readonly [number, number, number, number], offset: readonly [number, number],
  mode: ScipyMode, cval: number,
): Float32Array {
  const out = new Float32Array(h * w * ch);
  const [m00, m01, m10, m11] = matrix;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const base = (r * w + c) * ch;
      const y = mapCoordinate(m00 * r + m01 * c + offset[0], h, mode);
      const x = mapCoordinate(m10 * r + m11 * c + offset[1], w, mode);
      if (y <= -1 || x <= -1) {
        for (let k = 0; k < ch; k++) out[base + k] = cval;
        continue;
      }
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const ty = y - y0;
      const tx = x - x0;
      const ya = tapIndex(y0, h, mode), yb = tapIndex(y0 + 1, h, mode);
      const xa = tapIndex(x0, w, mode), xb = tapIndex(x0 + 1, w, mode);
      const w00 = (1 - ty) * (1 - tx), w01 = (1 - ty) * tx, w10 = ty * (1 - tx), w11 = ty * tx;
      for (let k = 0; k < ch; k++) {
        out[base + k] =
          w00 * src[(ya * w + xa) * ch + k] + w01 * src[(ya * w + xb) * ch + k] +
          w10 * src[(yb * w + xa) * ch + k] + w11 * src[(yb * w + xb) * ch + k];
      }
    }
  }
  return out;
}
