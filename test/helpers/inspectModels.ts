/** Small models and their InspectModelInfo for the inspection tests (test/engine/inspect*.test.ts). */
import type * as tfjs from '@tensorflow/tfjs';
import { describeLayers, lastConvLayer } from '../../src/core/viz/inspect/graph';
import type { InspectModelInfo } from '../../src/core/viz/inspect/types';

/** What load.ts would say about `model`, built from the same graph walk. */
export function inspectInfo(model: tfjs.LayersModel, classNames: string[], pixelScale = 1): InspectModelInfo {
  const [, height, width, channels] = model.inputs[0]?.shape as number[];
  const layers = describeLayers(model);
  return {
    source: '(test)',
    modelName: model.name,
    input: { height: height, width: width, channels: channels },
    pixelScale,
    preprocessing: [],
    classNames,
    layers,
    lastConvLayer: lastConvLayer(layers),
    backend: 'cpu',
  };
}

/** Mulberry32: a small seeded generator, so weights and toy images are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
