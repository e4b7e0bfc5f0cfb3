/**
 * The model specification: what the source readers extract from user code and what
 * every other part of ConvLens (shapes, engine, editor, CLI) consumes.
 *
 * Everything here is plain data (JSON-serialisable) so it can cross a worker boundary
 * or a webview message unchanged.
 */

import type { CustomLayerSpec } from './customLayer';

/** 1-based line and column, as editors and the CLI's JSON show them. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Diagnostic {
  severity: Severity;
  message: string;
  range: SourceRange;
  /** Stable identifier so the editor can offer quick fixes, e.g. 'dense-on-rank4'. */
  code?: string;
}

/** A value that static reading could not determine, with the reason shown to the user. */
export interface UnknownValue {
  unknown: string;
}

export type ConfigValue = number | string | boolean | null | UnknownValue | ConfigValue[] | ConfigObject;
export interface ConfigObject {
  [key: string]: ConfigValue;
}

export function isUnknown(v: unknown): v is UnknownValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as UnknownValue).unknown === 'string';
}

export type SourceLanguage = 'python' | 'typescript';

/** The API dialect a layer was written in: argument names differ (kernel_size vs kernelSize). */
export type Dialect = 'keras' | 'tfjs';

export interface LayerSpec {
  /** Canonical Keras class name ('Conv2D', 'MaxPooling2D', ...) or the user's name for an unknown layer. */
  className: string;
  /**
   * Arguments normalised to Keras' snake_case keyword names, positional arguments already
   * mapped to their keywords. Unknown argument names are kept as written so they can be reported.
   */
  config: ConfigObject;
  /** Keras' automatic name ('conv2d_1'), or the user's `name=` argument. */
  name: string;
  /** The name TF.js would give the same layer ('conv2d_Conv2D2'), or the user's name. */
  tfjsName: string;
  /** The layer construction (sequential) or its application to a tensor (functional). */
  range: SourceRange;
  /** Ranges of individual arguments, keyed like `config`, for diagnostics that point at one argument. */
  argRanges: Record<string, SourceRange>;
  /** Indices into the model's `layers` of the layers whose outputs feed this one. */
  inbound: number[];
  /**
   * Which output of each inbound layer feeds this one, when one of them gives several (a
   * custom layer whose call returns a tuple); absent means the first of each.
   */
  inboundOutputs?: number[];
  /** Set when the reader knows this cannot be analysed statically (Lambda, custom class, unknown call). */
  unresolved?: string;
  /**
   * Index of an earlier entry in `layers` that is the same layer object applied again
   * (a shared layer): its weights are counted once.
   */
  sharedWith?: number;
  /** A whole model used as a layer (e.g. a data-augmentation Sequential inside a functional model). */
  nested?: ModelSpec;
  /**
   * The reader's id of the layer object, set only where that object's weights appear in more
   * than one row (a sublayer two custom layers hold, or one the model also applies): the
   * totals count them once, as Keras does.
   */
  weightsId?: number;
  /** A user's keras.layers.Layer subclass read from its class body (python/customLayer.ts). */
  custom?: CustomLayerSpec;
}

export interface CompileSpec {
  optimizer?: string;
  learningRate?: number;
  loss?: string;
  /** True when the loss was given `from_logits=True`. */
  fromLogits?: boolean;
  metrics?: string[];
  range: SourceRange;
}

/** One optimizer as the code writes it: `keras.optimizers.Adam(learning_rate=3e-4)` → adam, 0.0003. */
export interface OptimizerSpec {
  optimizer?: string;
  learningRate?: number;
}

/**
 * The compile call of the user's keras.Model subclass a model was given to (keras.io's
 * `gan.compile(d_optimizer=…, g_optimizer=…, loss_fn=…)`, `vae.compile(optimizer=…)`): how the
 * recipe trains, which ConvLens follows instead of the examples' published settings.
 */
export interface TrainerCompileSpec {
  trainerClass: string;
  /** By keyword: `optimizer`, `d_optimizer`, `g_optimizer`. */
  optimizers: Record<string, OptimizerSpec>;
  /** `loss_fn` (or `loss`), snake_case. */
  loss?: string;
  fromLogits?: boolean;
  range: SourceRange;
}

/**
 * Pretrained weights a keras.applications model asks for (`weights="imagenet"`, Keras' default,
 * or a file path): the file Keras itself would load, by its name in Keras' cache
 * (~/.keras/models/), and where Keras downloads it from.
 */
export interface PretrainedWeights {
  application: string;
  /** A file name in Keras' cache folder, or the path the code gives. */
  file: string;
  url?: string;
}

export interface ModelSpec {
  /** The variable the model is bound to in the user's code ('model', 'conv_base'), else Keras' name. */
  name: string;
  /** Keras' automatic or user-given model name ('sequential', 'functional_1'). */
  kerasName: string;
  kind: 'sequential' | 'functional';
  language: SourceLanguage;
  dialect: Dialect;
  /** The model constructor call (Sequential(...), keras.Model(...), tf.sequential(...)). */
  range: SourceRange;
  /**
   * Layers in the order Keras lists them in `model.summary()`. For a functional model this
   * includes its InputLayer entries; for a Sequential the input shape is in `inputShape`.
   */
  layers: LayerSpec[];
  /** Sequential only: the input shape without the batch axis, if the code gives one. */
  inputShape?: (number | null)[];
  /**
   * Sequential only: the code declares an input shape but its value is not known statically
   * (`Input(shape=(x_train.shape[1],))`): why. Not the same as declaring none.
   */
  inputShapeUnknown?: string;
  /** Functional only: indices of input and output layers. */
  inputs: number[];
  outputs: number[];
  compile?: CompileSpec;
  /** The compile call of a keras.Model subclass (a GAN or VAE trainer) this model was given to. */
  trainerCompile?: TrainerCompileSpec;
  /** The last `model.fit(...)` / `fit_generator(...)` call on this model, when the code has one. */
  fit?: FitSpec;
  /** False after `model.trainable = False` (a frozen conv base): all weights non-trainable. */
  trainable?: boolean;
  /** A keras.applications model with pretrained weights: training starts from them. */
  pretrained?: PretrainedWeights;
  /**
   * `model.load_weights("w.h5")` in the code (a Keras weights file, or a whole model .h5/.keras
   * whose weights Keras takes): training starts from them. As written, relative to the code's folder.
   */
  weightsFile?: string;
  /**
   * Conditions the code branches on that ConvLens cannot decide and whose other branch builds this
   * model differently (other shapes or parameter counts): one line each, naming the condition. The
   * model is read with the first branch, so its totals are not known to be Keras' (never complete).
   */
  undecidedBranches?: string[];
  /** Problems found while reading (not shape problems: those come from the shape engine). */
  diagnostics: Diagnostic[];
}

/**
 * Training settings written in the user's `model.fit(...)`: they become the Train command's
 * defaults (a project's convlens.json and the last run still win where the user set them).
 * Each field is absent when the code does not give it or its value is not known statically.
 */
export interface FitSpec {
  epochs?: number;
  batchSize?: number;
  validationSplit?: number;
  /** `callbacks=[EarlyStopping(patience=...)]` (Keras' 0 becomes 1: both stop at the first epoch without improvement). */
  earlyStoppingPatience?: number;
  /** EarlyStopping's `monitor`, in ConvLens' names ('val_accuracy' becomes 'val_acc'); absent: Keras' default val_loss. */
  earlyStoppingMonitor?: 'val_loss' | 'val_acc' | 'loss' | 'acc';
  stepsPerEpoch?: number;
  validationSteps?: number;
  /**
   * The first argument (x or a generator) as written: its variable name when it is a plain name or `gen.flow...(...)` call target.
   * When it is an ImageDataGenerator (or one of its iterators), `generator` is that generator as read: training applies its transforms.
   */
  data?: FitData;
  validationData?: FitData;
  /** The call was the legacy `fit_generator`. */
  legacyGenerator?: boolean;
  range: SourceRange;
}

export interface FitData {
  variable?: string;
  text: string;
  range: SourceRange;
  generator?: FitGenerator;
}

/** The ImageDataGenerator a fit() argument comes from: its options and the iterator fit() was given (absent: the generator itself). */
export interface FitGenerator {
  name: string;
  config: ConfigObject;
  unsupported: DataGeneratorSpec['unsupported'];
  flow?: DataFlowSpec;
  /** The `ImageDataGenerator(` call. */
  range: SourceRange;
}

/**
 * A Keras `ImageDataGenerator(...)` bound to a variable (Chollet 1st edition's augmentation
 * API) and the iterators made from it (`flow_from_directory`, `flow`).
 */
export interface DataGeneratorSpec {
  /** The variable it is bound to ('train_datagen', 'datagen'). */
  name: string;
  /** The constructor's keyword arguments, Keras' names, as read (unknowns kept with a reason). */
  config: ConfigObject;
  /** Options Keras has that ConvLens does not apply (featurewise_center, zca_whitening, ...), each with the reason. */
  unsupported: { option: string; reason: string }[];
  flows: DataFlowSpec[];
  range: SourceRange;
}

export interface DataFlowSpec {
  /** The variable the iterator is bound to ('train_generator'), when it is bound to one. */
  name?: string;
  method: 'flow_from_directory' | 'flow';
  /** flow_from_directory's directory, when it is a literal or a known string. */
  directory?: string;
  targetSize?: [number, number];
  batchSize?: number;
  classMode?: string;
  colorMode?: string;
  /** load_img's resize filter ('nearest', Keras' default; 'bilinear', 'bicubic', ...). */
  interpolation?: string | UnknownValue;
  /** The class folders, labelled in this order (absent: every subfolder, sorted). */
  classes?: string[] | UnknownValue;
  /** 'training' / 'validation': the part of each class's files the generator's validation_split gives; absent: all of them. */
  subset?: string | UnknownValue;
  /** Batches in a new random order every pass (Keras' default), or in file order. */
  shuffle?: boolean;
  /** Whether symbolic links to subfolders are walked into (Keras' default: no). */
  followLinks?: boolean;
  /** load_img crops the centre to the target's aspect ratio before resizing (Keras' default: no). */
  keepAspectRatio?: boolean | UnknownValue;
  range: SourceRange;
}

/** The result of reading one source file. */
export interface ReadResult {
  language: SourceLanguage;
  models: ModelSpec[];
  /** The ImageDataGenerators the file defines (Python only), in source order. */
  generators?: DataGeneratorSpec[];
  /** File-level problems: syntax errors, unresolvable imports used for models. */
  diagnostics: Diagnostic[];
}
