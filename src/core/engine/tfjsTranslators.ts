/**
 * One translator per Keras class the layer catalog (../model/catalog.ts) marks 'translated':
 * reads the config through an ArgReader, fills the TF.js arguments and returns the
 * `tf.layers` factory name. Classes built otherwise, or not at all, say so in the catalog.
 */
import type { TfjsFactory } from './tfjsConfig';
import { type ArgReader, activation, convGeometry, dataFormat, initializer, isOne, kernelArgs, padding, setIfDefined, weightArgs } from './tfjsArgs';
import type { ConfigValue } from '../model/spec';

export type Translator = (a: ArgReader, out: Record<string, unknown>) => TfjsFactory;

export function conv(rank: 1 | 2): Translator {
  return (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, rank);
    a.onlyDefault('groups', (v) => v === 1, 'TF.js has no grouped convolution');
    kernelArgs(a, out);
    return rank === 1 ? 'conv1d' : 'conv2d';
  };
}

/**
 * SimpleRNN, LSTM and GRU: Keras' defaults made explicit where TF.js' differ (LSTM and GRU
 * gate with 'sigmoid' in Keras 2.x/3 but 'hardSigmoid' in TF.js; the recurrent kernel starts
 * 'orthogonal' in both).
 */
function recurrent(a: ArgReader, out: Record<string, unknown>, factory: 'simpleRNN' | 'lstm' | 'gru'): TfjsFactory {
  out['units'] = a.requiredNumber('units');
  out['activation'] = a.raw('activation') === undefined ? 'tanh' : activation(a);
  if (factory !== 'simpleRNN') out['recurrentActivation'] = a.raw('recurrent_activation') === undefined ? 'sigmoid' : activation(a, 'recurrent_activation');
  setIfDefined(out, 'useBias', a.bool('use_bias'));
  weightArgs(a, out, 'kernel', 'glorotUniform');
  weightArgs(a, out, 'recurrent', 'orthogonal');
  weightArgs(a, out, 'bias', 'zeros');
  setIfDefined(out, 'dropout', a.number('dropout'));
  setIfDefined(out, 'recurrentDropout', a.number('recurrent_dropout'));
  setIfDefined(out, 'returnSequences', a.bool('return_sequences'));
  a.onlyDefault('return_state', (v) => v === false, 'ConvLens follows one output per layer');
  setIfDefined(out, 'goBackwards', a.bool('go_backwards'));
  a.onlyDefault('stateful', (v) => v === false, 'stateful recurrence needs a fixed batch, which ConvLens training does not keep');
  setIfDefined(out, 'unroll', a.bool('unroll'));
  for (const key of ['seed', 'use_cudnn', 'time_major', 'zero_output_for_mask']) a.onlyDefault(key, () => true, 'not used by TF.js');
  return factory;
}

export function pooling(rank: 1 | 2, factory: TfjsFactory): Translator {
  return (a, out) => {
    setIfDefined(out, 'poolSize', a.intTuple('pool_size', rank));
    // Keras strides=None means strides = pool_size, which is also TF.js' default.
    setIfDefined(out, 'strides', a.intTuple('strides', rank));
    setIfDefined(out, 'padding', padding(a));
    dataFormat(a);
    return factory;
  };
}

export function globalPooling(factory: TfjsFactory): Translator {
  return (a) => {
    dataFormat(a);
    a.onlyDefault('keepdims', (v) => v === false, 'TF.js global pooling has no keepdims');
    return factory;
  };
}

export function merge(factory: TfjsFactory): Translator {
  return () => factory;
}

export function identityForAugmentation(): Translator {
  return (a) => {
    // Consume every argument: the stand-in takes none of them.
    for (const key of Object.keys(a.layer.config)) a.raw(key);
    return 'activation';
  };
}

export const TRANSLATORS: Record<string, Translator> = {
  Conv1D: conv(1),
  Conv2D: conv(2),
  Conv2DTranspose: (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, 2);
    if (out['dilationRate'] !== undefined && !isOne(out['dilationRate'] as ConfigValue)) {
      a.fail('dilation_rate', 'TF.js Conv2DTranspose ignores dilation');
    }
    a.onlyDefault('output_padding', () => false, 'TF.js Conv2DTranspose has no output_padding');
    kernelArgs(a, out);
    return 'conv2dTranspose';
  },
  SeparableConv2D: (a, out) => {
    out['filters'] = a.requiredNumber('filters');
    convGeometry(a, out, 2);
    setIfDefined(out, 'depthMultiplier', a.number('depth_multiplier'));
    out['activation'] = activation(a);
    setIfDefined(out, 'useBias', a.bool('use_bias'));
    weightArgs(a, out, 'depthwise', 'glorotUniform');
    weightArgs(a, out, 'pointwise', 'glorotUniform');
    weightArgs(a, out, 'bias', 'zeros');
    return 'separableConv2d';
  },
  DepthwiseConv2D: (a, out) => {
    convGeometry(a, out, 2);
    if (out['dilationRate'] !== undefined && !isOne(out['dilationRate'] as ConfigValue)) {
      a.fail('dilation_rate', 'TF.js DepthwiseConv2D ignores dilation');
    }
    setIfDefined(out, 'depthMultiplier', a.number('depth_multiplier'));
    out['activation'] = activation(a);
    setIfDefined(out, 'useBias', a.bool('use_bias'));
    weightArgs(a, out, 'depthwise', 'glorotUniform');
    weightArgs(a, out, 'bias', 'zeros');
    return 'depthwiseConv2d';
  },
  MaxPooling1D: pooling(1, 'maxPooling1d'),
  AveragePooling1D: pooling(1, 'averagePooling1d'),
  MaxPooling2D: pooling(2, 'maxPooling2d'),
  AveragePooling2D: pooling(2, 'averagePooling2d'),
  GlobalAveragePooling1D: globalPooling('globalAveragePooling1d'),
  GlobalMaxPooling1D: globalPooling('globalMaxPooling1d'),
  GlobalAveragePooling2D: globalPooling('globalAveragePooling2d'),
  GlobalMaxPooling2D: globalPooling('globalMaxPooling2d'),
  Flatten: (a) => {
    dataFormat(a);
    return 'flatten';
  },
  Embedding: (a, out) => {
    out['inputDim'] = a.requiredNumber('input_dim');
    out['outputDim'] = a.requiredNumber('output_dim');
    // Keras' default is RandomUniform(-0.05, 0.05), TF.js' 'randomUniform' with the same range.
    out['embeddingsInitializer'] = initializer(a, 'embeddings_initializer', 'randomUniform');
    a.onlyDefault('embeddings_regularizer', (v) => v === null, 'ConvLens does not pass an embeddings regulariser to TF.js yet');
    a.onlyDefault('embeddings_constraint', (v) => v === null, 'ConvLens does not pass an embeddings constraint to TF.js yet');
    setIfDefined(out, 'maskZero', a.bool('mask_zero'));
    setIfDefined(out, 'inputLength', a.number('input_length'));
    a.onlyDefault('lora_rank', () => false, 'TF.js Embedding has no LoRA');
    a.onlyDefault('sparse', (v) => v === false, 'TF.js has no sparse embeddings');
    return 'embedding';
  },
  SimpleRNN: (a, out) => recurrent(a, out, 'simpleRNN'),
  LSTM: (a, out) => {
    setIfDefined(out, 'unitForgetBias', a.bool('unit_forget_bias'));
    return recurrent(a, out, 'lstm');
  },
  GRU: (a, out) => {
    // Keras' default is reset_after=True (two biases per gate); TF.js' GRU cell has only the
    // reset_after=False form, so a default Keras GRU cannot be built as it is.
    a.onlyDefault('reset_after', (v) => v === false, "TF.js builds GRU only with reset_after=False (Keras' default is True): write GRU(..., reset_after=False) to train it here");
    if (a.raw('reset_after') === undefined) a.fail('reset_after', "Keras' GRU defaults to reset_after=True, which TF.js cannot build: write GRU(..., reset_after=False) to train it here");
    out['resetAfter'] = false;
    return recurrent(a, out, 'gru');
  },
  Dense: (a, out) => {
    out['units'] = a.requiredNumber('units');
    kernelArgs(a, out);
    a.onlyDefault('lora_rank', () => false, 'TF.js Dense has no LoRA');
    return 'dense';
  },
  Dropout: (a, out) => {
    out['rate'] = a.requiredNumber('rate');
    setIfDefined(out, 'noiseShape', a.intList('noise_shape', true));
    setIfDefined(out, 'seed', a.number('seed'));
    return 'dropout';
  },
  // Keras' SpatialDropout2D is exactly Dropout with noise shape (batch, 1, 1, channels) in
  // channels_last; TF.js' Dropout fills the None entries from the input, so this is exact.
  SpatialDropout2D: (a, out) => {
    out['rate'] = a.requiredNumber('rate');
    setIfDefined(out, 'seed', a.number('seed'));
    dataFormat(a);
    out['noiseShape'] = [null, 1, 1, null];
    return 'dropout';
  },
  BatchNormalization: (a, out) => {
    // tf.keras 2.x saves the axis as a one-element list ([3]) in model files.
    const axis = a.raw('axis');
    if (Array.isArray(axis) && axis.length === 1 && typeof axis[0] === 'number') out['axis'] = axis[0];
    else setIfDefined(out, 'axis', a.number('axis'));
    setIfDefined(out, 'momentum', a.number('momentum'));
    setIfDefined(out, 'epsilon', a.number('epsilon'));
    setIfDefined(out, 'center', a.bool('center'));
    setIfDefined(out, 'scale', a.bool('scale'));
    weightArgs(a, out, 'beta', 'zeros');
    weightArgs(a, out, 'gamma', 'ones');
    out['movingMeanInitializer'] = initializer(a, 'moving_mean_initializer', 'zeros');
    out['movingVarianceInitializer'] = initializer(a, 'moving_variance_initializer', 'ones');
    // synchronized only matters for multi-device training; the single-device result is the same.
    a.bool('synchronized');
    return 'batchNormalization';
  },
  LayerNormalization: (a, out) => {
    const axis = a.raw('axis');
    if (axis !== undefined) {
      if (typeof axis !== 'number' && !(Array.isArray(axis) && axis.every((x) => typeof x === 'number'))) {
        a.fail('axis', `expected an int or a list of ints, got ${JSON.stringify(axis)}`);
      }
      out['axis'] = axis;
    }
    setIfDefined(out, 'epsilon', a.number('epsilon'));
    setIfDefined(out, 'center', a.bool('center'));
    setIfDefined(out, 'scale', a.bool('scale'));
    a.onlyDefault('rms_scaling', (v) => v === false, 'TF.js LayerNormalization has no rms_scaling');
    weightArgs(a, out, 'beta', 'zeros', false);
    weightArgs(a, out, 'gamma', 'ones', false);
    a.onlyDefault('beta_constraint', () => false, 'TF.js LayerNormalization has no constraints');
    a.onlyDefault('gamma_constraint', () => false, 'TF.js LayerNormalization has no constraints');
    return 'layerNormalization';
  },
  Activation: (a, out) => {
    out['activation'] = activation(a);
    return 'activation';
  },
  ReLU: (a, out) => {
    const maxValue = a.number('max_value');
    const slope = a.number('negative_slope') ?? 0;
    const threshold = a.number('threshold') ?? 0;
    if (threshold !== 0) a.fail('threshold', 'TF.js ReLU has no threshold');
    if (slope !== 0) {
      // ReLU(negative_slope=s) without a cap is exactly LeakyReLU(s).
      if (maxValue !== undefined) a.fail('negative_slope', 'TF.js has no capped leaky ReLU');
      out['alpha'] = slope;
      return 'leakyReLU';
    }
    setIfDefined(out, 'maxValue', maxValue);
    return 'reLU';
  },
  LeakyReLU: (a, out) => {
    // Keras 3 calls it negative_slope, Keras 2 alpha; both default to 0.3, as TF.js' alpha does.
    const slope = a.number('negative_slope') ?? a.number('alpha');
    setIfDefined(out, 'alpha', slope);
    return 'leakyReLU';
  },
  Softmax: (a, out) => {
    out['axis'] = a.number('axis') ?? -1;
    return 'softmax';
  },
  Reshape: (a, out) => {
    const target = a.intList('target_shape', false);
    if (target === undefined) a.fail('target_shape', 'this argument is required');
    out['targetShape'] = target;
    return 'reshape';
  },
  ZeroPadding2D: (a, out) => {
    setIfDefined(out, 'padding', nestedPadding(a, 'padding'));
    dataFormat(a);
    return 'zeroPadding2d';
  },
  Cropping2D: (a, out) => {
    out['cropping'] = nestedPadding(a, 'cropping') ?? 0;
    dataFormat(a);
    return 'cropping2D';
  },
  UpSampling2D: (a, out) => {
    setIfDefined(out, 'size', a.intTupleExpanded('size', 2));
    const interpolation = a.string('interpolation');
    if (interpolation !== undefined) {
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') a.fail('interpolation', `TF.js supports 'nearest' and 'bilinear', got '${interpolation}'`);
      out['interpolation'] = interpolation;
    }
    dataFormat(a);
    return 'upSampling2d';
  },
  Add: merge('add'),
  Multiply: merge('multiply'),
  Average: merge('average'),
  Maximum: merge('maximum'),
  Minimum: merge('minimum'),
  Concatenate: (a, out) => {
    setIfDefined(out, 'axis', a.number('axis'));
    return 'concatenate';
  },
  Rescaling: (a, out) => {
    out['scale'] = a.requiredNumber('scale');
    setIfDefined(out, 'offset', a.number('offset'));
    return 'rescaling';
  },
  Resizing: (a, out) => {
    out['height'] = a.requiredNumber('height');
    out['width'] = a.requiredNumber('width');
    const interpolation = a.string('interpolation');
    if (interpolation !== undefined) {
      if (interpolation !== 'nearest' && interpolation !== 'bilinear') a.fail('interpolation', `TF.js supports 'nearest' and 'bilinear', got '${interpolation}'`);
      out['interpolation'] = interpolation;
    }
    // TF.js treats cropToAspectRatio as "not alignCorners" and never crops.
    a.onlyDefault('crop_to_aspect_ratio', (v) => v === false, 'TF.js Resizing does not implement crop_to_aspect_ratio');
    a.onlyDefault('pad_to_aspect_ratio', (v) => v === false, 'TF.js Resizing has no pad_to_aspect_ratio');
    a.raw('fill_mode'); // only used with pad_to_aspect_ratio
    a.raw('fill_value');
    dataFormat(a);
    return 'resizing';
  },
};

/** ZeroPadding2D / Cropping2D: int, (sym_h, sym_w) or ((top, bottom), (left, right)). */
export function nestedPadding(a: ArgReader, key: string): unknown {
  const v = a.raw(key);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 2) {
    // Copies: tfjs layers may rewrite the arrays they are given, and these belong to the spec.
    if (v.every((x) => typeof x === 'number')) return [...v];
    if (v.every((x) => Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'number'))) return v.map((x) => [...(x as number[])]);
  }
  return a.fail(key, `expected an int, a pair of ints or a pair of pairs, got ${JSON.stringify(v)}`);
}
