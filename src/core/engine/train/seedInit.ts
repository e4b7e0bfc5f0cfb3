/**
 * Reproducible initial weights: TF.js' initialisers draw from Math.random unless given a
 * seed, and the model builder does not pass one. For Conv2D / Dense / Conv2DTranspose /
 * DepthwiseConv2D layers whose kernel uses the default glorot_uniform (no seed), the kernel
 * is redrawn here from the run's seed with the same distribution (uniform in ±sqrt(6 /
 * (fan_in + fan_out)), Keras' fans). Other initialisers are left alone.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { mulberry32, subSeed } from '../data/rng';

type Tf = typeof tfjs;

function fans(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2], receptive * shape[shape.length - 1]];
}

/** Returns how many kernels were redrawn. */
export function seedInitialWeights(tf: Tf, model: tfjs.LayersModel, seed: number): number {
  let count = 0;
  model.layers.forEach((layer, li) => {
    const config = layer.getConfig() as Record<string, unknown>;
    const key = layer.getClassName() === 'DepthwiseConv2D' ? 'depthwiseInitializer' : 'kernelInitializer';
    const init = config[key] as { className?: string; config?: { seed?: number | null; scale?: number; mode?: string; distribution?: string } } | undefined;
    const c = init?.config;
    // glorot_uniform serialises as VarianceScaling(scale 1, fanAvg, uniform).
    const glorotUniform = init?.className === 'GlorotUniform' || (init?.className === 'VarianceScaling' && c?.scale === 1 && c?.mode === 'fanAvg' && c?.distribution === 'uniform');
    if (!glorotUniform || (c?.seed ?? null) !== null) return;
    const weights = layer.getWeights();
    if (weights.length === 0) return;
    const kernel = weights[0];
    const [fanIn, fanOut] = fans(kernel.shape);
    const limit = Math.sqrt(6 / Math.max(fanIn + fanOut, 1));
    const rng = mulberry32(subSeed(seed, 1000 + li));
    const values = new Float32Array(kernel.size);
    for (let i = 0; i < values.length; i++) values[i] = (rng() * 2 - 1) * limit;
    const fresh = tf.tensor(values, kernel.shape, 'float32');
    layer.setWeights([fresh, ...weights.slice(1)]);
    fresh.dispose();
    count++;
  });
  return count;
}
