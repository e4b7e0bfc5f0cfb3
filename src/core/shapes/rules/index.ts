/** Every layer rule, keyed by canonical Keras class name. */
import { attentionRules } from './attention';
import { convRules } from './conv';
import { coreRules } from './core';
import { mergeRules } from './merge';
import { normalizationRules } from './normalization';
import { poolingRules } from './pooling';
import { recurrentRules } from './recurrent';
import { reshapingRules } from './reshaping';
import { wrapperRules } from './wrappers';
import type { LayerRule } from './rule';

const BASE_RULES: Readonly<Record<string, LayerRule>> = {
  ...coreRules,
  ...convRules,
  ...poolingRules,
  ...normalizationRules,
  ...reshapingRules,
  ...mergeRules,
  ...recurrentRules,
  ...attentionRules,
};

/** Wrappers (Bidirectional, TimeDistributed) find their wrapped layer's rule here. */
export const LAYER_RULES: Readonly<Record<string, LayerRule>> = { ...BASE_RULES, ...wrapperRules((className) => BASE_RULES[className]) };

export { ShapeError, type LayerRule } from './rule';
