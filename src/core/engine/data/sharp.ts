/** sharp, loaded on first use (it is a native module, and only image folders and galleries need it). */
import type SharpDefault from 'sharp';

export type Sharp = typeof SharpDefault;

let cached: Sharp | undefined;

export function loadSharp(): Sharp {
  if (cached === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('sharp') as unknown as { default?: Sharp };
    const sharp = typeof m === 'function' ? (m as unknown as Sharp) : m.default;
    if (!sharp) throw new Error('the sharp package has no image function to load');
    cached = sharp;
  }
  return cached;
}

/** [0, 1] floats as 0–255 bytes (clipped, rounded): what sharp takes as raw pixels. */
export function toBytes(pixels: Float32Array): Buffer {
  const px = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) px[i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
  return px;
}
