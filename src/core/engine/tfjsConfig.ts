/**
 * Translation of one Keras layer (class name + snake_case config, as the readers produce
 * it) into the TF.js factory and camelCase arguments that build the same layer.
 *
 * This module is pure data-in/data-out and never loads TF.js: the TF.js types are
 * imported with `import type` only.
 *
 * Where Keras and TF.js defaults differ, the Keras default is passed explicitly, because a
 * spec describes a Keras model:
 *  - kernel initialisers: TF.js Conv*, DepthwiseConv2D and Dense default to glorotNormal,
 *    Keras to glorot_uniform;
 *  - Softmax: TF.js' layer defaults to axis 1, Keras to -1;
 *  - pooling `strides=None` means "equal to pool_size" in both, so it is simply omitted.
 *
 * Keras arguments TF.js cannot honour raise {@link UnsupportedConfigError}; Keras classes
 * TF.js lacks raise {@link UnsupportedLayerError}. Arguments neither recognised here nor in
 * the Keras base Layer raise too (Keras itself rejects unknown keyword arguments).
 */

import type * as tfjs from '@tensorflow/tfjs';
import { layerClass } from '../model/catalog';
import { declaredInputShape as declaredShape } from '../model/inputShape';
import type { LayerSpec } from '../model/spec';
import { UnresolvedLayerError, UnsupportedConfigError, UnsupportedLayerError } from './errors';
import { ArgReader, baseArgs } from './tfjsArgs';
import { TRANSLATORS, identityForAugmentation } from './tfjsTranslators';

/** A factory function name in `tf.layers` ('conv2d', 'maxPooling2d', ...). */
export type TfjsFactory = keyof typeof tfjs.layers;

export interface TfjsLayerConfig {
  /** The `tf.layers` factory that builds the layer. */
  factory: TfjsFactory;
  /** Its argument object, in TF.js' camelCase spelling. */
  args: Record<string, unknown>;
  /**
   * Set when the TF.js layer is a stand-in rather than an exact equivalent (a training-only
   * augmentation layer built as an identity); the text says what is lost.
   */
  substitute?: string;
  /**
   * SeparableConv2D only: TF.js (4.x) builds the pointwise kernel with the *depthwise*
   * initialiser, ignoring `pointwiseInitializer`. When the Keras config asks for a different
   * one, the builder sets it on the layer after construction.
   */
  pointwiseInitializer?: unknown;
}

export interface TfjsConfigOptions {
  /**
   * Which name to give the TF.js layer: Keras' (`layer.name`, default) or the one TF.js
   * would have given it (`layer.tfjsName`). Invalid TF.js names are dropped (TF.js then
   * generates one).
   */
  naming?: 'keras' | 'tfjs';
  /**
   * Keras random augmentation layers (RandomFlip, RandomRotation, ...: those the layer
   * catalog marks `tfjs: 'identity'`) have no TF.js equivalent. They are the identity at
   * inference time and add no weights, so by default ('identity') they are built as a
   * linear Activation layer of the same name: shapes, parameter counts and predictions
   * match Keras, but *training* sees no augmentation. 'error' throws UnsupportedLayerError.
   */
  augmentation?: 'identity' | 'error';
}

/**
 * Translates one layer. Throws {@link UnresolvedLayerError} for a layer the reader could not
 * resolve, {@link UnsupportedLayerError} for a class TF.js lacks, {@link UnsupportedConfigError}
 * for an argument TF.js cannot honour. InputLayer and nested models are the builder's job.
 */
export function toTfjsConfig(layer: LayerSpec, options: TfjsConfigOptions = {}): TfjsLayerConfig {
  if (layer.unresolved !== undefined) throw new UnresolvedLayerError(layer, layer.unresolved);
  const name = options.naming === 'tfjs' ? layer.tfjsName : layer.name;
  const a = new ArgReader(layer);

  const support = layerClass(layer.className)?.tfjs;
  if (support === 'identity') {
    if (options.augmentation === 'error') {
      throw new UnsupportedLayerError(layer, `TF.js has no ${layer.className} augmentation layer.`);
    }
    identityForAugmentation()(a, {});
    const args = baseArgs(a, name);
    return {
      factory: 'activation',
      args: { ...args, activation: 'linear' },
      substitute: `${layer.className} built as an identity: same shape, no weights, same inference output, but no augmentation while training.`,
    };
  }

  const translate = TRANSLATORS[layer.className];
  if (translate === undefined) {
    throw new UnsupportedLayerError(layer, typeof support === 'object' ? support.reason : undefined);
  }
  const args = baseArgs(a, name);
  const factory = translate(a, args);
  a.finish();

  const result: TfjsLayerConfig = { factory, args };
  if (factory === 'separableConv2d' && JSON.stringify(args['pointwiseInitializer']) !== JSON.stringify(args['depthwiseInitializer'])) {
    result.pointwiseInitializer = args['pointwiseInitializer'];
  }
  return result;
}

/**
 * The input shape (without the batch axis) a layer's config declares: InputLayer's `shape`
 * / `batch_shape` (Keras 3) or `input_shape` / `batch_input_shape` (Keras 2), or any layer's
 * `input_shape` / `batch_input_shape` / `input_dim` keyword. Undefined when none is given.
 */
export function declaredInputShape(layer: LayerSpec): (number | null)[] | undefined {
  const declared = declaredShape(layer.config);
  if (!declared || 'shape' in declared) return declared?.shape;
  if (declared.problem === 'unknown') throw new UnresolvedLayerError(layer, `argument '${declared.key}': ${declared.detail}`);
  throw new UnsupportedConfigError(layer, declared.key, declared.detail);
}
