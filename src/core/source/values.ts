/**
 * Values of the symbolic evaluator shared by the Python and TypeScript readers.
 * The readers interpret a small, safe subset of each language (constants, arithmetic,
 * lists, loops, helper functions) over these values; library calls become layer,
 * tensor and model objects that the runtime turns into ModelSpecs.
 */
import type { CustomLayerSpec } from '../model/customLayer';
import type { FitData, SourceRange, PretrainedWeights } from '../model/spec';

export type Value =
  /** `float`: a Python float (3.0, 1/2), so isinstance(x, int) is decided; absent for ints and TS numbers. */
  | { kind: 'number'; value: number; float?: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  /**
   * `pythonType`: what Python has where ConvLens keeps a list of the items (a `range`, `zip` or
   * `enumerate` object, a tensor's shape, which is a TensorShape in tf.keras), so isinstance(x, list) is not decided.
   */
  | { kind: 'list'; items: Value[]; tuple: boolean; pythonType?: string }
  /** Python dict with string keys or a JS object literal; `ranges` locate each entry's value. */
  | { kind: 'dict'; entries: Map<string, Value>; ranges?: Map<string, SourceRange> }
  /** `shape`: an unknown value known to be a tensor of this shape (a Variable's initial value, source/layerWeights.ts). */
  | { kind: 'unknown'; reason: string; shape?: number[] }
  /** A name inside a library namespace, canonicalised: 'keras.layers.Conv2D', 'tfjs.layers.conv2d'. */
  | { kind: 'ref'; path: string }
  | { kind: 'layer'; layer: LayerObject }
  | { kind: 'tensor'; tensor: SymbolicTensor }
  | { kind: 'model'; model: ModelObject }
  /** A user function or other interpreter-owned callable; opaque to the runtime. */
  | { kind: 'function'; name: string; impl: unknown }
  /** `obj.method` before it is called: `model.add`, `layer.apply`, `model.compile`. */
  | { kind: 'method'; target: Value; name: string }
  /** An instance of the user's keras.Model subclass (keras.io's `GAN(...)`, `VAE(...)`): only its models and compile are read. */
  | { kind: 'trainer'; trainer: TrainerObject };

/**
 * `gan = GAN(discriminator=d, generator=g, latent_dim=128)` then `gan.compile(d_optimizer=…,
 * g_optimizer=…, loss_fn=…)`: ConvLens never runs the class's train_step, but the compile call
 * says how the recipe trains (optimizers, learning rates, from_logits), so it is kept with
 * the models the instance was given.
 */
export interface TrainerObject {
  className: string;
  /** The constructor's model arguments. */
  models: ModelObject[];
  range: SourceRange;
}

/** A compile call on a TrainerObject: its keyword arguments as written. */
export interface TrainerCompileCall {
  trainerClass: string;
  keyword: Map<string, Value>;
  range: SourceRange;
}

export interface LayerObject {
  id: number;
  className: string;
  /** Keyword config (Keras snake_case), positional arguments already mapped. */
  config: Map<string, Value>;
  argRanges: Map<string, SourceRange>;
  range: SourceRange;
  /** Keras' automatic name or the user's `name=`; assigned at construction like Keras does. */
  name: string;
  tfjsName: string;
  unresolved?: string;
  /** A user's Layer subclass: its output shape and weights as read from the class body. */
  custom?: CustomLayerSpec;
  /** A user's Layer subclass: what its `__init__` stored on `self`. */
  instance?: LayerInstance;
}

/** The state of a user's Layer subclass object, built by running its `__init__` (python/customClass.ts). */
export interface LayerInstance {
  /** `self.x = …`: plain values, sublayers, weights. */
  attrs: Map<string, Value>;
  /** `self.add_weight(...)` calls, with the value each returned, so `self.w` is known to be that weight. */
  weights: { value: Value; dims: number[]; trainable: boolean }[];
  /** Why a weight could not be read. */
  problems: string[];
  /** The sublayers its `call` applies, once read: their weights are counted in this layer's row. */
  sublayers?: (LayerObject | ModelObject)[];
}

export interface GraphNode {
  id: number;
  /** The layer applied, a nested model, or undefined for an Input. */
  layer?: LayerObject;
  nestedModel?: ModelObject;
  /** For Inputs: the InputLayer object that carries shape and name. */
  inputLayer?: LayerObject;
  inputs: SymbolicTensor[];
  range: SourceRange;
}

export interface SymbolicTensor {
  node: GraphNode;
  /** Which of the node's outputs, when its layer gives several (a custom layer returning a tuple); absent: the first. */
  outputIndex?: number;
}

export interface CompileCall {
  optimizer?: Value;
  loss?: Value;
  metrics?: Value;
  range: SourceRange;
}

/** A `model.fit(...)` call: its arguments under Keras' snake_case names. */
export interface FitCall {
  keyword: Map<string, Value>;
  legacyGenerator: boolean;
  /** The ImageDataGenerator iterator given as x and as validation_data (./dataGenerators.ts). */
  data?: FitData;
  validationData?: FitData;
  range: SourceRange;
}

export interface ModelObject {
  id: number;
  kind: 'sequential' | 'functional';
  range: SourceRange;
  /** Sequential: the layers (or nested models) added, with the tensor-free Input if one was given. */
  sequence: (LayerObject | ModelObject)[];
  sequentialInput?: LayerObject;
  /** Sequential: the name Keras gives the InputLayer it makes from a first layer's `input_shape`. */
  implicitInputName?: string;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  kerasName: string;
  varName?: string;
  compile?: CompileCall;
  /** The compile call of a keras.Model subclass instance this model was given to (the GAN's or VAE's). */
  trainerCompile?: TrainerCompileCall;
  fit?: FitCall;
  /** A keras.applications model's pretrained weights (applications/weightFiles.ts). */
  pretrained?: PretrainedWeights;
  /** `model.load_weights("w.h5")`: the file as the code names it (relative to the script's folder). */
  weightsFile?: string;
  /** `model.trainable = False`: every weight counts as non-trainable. */
  trainable?: boolean;
}

export const NONE: Value = { kind: 'none' };

export function num(value: number, float = false): Value {
  return float ? { kind: 'number', value, float: true } : { kind: 'number', value };
}
export function str(value: string): Value {
  return { kind: 'string', value };
}
export function unknown(reason: string): Value {
  return { kind: 'unknown', reason };
}
export function list(items: Value[], tuple = false): Value {
  return { kind: 'list', items, tuple };
}

/** Python-style truthiness, used by `if` statements and boolean operators in both readers. */
export function truthy(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'number': return v.value !== 0;
    case 'string': return v.value.length > 0;
    case 'bool': return v.value;
    case 'none': return false;
    case 'list': return v.items.length > 0;
    case 'dict': return v.entries.size > 0;
    case 'unknown': return undefined;
    default: return true;
  }
}

/** The first unknown value inside a list of outputs (`outputs=[x]`), so the reason names what went wrong rather than 'a list'. */
export function firstUnknown(v: Value): Value | undefined {
  if (v.kind === 'unknown') return v;
  if (v.kind === 'list') for (const item of v.items) { const u = firstUnknown(item); if (u) return u; }
  return undefined;
}

/** A short description of a value for messages ('a number', 'a layer'). */
export function describe(v: Value): string {
  switch (v.kind) {
    case 'number': return String(v.value);
    case 'string': return JSON.stringify(v.value);
    case 'bool': return String(v.value);
    case 'none': return 'None';
    case 'list': return v.tuple ? 'a tuple' : 'a list';
    case 'dict': return 'a dict';
    case 'unknown': return `an unknown value (${v.reason})`;
    case 'ref': return v.path;
    case 'layer': return `a ${v.layer.className} layer`;
    case 'tensor': return 'a tensor';
    case 'model': return 'a model';
    case 'function': return `function ${v.name}`;
    case 'method': return `method ${v.name}`;
    case 'trainer': return `a ${v.trainer.className} model`;
  }
}
