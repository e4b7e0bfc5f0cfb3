/**
 * A layer's feature maps for one image, every channel as its own picture, normalised as in
 * Chollet's notebook (5.4 / 9.4): centre on the mean, divide by the standard deviation, ×64
 * + 128, clip to 0–255, then drawn in viridis instead of matplotlib's default.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DataError } from '../../engine/data/types';
import { pngDataUrl } from '../png';
import { colorize, viridis } from './colormap';
import { featureMapLayers, splitAt } from './graph';
import type { ChannelMap, InspectLayer, InspectModelInfo, LayerActivations } from './types';

type Tf = typeof tfjs;

/** Feature maps are small (7×7 … 180×180): each is enlarged to at least this many pixels. */
export const CHANNEL_IMAGE_SIDE = 64;

/** The layer `name` (plain or 'parent/name') as the model info lists it. */
export function infoLayer(info: InspectModelInfo, name: string): InspectLayer | undefined {
  return info.layers.find((l) => l.name === name || `${l.parent}/${l.name}` === name);
}

/** The layer `name`, which must give feature maps; else a DataError listing the layers that do. */
export function featureMapLayer(info: InspectModelInfo, name: string): InspectLayer & { shape: [number, number, number] } {
  const layer = infoLayer(info, name);
  const names = featureMapLayers(info.layers).map((l) => l.name);
  const choices = names.length > 0 ? `layers with feature maps: ${names.join(', ')}` : 'the model has none';
  if (!layer) throw new DataError(`model '${info.modelName}' has no layer '${name}'; ${choices}`);
  if (layer.shape?.length !== 3)
    throw new DataError(`layer '${name}' (${layer.className}) has no feature maps (its output is not height × width × channels); ${choices}`);
  return layer as InspectLayer & { shape: [number, number, number] };
}

/** Chollet's per-channel normalisation to 0–255, then to [0, 1] for the colour map. A constant channel is mid-grey (128). */
export function normaliseChannel(values: Float32Array): Float32Array {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / values.length);
  return values.map((v) => Math.min(255, Math.max(0, (std > 0 ? (v - mean) / std : 0) * 64 + 128)) / 255);
}

function channelStats(values: Float32Array): Pick<ChannelMap, 'min' | 'mean' | 'max' | 'dead'> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { min, mean: sum / values.length, max, dead: min === 0 && max === 0 };
}

/** The layer's output for the first image of `x`, channel after channel (each channel's h × w values contiguous). */
export async function channelValues(
  tf: Tf,
  model: tfjs.LayersModel,
  x: tfjs.Tensor4D,
  layerName: string,
  [height, width, depth]: [number, number, number],
): Promise<Float32Array> {
  const maps = tf.tidy(() =>
    splitAt(model, layerName)
      .head(x.slice([0, 0, 0, 0], [1, -1, -1, -1]))
      .reshape([height * width, depth])
      .transpose(),
  );
  try {
    return await maps.data<'float32'>();
  } finally {
    maps.dispose();
  }
}

/** Every channel of layer `layerName`'s output for the image `x` (batch of one). */
export async function layerActivations(
  tf: Tf,
  model: tfjs.LayersModel,
  info: InspectModelInfo,
  x: tfjs.Tensor4D,
  layerName: string,
): Promise<LayerActivations> {
  const layer = featureMapLayer(info, layerName);
  const [height, width, depth] = layer.shape;
  const data = await channelValues(tf, model, x, layerName, layer.shape);
  const size = height * width;
  const channels: ChannelMap[] = [];
  for (let c = 0; c < depth; c++) {
    const values = data.subarray(c * size, (c + 1) * size);
    const image = await pngDataUrl(colorize(normaliseChannel(values), viridis), height, width, 3, { minSide: CHANNEL_IMAGE_SIDE });
    channels.push({ index: c, ...channelStats(values), image });
  }
  return { layer, shape: [height, width, depth], channels };
}
