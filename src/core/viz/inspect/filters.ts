/**
 * What a conv filter responds to: the input that maximises its mean activation, found by
 * gradient ascent on the input (Chollet, Deep Learning with Python, 1st ed. 5.4.2), and the
 * first conv layer's kernels drawn directly.
 *
 * The procedure in Chollet's 0–255 pixel units, whatever range the model takes (pixelScale):
 * start from grey plus noise (uniform·20 + 128), step = gradient / (RMS(gradient) + 1e-5)
 * (step size 1), N steps; then deprocess for display (centre, scale to 0.1 of the standard
 * deviation, + 0.5, clip to [0, 1], ×255).
 *
 * One change from Chollet: the ascent climbs the filter's output before its activation
 * function. A ReLU filter that is zero everywhere on the starting noise (common in small
 * nets, rare in VGG16) has a zero gradient there and would never move; its pre-activation
 * always has a gradient. The activations reported are the layer's real (post-activation) ones.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DataError } from '../../engine/data/types';
import { mulberry32, subSeed } from '../../engine/data/rng';
import { pngDataUrl } from '../png';
import { findLayer, splitAt } from './graph';
import type { FilterPattern, FilterRequest, InspectLayer, InspectModelInfo, KernelImages } from './types';

type Tf = typeof tfjs;
type Tensor = tfjs.Tensor;

export const DEFAULT_FILTER_STEPS = 40;

export interface FilterOptions {
  /** Stops after the current step; the patterns finished so far are returned. */
  signal?: AbortSignal;
  /** Each pattern as soon as it is finished. */
  onPattern?: (pattern: FilterPattern) => void;
  /**
   * Awaited after each pattern, with the model back as it was (the worker lets waiting
   * requests run there); throwing stops the run.
   */
  betweenFilters?: () => Promise<void>;
}

/** The layer as a conv layer of the model, or a DataError listing the conv layers there are. */
export function convLayer(info: InspectModelInfo, name: string): InspectLayer & { shape: [number, number, number] } {
  const convs = info.layers.filter((l) => l.kind === 'conv');
  if (convs.length === 0) throw new DataError(`${info.modelName} has no conv layer`);
  const layer = info.layers.find((l) => l.name === name);
  if (layer?.kind !== 'conv' || layer.shape === null) {
    const what = layer ? `'${name}' (${layer.className}) is not a conv layer` : `no layer named '${name}'`;
    throw new DataError(`${what}; the conv layers are ${convs.map((l) => l.name).join(', ')}`);
  }
  return layer as InspectLayer & { shape: [number, number, number] };
}

/** The outer model's layer `name` as a function of the model's input (its weights, no copy). */
function layerFunction(tf: Tf, model: tfjs.LayersModel, layer: InspectLayer): (x: Tensor) => Tensor {
  // tf.model cannot reach into a nested model ('Graph disconnected'): graph.ts walks it by hand.
  if (layer.parent !== undefined) {
    const split = splitAt(model, `${layer.parent}/${layer.name}`);
    return (x) => split.head(x);
  }
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer.name).output });
  return (x) => sub.apply(x) as Tensor;
}

/** Chollet's start: grey plus uniform noise, 128 + 20·U(0, 1), in 0–255 units; its own noise per filter. */
function startImage(info: InspectModelInfo, seed: number, index: number): Float32Array {
  const { height, width, channels } = info.input;
  const rng = mulberry32(subSeed(seed, index));
  const pixels = new Float32Array(height * width * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng() * 20 + 128;
  return pixels;
}

/** Centre, scale to 0.1 standard deviations, + 0.5, clip: [0, 1] pixels, 1 or 3 channels (others averaged). */
function deprocess(tf: Tf, x255: Tensor): Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x255);
    const y = x255.sub(mean).div(variance.sqrt().add(1e-5)).mul(0.1).add(0.5).clipByValue(0, 1);
    const channels = y.shape[y.shape.length - 1] ?? 1;
    return channels === 1 || channels === 3 ? y : y.mean(-1, true);
  });
}

function checkRequest(request: FilterRequest, channels: number): void {
  if (!Number.isInteger(request.steps) || request.steps < 1) throw new DataError(`steps must be a whole number ≥ 1, not ${request.steps}`);
  const bad = request.filters.find((f) => !Number.isInteger(f) || f < 0 || f >= channels);
  if (bad !== undefined) throw new DataError(`${request.layer} has filters 0 to ${channels - 1}; there is no filter ${bad}`);
  if (!Number.isInteger(request.seed)) throw new DataError(`the seed must be a whole number, not ${request.seed}`);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The part of a TF.js conv layer the ascent switches: its activation object (the layer's own field, applied last in call()). */
interface WithActivation {
  activation?: { apply(x: Tensor): Tensor; getClassName(): string } | null;
}

/**
 * Runs `work` with the layer's activation function replaced by the identity, then puts it back.
 * Safe here: the visualization worker runs one request at a time, and nothing else holds the model.
 */
async function withoutActivation<T>(tf: Tf, model: tfjs.LayersModel, layer: InspectLayer, work: () => Promise<T>): Promise<T> {
  const target = findLayer(model, layer.parent ? `${layer.parent}/${layer.name}` : layer.name)?.layer as WithActivation | undefined;
  const original = target?.activation;
  if (!target || !original || original.getClassName() === 'linear') return work();
  // TF.js' own linear activation, taken from an Activation layer: conv layers also ask it for its class name.
  target.activation = (tf.layers.activation({ activation: 'linear' }) as unknown as WithActivation).activation;
  try {
    return await work();
  } finally {
    target.activation = original;
  }
}

/**
 * Filter patterns for `request.filters` of conv layer `request.layer`, one after the other
 * (each reported through `onPattern` when done). Deterministic for a seed. Every tensor it
 * makes is disposed, also when aborted.
 */
export async function filterPatterns(tf: Tf, model: tfjs.LayersModel, info: InspectModelInfo, request: FilterRequest, options: FilterOptions = {}): Promise<FilterPattern[]> {
  const layer = convLayer(info, request.layer);
  checkRequest(request, layer.shape[2]);
  const layerOf = layerFunction(tf, model, layer);
  const { height, width, channels } = info.input;
  // Model units per 0–255 unit: the ascent runs in Chollet's units whatever the model takes.
  const unit = info.pixelScale / 255;
  const patterns: FilterPattern[] = [];
  const activationOf = async (x255: Tensor, index: number): Promise<number> => {
    const a = meanActivation(x255, index);
    const value = (await a.data())[0];
    a.dispose();
    return value;
  };
  const meanActivation = (x255: Tensor, index: number): tfjs.Scalar =>
    tf.tidy(() => {
      const a = layerOf(x255.mul(unit));
      return a.slice([0, 0, 0, index], [-1, -1, -1, 1]).mean();
    });
  for (const index of request.filters) {
    if (options.signal?.aborted) break;
    const ascend = tf.grad((x255: Tensor) => meanActivation(x255, index));
    let x: Tensor = tf.tensor4d(startImage(info, request.seed, index), [1, height, width, channels]);
    try {
      const startActivation = await activationOf(x, index);
      await withoutActivation(tf, model, layer, async () => {
        for (let step = 0; step < request.steps; step++) {
          const grad = ascend(x);
          const next = tf.tidy(() => x.add(grad.div(grad.square().mean().sqrt().add(1e-5))));
          tf.dispose([grad, x]);
          x = next;
          await nextTurn();
          if (options.signal?.aborted) break;
        }
      });
      if (options.signal?.aborted) break;
      const activation = await activationOf(x, index);
      const shown = deprocess(tf, x);
      const pixels = (await shown.data()) as Float32Array;
      const shownChannels = shown.shape[3] as 1 | 3;
      shown.dispose();
      const pattern: FilterPattern = { index, image: await pngDataUrl(pixels, height, width, shownChannels, { minSide: 0 }), activation, startActivation };
      patterns.push(pattern);
      options.onPattern?.(pattern);
      await options.betweenFilters?.();
    } finally {
      x.dispose();
    }
  }
  return patterns;
}

/**
 * The first conv layer's kernels as small images, one per filter: the kernel normalised to
 * 0–255 on its own (greyscale for 1 input channel, RGB for 3, else the mean over input
 * channels). Undefined when the model has no conv layer with a plain kh×kw×in×out kernel.
 */
export async function firstConvKernels(tf: Tf, model: tfjs.LayersModel, info: InspectModelInfo): Promise<KernelImages | undefined> {
  const first = info.layers.find((l) => l.kind === 'conv');
  if (!first) return undefined;
  const kernel = findLayer(model, first.parent === undefined ? first.name : `${first.parent}/${first.name}`)?.layer.getWeights()[0];
  if (kernel?.rank !== 4) return undefined;
  const [kh, kw, inChannels, filters] = kernel.shape as [number, number, number, number];
  const shown = inChannels === 1 || inChannels === 3 ? inChannels : 1;
  const perFilter = tf.tidy(() => {
    const k = shown === inChannels ? kernel : kernel.mean(2, true);
    // filters × kh × kw × channels, each filter scaled from its own min..max to 0..1
    const f = k.transpose([3, 0, 1, 2]);
    const min = f.min([1, 2, 3], true);
    const range = f.max([1, 2, 3], true).sub(min);
    return f.sub(min).div(range.add(1e-12));
  });
  const data = (await perFilter.data()) as Float32Array;
  perFilter.dispose();
  const size = kh * kw * shown;
  const images: string[] = [];
  for (let i = 0; i < filters; i++) images.push(await pngDataUrl(data.subarray(i * size, (i + 1) * size), kh, kw, shown));
  return { layer: first.name, shape: [kh, kw, inChannels], images };
}
