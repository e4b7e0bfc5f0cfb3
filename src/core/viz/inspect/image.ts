/**
 * One image as the model gets it: taken from the data set registry at the model's input size
 * and channels, in the pixel range the model was trained on.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { loadSample } from '../../engine/data/registry';
import { DataError } from '../../engine/data/types';
import { pngDataUrl } from '../png';
import type { InspectImage, InspectModelInfo } from './types';

type Tf = typeof tfjs;

/** The prediction's picture is enlarged to at least this many pixels (types.ts: Prediction.image). */
export const PREDICTION_IMAGE_SIDE = 112;

export interface PreparedImage {
  /** 1 × height × width × channels, pixels times `info.pixelScale`. */
  x: tfjs.Tensor4D;
  label: string;
  /** The image as the model gets it, a PNG data URL. */
  display: string;
}

export async function prepareImage(tf: Tf, info: InspectModelInfo, image: InspectImage): Promise<PreparedImage> {
  const { height, width, channels } = info.input;
  if (channels !== 1 && channels !== 3)
    throw new DataError(`model '${info.modelName}' takes ${channels}-channel images; only greyscale (1) and RGB (3) images can be inspected`);
  const sample = await loadSample(image, [height, width, channels]);
  const display = await pngDataUrl(sample.pixels, height, width, channels, { minSide: PREDICTION_IMAGE_SIDE });
  const x = tf.tidy(() => tf.mul<tfjs.Tensor4D>(tf.tensor4d(sample.pixels, [1, height, width, channels]), info.pixelScale));
  return { x, label: sample.label, display };
}

/** The pixels of `x` (batch of one) back in [0, 1], for drawing. */
export function displayPixels(tf: Tf, info: InspectModelInfo, x: tfjs.Tensor4D): Float32Array {
  return tf.tidy(() => x.slice([0, 0, 0, 0], [1, -1, -1, -1]).div(info.pixelScale).clipByValue(0, 1).dataSync() as Float32Array);
}
