/**
 * Pictures for the panels and the command line: pixels to PNG (sharp, loaded on first use),
 * enlarged with nearest-neighbour so that small inputs (MNIST's 28×28, a 7×7 feature map)
 * stay crisp and every source pixel becomes the same square: what the user sees is what the
 * model gets.
 */
import * as fs from 'fs';
import { loadSharp, toBytes } from '../engine/data/sharp';

/** Small pictures are enlarged for display to at least this many pixels on their longer side. */
export const MIN_DISPLAY_SIDE = 96;

/** The integer enlargement that brings the longer side to at least `minSide`. */
export function displayScale(height: number, width: number, minSide = MIN_DISPLAY_SIDE): number {
  return Math.max(1, Math.ceil(minSide / Math.max(height, width)));
}

export interface PngOptions {
  /** Enlarge to at least this many pixels on the longer side (default MIN_DISPLAY_SIDE; 0 keeps the size). */
  minSide?: number;
}

/** Pixels in [0, 1] (H×W×C, C 1 or 3; or 0–255 bytes) as a PNG. */
export async function encodePng(pixels: Float32Array | Uint8Array, height: number, width: number, channels: 1 | 3, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.minSide === 0 ? 1 : displayScale(height, width, options.minSide);
  const bytes = pixels instanceof Float32Array ? toBytes(pixels) : Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  let img = loadSharp()(bytes, { raw: { width, height, channels } });
  if (scale > 1) img = img.resize(width * scale, height * scale, { kernel: 'nearest' });
  // Without this sharp writes raw greyscale as a 3-channel PNG: 3× the bytes in every data URL.
  if (channels === 1) img = img.toColourspace('b-w');
  return img.png().toBuffer();
}

/** PNG bytes as a `data:image/png;base64,…` URL, for an <img> in a page (the CSP allows img-src data:). */
export const pngBytesDataUrl = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

/** The same as a `data:image/png;base64,…` URL. */
export async function pngDataUrl(pixels: Float32Array | Uint8Array, height: number, width: number, channels: 1 | 3, options: PngOptions = {}): Promise<string> {
  return pngBytesDataUrl(await encodePng(pixels, height, width, channels, options));
}

/** A PNG file of a run folder as a data URL; null when it is gone (a folder tidied by hand is shown as missing, not fatal). */
export function pngFileDataUrl(file: string): string | null {
  try {
    return pngBytesDataUrl(fs.readFileSync(file));
  } catch {
    return null;
  }
}
