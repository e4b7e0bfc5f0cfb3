/**
 * Keras' legacy ImageDataGenerator.apply_transform for one channels-last image: the affine
 * part (rotation, shift, shear, zoom about the centre) through scipy's order-1 warp, then
 * channel shift, horizontal / vertical flip and PIL brightness, in that order.
 * Transcribes keras/src/legacy/preprocessing/image.py (keras-team/keras, commit
 * 0a54048b9961097d2628727e564708f9f4264b39): apply_transform, apply_affine_transform,
 * transform_matrix_offset_center, apply_channel_shift, apply_brightness_shift.
 * Pure numbers: no TF.js, no vscode.
 */
import { affineWarp, type ScipyMode } from './warp';

/** One draw, under Keras' own keys (get_random_transform's dictionary). */
export interface IdgParams {
  theta: number;
  tx: number;
  ty: number;
  shear: number;
  zx: number;
  zy: number;
  flip_horizontal: boolean;
  flip_vertical: boolean;
  channel_shift_intensity: number | null;
  brightness: number | null;
}

export interface IdgImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

type M3 = number[][];
const mul = (a: M3, b: M3): M3 => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));

/**
 * The 3×3 matrix Keras builds, already offset to the centre and with rows/columns swapped
 * (Keras 3 swaps x and y because col_axis > row_axis for every data format); null = no warp.
 * Note Keras centres with o_x = h/2 - 0.5 on the first axis *before* the swap, so for a
 * non-square image the centre is off: reproduced on purpose.
 */
export function kerasAffineMatrix(p: IdgParams, h: number, w: number): M3 | null {
  let m: M3 | null = null;
  const then = (n: M3): void => { m = m === null ? n : mul(m, n); };
  if (p.theta !== 0) {
    const t = (p.theta * Math.PI) / 180; // np.deg2rad
    then([[Math.cos(t), -Math.sin(t), 0], [Math.sin(t), Math.cos(t), 0], [0, 0, 1]]);
  }
  if (p.tx !== 0 || p.ty !== 0) then([[1, 0, p.tx], [0, 1, p.ty], [0, 0, 1]]);
  if (p.shear !== 0) {
    const s = (p.shear * Math.PI) / 180;
    then([[1, -Math.sin(s), 0], [0, Math.cos(s), 0], [0, 0, 1]]);
  }
  if (p.zx !== 1 || p.zy !== 1) then([[p.zx, 0, 0], [0, p.zy, 0], [0, 0, 1]]);
  if (m === null) return null;
  const ox = h / 2 - 0.5;
  const oy = w / 2 - 0.5;
  const centred = mul(mul([[1, 0, ox], [0, 1, oy], [0, 0, 1]], m), [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]]);
  // M' = P·M·P: swap columns 0/1, then rows 0/1.
  const cols = centred.map((row) => [row[1], row[0], row[2]]);
  return [cols[1], cols[0], cols[2]];
}

function flip(img: IdgImage, horizontal: boolean): Float32Array {
  const { data, height: h, width: w, channels: ch } = img;
  const out = new Float32Array(data.length);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const from = horizontal ? (r * w + (w - 1 - c)) * ch : ((h - 1 - r) * w + c) * ch;
      for (let k = 0; k < ch; k++) out[(r * w + c) * ch + k] = data[from + k];
    }
  }
  return out;
}

/** np.clip(x_channel + intensity, min(x), max(x)) per channel, min/max over the whole image. */
function channelShift(data: Float32Array, intensity: number): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return data.map((v) => Math.min(hi, Math.max(lo, Math.fround(v + intensity))));
}

/**
 * apply_brightness_shift(x, brightness, scale=False): the image goes through PIL as uint8
 * (astype truncates), ImageEnhance.Brightness blends with black in C float arithmetic and
 * truncates (clipping to 0..255 when the factor is above 1), then back to float. Images
 * outside 0..255 are first scaled to it and back, as Keras does.
 */
function brightnessShift(data: Float32Array, factor: number): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of data) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const local = lo < 0 || hi > 255;
  const alpha = Math.fround(factor);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    let v = data[i];
    if (local) v = hi - lo !== 0 ? ((v - lo) / (hi - lo)) * 255 : v - lo; // array_to_img(scale=True)
    const u8 = Math.trunc(Math.fround(v)) & 0xff;
    const blended = Math.fround(alpha * u8);
    const pil = alpha >= 0 && alpha <= 1 ? Math.trunc(blended) : blended <= 0 ? 0 : blended >= 255 ? 255 : Math.trunc(blended);
    out[i] = local ? (pil / 255) * (hi - lo) + lo : pil;
  }
  return out;
}

export function applyTransform(img: IdgImage, p: IdgParams, fillMode: ScipyMode, cval: number): IdgImage {
  const { height: h, width: w, channels: ch } = img;
  let data = img.data;
  const m = kerasAffineMatrix(p, h, w);
  if (m !== null) data = affineWarp(data, h, w, ch, [m[0][0], m[0][1], m[1][0], m[1][1]], [m[0][2], m[1][2]], fillMode, cval);
  if (p.channel_shift_intensity !== null) data = channelShift(data, p.channel_shift_intensity);
  if (p.flip_horizontal) data = flip({ ...img, data }, true);
  if (p.flip_vertical) data = flip({ ...img, data }, false);
  if (p.brightness !== null) data = brightnessShift(data, p.brightness);
  return { data, height: h, width: w, channels: ch };
}
