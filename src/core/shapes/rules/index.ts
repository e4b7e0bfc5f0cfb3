/** Every layer rule, keyed by canonical Keras class name. */
import { convRules } from './conv';
import { coreRules } from './core';
import { mergeRules } from './merge';
import { normalizationRules } from './normalization';
import { poolingRules } from './pooling';
import { reshapingRules } from './reshaping';
import type { LayerRule } from './rule';

export const LAYER_RULES: Readonly<Record<string, LayerRule>> = {
  ...coreRules,
  ...convRules,
  ...poolingRules,
  ...normalizationRules,
  ...reshapingRules,
  ...mergeRules,
};

export { ShapeError, type LayerRule } from './rule';
