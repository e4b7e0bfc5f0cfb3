/** Small models and their InspectModelInfo for the inspection tests (test/engine/inspect*.test.ts). */
import type * as tfjs from '@tensorflow/tfjs';
import { describeLayers, lastConvLayer } from '../../src/core/viz/inspect/graph';
import type { InspectModelInfo } from '../../src/core/viz/inspect/types';
import { mulberry32 } from '../../src/core/engine/data/rng';

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

/** A small seeded generator (the engine's mulberry32), so weights and toy images are the same on every run. */
export const seededRandom = mulberry32;
