/**
 * What ConvLens knows about each Keras layer class: its canonical name, the order of its
 * positional arguments and the keyword arguments it accepts (Keras 3 signatures), and the
 * role it plays elsewhere. This list is the single source of the layer classes: readers use
 * it to turn `Conv2D(32, (3, 3), activation="relu")` into a keyword config, the shape engine
 * to report misspelt arguments, the TF.js builder to know how (or why not) to build a class,
 * the training loop which layers are augmentation, the summary panel which layers have a
 * step-by-step window arithmetic. test/unit/registries.test.ts checks that every class has a
 * shape rule (or says why not) and a TF.js translation (or says why not), and no more.
 */

/**
 * How the TF.js builder makes a class: a translator in engine/tfjsTranslators.ts builds the
 * same layer ('translated'), an identity stands in for a training-time-only augmentation
 * layer ('identity': training applies it per batch instead), or it cannot be built, for the
 * reason given (the user's error message).
 */
export type TfjsSupport = 'translated' | 'identity' | 'custom' | { reason: string };

export interface LayerClassInfo {
  className: string;
  /** Keyword names of the positional parameters, in order. */
  positional: string[];
  /** Every other keyword argument specific to this class. */
  keywords: string[];
  /** Other spellings: Keras aliases (MaxPool2D) and TF.js factory names (maxPooling2d). */
  aliases: string[];
  /**
   * 'merge': applied to a list of tensors, with a functional helper (`layers.add([a, b])`);
   * 'augmentation': a Keras Random* preprocessing layer, active only while training.
   */
  role?: 'merge' | 'augmentation';
  /** The 2-D sliding window whose arithmetic the summary panel shows step by step. */
  arithmetic?: 'conv' | 'max' | 'avg';
  /** Why ConvLens cannot see through this class statically (it has no shape rule). */
  opaque?: string;
  /** Absent: 'translated'. */
  tfjs?: TfjsSupport;
}

/** Arguments every Keras layer accepts (base Layer kwargs) plus their TF.js equivalents. */
export const BASE_LAYER_ARGS = [
  'name', 'trainable', 'dtype', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim',
  'weights', 'autocast', 'activity_regularizer', 'input_dtype', 'dynamic',
];

const CONV_COMMON = [
  'data_format', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer',
  'kernel_regularizer', 'bias_regularizer', 'kernel_constraint', 'bias_constraint',
];

const RANDOM_COMMON = ['seed', 'fill_mode', 'interpolation', 'fill_value', 'data_format', 'value_range'];
const AUGMENTATION = { role: 'augmentation', tfjs: 'identity' } as const;
const MERGE = { role: 'merge' } as const;
/** 3D layers are read for shapes and counts (keras.io's CT-scan classifier); training them in TF.js is not wired yet. */
const NOT_TRANSLATED_3D: TfjsSupport = { reason: 'ConvLens does not build 3D convolution or pooling layers in TF.js yet.' };

/** Read for shapes and counts; TF.js has these only in 2-D (or, CenterCrop, not in the layers ConvLens builds). */
const NOT_TRANSLATED_1D_3D: TfjsSupport = { reason: 'ConvLens does not build this 1D/3D padding, cropping, upsampling or transposed convolution (or CenterCrop) in TF.js yet.' };

/** Keyword arguments every Keras recurrent layer accepts. */
const RNN_COMMON = [
  'kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer',
  'kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'dropout', 'recurrent_dropout', 'return_sequences', 'return_state',
  'go_backwards', 'stateful', 'unroll', 'seed', 'time_major', 'zero_output_for_mask',
];
/** Wrappers and convolutional recurrence are read for shapes and counts; building them in TF.js is not wired yet. */
const NOT_TRANSLATED_SEQUENCE: TfjsSupport = { reason: 'ConvLens does not build ConvLSTM2D, Bidirectional or TimeDistributed in TF.js yet.' };

const entries: LayerClassInfo[] = [
  {
    className: 'InputLayer', positional: ['shape', 'batch_size', 'dtype'], keywords: ['sparse', 'batch_shape', 'input_tensor', 'optional', 'ragged'], aliases: [],
    tfjs: { reason: 'an InputLayer is created by buildTfjsModel (tf.input), not translated as a layer.' },
  },
  { className: 'Conv1D', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'dilation_rate', 'groups'], aliases: ['Convolution1D'] },
  { className: 'Conv2D', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'dilation_rate', 'groups'], aliases: ['Convolution2D'], arithmetic: 'conv' },
  { className: 'Conv3D', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'dilation_rate', 'groups'], aliases: ['Convolution3D'], tfjs: NOT_TRANSLATED_3D },
  { className: 'Conv1DTranspose', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'output_padding', 'dilation_rate'], aliases: ['Convolution1DTranspose'], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'Conv2DTranspose', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'output_padding', 'dilation_rate'], aliases: ['Convolution2DTranspose'] },
  { className: 'Conv3DTranspose', positional: ['filters', 'kernel_size', 'strides', 'padding'], keywords: [...CONV_COMMON, 'output_padding', 'dilation_rate'], aliases: ['Convolution3DTranspose'], tfjs: NOT_TRANSLATED_3D },
  {
    className: 'SeparableConv2D', positional: ['filters', 'kernel_size', 'strides', 'padding'],
    keywords: ['data_format', 'dilation_rate', 'depth_multiplier', 'activation', 'use_bias', 'depthwise_initializer', 'pointwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'pointwise_regularizer', 'bias_regularizer', 'depthwise_constraint', 'pointwise_constraint', 'bias_constraint'],
    aliases: ['SeparableConvolution2D'],
  },
  {
    className: 'DepthwiseConv2D', positional: ['kernel_size', 'strides', 'padding', 'depth_multiplier'],
    keywords: ['data_format', 'dilation_rate', 'activation', 'use_bias', 'depthwise_initializer', 'bias_initializer', 'depthwise_regularizer', 'bias_regularizer', 'depthwise_constraint', 'bias_constraint'],
    aliases: [],
  },
  { className: 'MaxPooling1D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['MaxPool1D'] },
  { className: 'AveragePooling1D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['AvgPool1D'] },
  { className: 'MaxPooling2D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['MaxPool2D'], arithmetic: 'max' },
  { className: 'AveragePooling2D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['AvgPool2D', 'AvgPooling2D'], arithmetic: 'avg' },
  { className: 'GlobalAveragePooling1D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalAvgPool1D'] },
  { className: 'GlobalMaxPooling1D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalMaxPool1D'] },
  { className: 'GlobalAveragePooling2D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalAvgPool2D'] },
  { className: 'GlobalMaxPooling2D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalMaxPool2D'] },
  { className: 'MaxPooling3D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['MaxPool3D'], tfjs: NOT_TRANSLATED_3D },
  { className: 'AveragePooling3D', positional: ['pool_size', 'strides', 'padding', 'data_format'], keywords: [], aliases: ['AvgPool3D'], tfjs: NOT_TRANSLATED_3D },
  { className: 'GlobalAveragePooling3D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalAvgPool3D'], tfjs: NOT_TRANSLATED_3D },
  { className: 'GlobalMaxPooling3D', positional: ['data_format'], keywords: ['keepdims'], aliases: ['GlobalMaxPool3D'], tfjs: NOT_TRANSLATED_3D },
  { className: 'Flatten', positional: ['data_format'], keywords: [], aliases: [] },
  { className: 'Embedding', positional: ['input_dim', 'output_dim', 'embeddings_initializer', 'embeddings_regularizer', 'embeddings_constraint', 'mask_zero'], keywords: ['input_length', 'lora_rank', 'sparse'], aliases: [] },
  { className: 'SimpleRNN', positional: ['units', 'activation', 'use_bias'], keywords: [...RNN_COMMON], aliases: [] },
  { className: 'LSTM', positional: ['units', 'activation', 'recurrent_activation', 'use_bias'], keywords: [...RNN_COMMON, 'unit_forget_bias', 'use_cudnn'], aliases: [] },
  { className: 'GRU', positional: ['units', 'activation', 'recurrent_activation', 'use_bias'], keywords: [...RNN_COMMON, 'reset_after', 'use_cudnn'], aliases: [] },
  {
    className: 'ConvLSTM2D', positional: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'recurrent_activation', 'use_bias'],
    keywords: [...RNN_COMMON, 'unit_forget_bias'], aliases: [], tfjs: NOT_TRANSLATED_SEQUENCE,
  },
  { className: 'Bidirectional', positional: ['layer', 'merge_mode', 'weights', 'backward_layer'], keywords: [], aliases: [], tfjs: NOT_TRANSLATED_SEQUENCE },
  { className: 'TimeDistributed', positional: ['layer'], keywords: [], aliases: [], tfjs: NOT_TRANSLATED_SEQUENCE },
  {
    className: 'MultiHeadAttention', positional: ['num_heads', 'key_dim', 'value_dim', 'dropout', 'use_bias', 'output_shape', 'attention_axes'],
    keywords: ['flash_attention', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'seed'],
    aliases: [], tfjs: { reason: 'TF.js has no MultiHeadAttention layer.' },
  },
  { className: 'Dense', positional: ['units', 'activation', 'use_bias'], keywords: ['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'kernel_constraint', 'bias_constraint', 'lora_rank'], aliases: [] },
  { className: 'Dropout', positional: ['rate', 'noise_shape', 'seed'], keywords: [], aliases: [] },
  { className: 'SpatialDropout2D', positional: ['rate', 'data_format', 'seed'], keywords: [], aliases: [] },
  {
    className: 'BatchNormalization', positional: ['axis', 'momentum', 'epsilon', 'center', 'scale'],
    keywords: ['beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint', 'synchronized'],
    aliases: [],
  },
  { className: 'LayerNormalization', positional: ['axis', 'epsilon', 'center', 'scale'], keywords: ['rms_scaling', 'beta_initializer', 'gamma_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint'], aliases: [] },
  { className: 'Activation', positional: ['activation'], keywords: [], aliases: [] },
  { className: 'ReLU', positional: ['max_value', 'negative_slope', 'threshold'], keywords: [], aliases: [] },
  { className: 'LeakyReLU', positional: ['negative_slope'], keywords: ['alpha'], aliases: [] },
  { className: 'Softmax', positional: ['axis'], keywords: [], aliases: [] },
  { className: 'Reshape', positional: ['target_shape'], keywords: [], aliases: [] },
  {
    // Not a Keras layer: `tf.nn.depth_to_space` on a Keras tensor, which TF 2 Keras wraps in an op layer (0 params).
    className: 'DepthToSpace', positional: ['block_size'], keywords: [], aliases: [],
    tfjs: { reason: 'TF.js has depthToSpace as an op but not as a layer, so ConvLens cannot build it yet.' },
  },
  { className: 'ZeroPadding1D', positional: ['padding'], keywords: ['data_format'], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'ZeroPadding2D', positional: ['padding', 'data_format'], keywords: [], aliases: [] },
  { className: 'ZeroPadding3D', positional: ['padding', 'data_format'], keywords: [], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'Cropping1D', positional: ['cropping'], keywords: ['data_format'], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'Cropping3D', positional: ['cropping', 'data_format'], keywords: [], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'UpSampling1D', positional: ['size'], keywords: ['data_format'], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'UpSampling3D', positional: ['size', 'data_format'], keywords: [], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'CenterCrop', positional: ['height', 'width'], keywords: ['data_format'], aliases: [], tfjs: NOT_TRANSLATED_1D_3D },
  { className: 'Cropping2D', positional: ['cropping', 'data_format'], keywords: [], aliases: [] },
  { className: 'UpSampling2D', positional: ['size', 'data_format', 'interpolation'], keywords: [], aliases: [] },
  { className: 'Add', positional: [], keywords: [], aliases: [], ...MERGE },
  { className: 'Subtract', positional: [], keywords: [], aliases: [], ...MERGE, tfjs: { reason: 'TF.js has no Subtract merge layer.' } },
  { className: 'Multiply', positional: [], keywords: [], aliases: [], ...MERGE },
  { className: 'Average', positional: [], keywords: [], aliases: [], ...MERGE },
  { className: 'Maximum', positional: [], keywords: [], aliases: [], ...MERGE },
  { className: 'Minimum', positional: [], keywords: [], aliases: [], ...MERGE },
  { className: 'Concatenate', positional: ['axis'], keywords: [], aliases: [], ...MERGE },
  { className: 'Rescaling', positional: ['scale', 'offset'], keywords: [], aliases: [] },
  {
    className: 'Normalization', positional: ['axis', 'mean', 'variance', 'invert'], keywords: [], aliases: [],
    tfjs: { reason: 'TF.js has no Normalization layer.' },
  },
  { className: 'Resizing', positional: ['height', 'width', 'interpolation', 'crop_to_aspect_ratio'], keywords: ['pad_to_aspect_ratio', 'fill_mode', 'fill_value', 'data_format'], aliases: [] },
  { className: 'RandomFlip', positional: ['mode', 'seed'], keywords: RANDOM_COMMON, aliases: [], ...AUGMENTATION },
  { className: 'RandomRotation', positional: ['factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'], keywords: RANDOM_COMMON, aliases: [], ...AUGMENTATION },
  { className: 'RandomZoom', positional: ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'], keywords: RANDOM_COMMON, aliases: [], ...AUGMENTATION },
  { className: 'RandomTranslation', positional: ['height_factor', 'width_factor', 'fill_mode', 'interpolation', 'seed', 'fill_value'], keywords: RANDOM_COMMON, aliases: [], ...AUGMENTATION },
  { className: 'RandomContrast', positional: ['factor', 'value_range', 'seed'], keywords: RANDOM_COMMON, aliases: [], ...AUGMENTATION },
  { className: 'RandomBrightness', positional: ['factor', 'value_range', 'seed'], keywords: ['data_format'], aliases: [], ...AUGMENTATION },
  ...(['RandomHeight', 'RandomWidth'] as const).map((className): LayerClassInfo => ({
    // TF 2 Keras: each batch is resized to a random height (width) within the factor, so that side is None.
    className, positional: ['factor', 'interpolation', 'seed'], keywords: ['data_format'], aliases: [], role: 'augmentation',
    tfjs: { reason: `TF.js has no ${className}, and no identity can stand in for it: it changes the image size.` },
  })),
  {
    className: 'RandomCrop', positional: ['height', 'width', 'seed'], keywords: ['data_format'], aliases: [], role: 'augmentation',
    tfjs: { reason: 'TF.js has no RandomCrop, and no identity can stand in for it: it changes the image size.' },
  },
  // keras.applications.<net>.preprocess_input(x): shifts or scales pixels, keeps the shape.
  // TF.js has no such layer: ConvLens builds its own (engine/preprocessInput.ts).
  { className: 'PreprocessInput', positional: [], keywords: ['data_format', 'mode'], aliases: [], tfjs: 'custom' },
  // Layers ConvLens cannot see through: recognised so the message names the real reason.
  {
    className: 'Lambda', positional: ['function', 'output_shape', 'mask', 'arguments'], keywords: [], aliases: [],
    opaque: 'a Lambda layer runs arbitrary code: its output shape is only known when it runs',
    tfjs: { reason: 'a Lambda runs arbitrary Python and cannot be translated.' },
  },
];

const byLowerName = new Map<string, LayerClassInfo>();
for (const info of entries) {
  byLowerName.set(info.className.toLowerCase(), info);
  for (const alias of info.aliases) byLowerName.set(alias.toLowerCase(), info);
}
// TF.js factory spellings that differ from the class name by more than letter case.
const TFJS_ALIASES: Record<string, string> = {
  maxpool2d: 'MaxPooling2D', avgpool2d: 'AveragePooling2D', avgpooling2d: 'AveragePooling2D',
  maxpool1d: 'MaxPooling1D', avgpool1d: 'AveragePooling1D', avgpooling1d: 'AveragePooling1D',
  globalmaxpool2d: 'GlobalMaxPooling2D', globalavgpool2d: 'GlobalAveragePooling2D',
  globalmaxpool1d: 'GlobalMaxPooling1D', globalavgpool1d: 'GlobalAveragePooling1D',
  inputlayer: 'InputLayer',
};
for (const [alias, cls] of Object.entries(TFJS_ALIASES)) {
  const info = byLowerName.get(cls.toLowerCase());
  if (info) byLowerName.set(alias, info);
}

/** Finds a layer class by Keras name, Keras alias or TF.js factory name (case-insensitive). */
export function findLayerClass(name: string): LayerClassInfo | undefined {
  return byLowerName.get(name.toLowerCase());
}

/**
 * Keras' alias spellings follow a pattern (MaxPool3D for MaxPooling3D, Convolution1D for
 * Conv1D); a class the catalog does not describe yet still gets its canonical name, so its
 * automatic name is Keras' ('max_pooling3d', not 'max_pool3d').
 */
const KERAS_ALIAS_PATTERNS: readonly [RegExp, string][] = [
  [/^GlobalAvgPool(\dD)$/, 'GlobalAveragePooling$1'],
  [/^GlobalMaxPool(\dD)$/, 'GlobalMaxPooling$1'],
  [/^AvgPool(\dD)$/, 'AveragePooling$1'],
  [/^MaxPool(\dD)$/, 'MaxPooling$1'],
  [/^(Separable)?Convolution(\dD(?:Transpose)?)$/, '$1Conv$2'],
];

/** The canonical Keras class for a name written in code: the catalog's, else Keras' alias rules, else the name itself. */
export function canonicalClassName(name: string): string {
  const info = findLayerClass(name);
  if (info) return info.className;
  const pattern = KERAS_ALIAS_PATTERNS.find(([re]) => re.test(name));
  return pattern ? name.replace(pattern[0], pattern[1]) : name;
}

/** The class of a spec's layer, by its canonical name only (what the readers write in `className`). */
export function layerClass(className: string): LayerClassInfo | undefined {
  const info = byLowerName.get(className.toLowerCase());
  return info?.className === className ? info : undefined;
}

function classesWith(role: LayerClassInfo['role']): ReadonlySet<string> {
  return new Set(entries.filter((e) => e.role === role).map((e) => e.className));
}

/** Keras' Random* augmentation layers: the identity at inference, applied per batch in training. */
export const AUGMENTATION_CLASSES = classesWith('augmentation');

/** Classes whose applied form takes a list of tensors. */
export const MERGE_CLASSES = classesWith('merge');

/** Functional merge helpers (`layers.add([a, b])`) and the class each one builds: the class name in lower case. */
export const MERGE_FUNCTIONS: Readonly<Record<string, string>> = Object.fromEntries([...MERGE_CLASSES].map((c) => [c.toLowerCase(), c]));

/** How TF.js builds `info`'s class. */
export function tfjsSupport(info: LayerClassInfo): TfjsSupport {
  return info.tfjs ?? 'translated';
}

export function allLayerClasses(): readonly LayerClassInfo[] {
  return entries;
}

/** Keras' `to_snake_case`: 'MaxPooling2D' -> 'max_pooling2d', 'LeakyReLU' -> 'leaky_re_lu'. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** TF.js config keys are camelCase; Keras' are snake_case: 'kernelSize' -> 'kernel_size'. */
export function camelToSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
