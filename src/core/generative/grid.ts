/**
 * Many small images as one picture: the GAN's per-epoch sample grid and the VAE's manifold
 * (Chollet's 15×15 figure) are tiles of decoded images, row after row, with a one-pixel
 * gutter so that neighbouring digits stay apart.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { encodePng } from '../viz/png';

type Tf = typeof tfjs;

export interface Mosaic {
  pixels: Float32Array;
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Tiles N images (N × h × w × c, flattened, values in [0, 1]) into `cols` columns. */
export function tile(images: Float32Array, count: number, [h, w, c]: readonly [number, number, number], cols: number, gutter = 1): Mosaic {
  if (c !== 1 && c !== 3) throw new RangeError(`a picture needs 1 or 3 channels, not ${c}`);
  const rows = Math.ceil(count / cols);
  const height = rows * h + (rows - 1) * gutter;
  const width = cols * w + (cols - 1) * gutter;
  const pixels = new Float32Array(height * width * c);
  for (let n = 0; n < count; n++) {
    const top = Math.floor(n / cols) * (h + gutter);
    const left = (n % cols) * (w + gutter);
    for (let y = 0; y < h; y++) {
      const from = ((n * h + y) * w) * c;
      pixels.set(images.subarray(from, from + w * c), ((top + y) * width + left) * c);
    }
  }
  return { pixels, height, width, channels: c };
}

/** Decoded images (a 4-D tensor in [0, 1]) as one PNG grid; the tensor stays the caller's. */
export async function gridPng(tf: Tf, images: tfjs.Tensor4D, cols: number, minSide = 0): Promise<Buffer> {
  const [count, h, w, c] = images.shape;
  const clipped = tf.clipByValue(images, 0, 1);
  let data: Float32Array;
  try {
    data = (await clipped.data()) as Float32Array;
  } finally {
    clipped.dispose();
  }
  const mosaic = tile(data, count, [h, w, c], cols);
  return encodePng(mosaic.pixels, mosaic.height, mosaic.width, mosaic.channels, { minSide });
}
