/**
 * Builds a real TF.js model from a ModelSpec (what the readers extract from Keras Python or
 * TF.js code), so a model read statically can be trained or run.
 *
 * TF.js is *passed in*, never imported at run time: this module only uses `import type`, so
 * loading it (in the extension, the CLI or a worker) does not load TF.js.
 *
 *  - Sequential specs become `tf.sequential()`: the input shape (`spec.inputShape`, a
 *    leading InputLayer entry, or the first layer's `input_shape` / `batch_input_shape` /
 *    `input_dim`) is given to the first layer as `inputShape`.
 *  - Functional specs become `tf.input()` per InputLayer entry, `layer.apply()` per entry
 *    in `spec.layers` (topological order, `inbound` = indices of the feeding entries) and
 *    `tf.model({inputs, outputs})`. `sharedWith` reuses the earlier layer object; `nested`
 *    builds the inner model recursively and applies it like a layer.
 *
 * Layer translation (Keras snake_case config -> TF.js camelCase, Keras defaults made
 * explicit where TF.js' differ) lives in ./tfjsConfig.ts; per-instance corrections of
 * TF.js behaviour that differs from Keras (SeparableConv2D pointwise initialiser, Resizing,
 * disposal of shared layers) in ./tfjsFixes.ts. Every failure is a BuildError naming the
 * layer; see ./errors.ts. On failure, the weights of the layers built so far are freed.
 */

import type * as tfjs from '@tensorflow/tfjs';
import { preprocessInputLayer, type PreprocessMode } from './preprocessInput';
import { MERGE_CLASSES } from '../model/catalog';
import type { LayerSpec, ModelSpec } from '../model/spec';
import { BuildError, UnresolvedLayerError } from './errors';
import { declaredInputShape, toTfjsConfig, type TfjsConfigOptions } from './tfjsConfig';
import { disposeSharedLayersWithModel, fixPointwiseInitializer, fixResizing } from './tfjsFixes';

export { BuildError, UnresolvedLayerError, UnsupportedConfigError, UnsupportedLayerError } from './errors';
export { toTfjsConfig, type TfjsConfigOptions, type TfjsLayerConfig } from './tfjsConfig';

type Tf = typeof tfjs;
type Layer = tfjs.layers.Layer;
type SymbolicTensor = tfjs.SymbolicTensor;
type Shape = (number | null)[];

export interface BuildOptions extends TfjsConfigOptions {
  /**
   * Called for each layer built as a documented stand-in rather than an exact equivalent
   * (Keras Random* augmentation layers built as identities), with a sentence saying what
   * differs. Use it to tell the user before training.
   */
  onSubstitute?: (layer: LayerSpec, note: string) => void;
}

/**
 * Builds `spec` with the given TF.js module. The result has freshly initialised weights
 * (Keras' initialisers); the caller owns it and must `dispose()` it.
 */
export function buildTfjsModel(tf: Tf, spec: ModelSpec, options: BuildOptions = {}): tfjs.LayersModel {
  return buildModel(tf, spec, options, undefined);
}

/** `inferredInputShape`: for a nested model, the shape of the tensor it is applied to. */
function buildModel(tf: Tf, spec: ModelSpec, options: BuildOptions, inferredInputShape: Shape | undefined): tfjs.LayersModel {
  const model = spec.kind === 'sequential'
    ? buildSequential(tf, spec, options, inferredInputShape)
    : buildFunctional(tf, spec, options, inferredInputShape);
  // `conv_base.trainable = False` (Chollet's feature extraction): the base's weights stay as they
  // are while the head trains, as the summary counts them (non-trainable).
  if (spec.trainable === false) model.trainable = false;
  return model;
}

const TFJS_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

function modelName(spec: ModelSpec): string | undefined {
  return TFJS_NAME.test(spec.kerasName) ? spec.kerasName : undefined;
}

function layerName(layer: LayerSpec, options: BuildOptions): string | undefined {
  const name = options.naming === 'tfjs' ? layer.tfjsName : layer.name;
  return TFJS_NAME.test(name) ? name : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a TF.js call, turning its errors into BuildErrors that name the layer. */
function guarded<T>(layer: LayerSpec, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BuildError) throw e;
    throw new BuildError(`${layer.className} (layer '${layer.name}'): TF.js rejected ${what}: ${message(e)}`, layer);
  }
}

/** Constructs one TF.js layer (not a nested model, not an InputLayer). */
function createLayer(tf: Tf, layer: LayerSpec, options: BuildOptions, extra: Record<string, unknown> = {}): Layer {
  if (layer.className === 'PreprocessInput') {
    const mode = layer.config['mode'];
    return preprocessInputLayer(tf, typeof mode === 'string' ? (mode as PreprocessMode) : 'caffe', layerName(layer, options));
  }
  const cfg = toTfjsConfig(layer, options);
  if (cfg.substitute !== undefined) options.onSubstitute?.(layer, cfg.substitute);
  const factory = tf.layers[cfg.factory] as unknown as (args: Record<string, unknown>) => Layer;
  const created = guarded(layer, 'its configuration', () => factory({ ...cfg.args, ...extra }));
  if (cfg.pointwiseInitializer !== undefined) {
    guarded(layer, 'pointwise_initializer', () => fixPointwiseInitializer(tf, created, cfg.pointwiseInitializer));
  }
  if (cfg.factory === 'resizing') {
    fixResizing(tf, created, cfg.args['height'] as number, cfg.args['width'] as number, (cfg.args['interpolation'] as string | undefined) ?? 'bilinear');
  }
  return created;
}

function sequentialInputShape(spec: ModelSpec, first: LayerSpec, inferred: Shape | undefined): Shape {
  const shape =
    spec.inputShape ??
    (first.className === 'InputLayer' || first.nested === undefined ? declaredInputShape(first) : undefined) ??
    inferred;
  if (shape === undefined) {
    throw new BuildError(
      `Sequential model '${spec.name}' has no input shape: give its first layer input_shape=... ` +
        '(inputShape in TF.js) or start it with keras.Input(shape=...).',
      first,
    );
  }
  return shape;
}

function buildSequential(tf: Tf, spec: ModelSpec, options: BuildOptions, inferred: Shape | undefined): tfjs.Sequential {
  if (spec.layers.length === 0) throw new BuildError(`Sequential model '${spec.name}' has no layers.`);
  const inputShape = sequentialInputShape(spec, spec.layers[0], inferred);
  // Keras 3's `Sequential([keras.Input(shape), ...])`: the InputLayer entry only carries the shape.
  const start = spec.layers[0].className === 'InputLayer' ? 1 : 0;

  const model = tf.sequential({ name: modelName(spec) });
  const built: Layer[] = [];
  const applications = new Map<Layer, number>();
  try {
    for (let i = start; i < spec.layers.length; i++) {
      const layer = spec.layers[i];
      if (layer.className === 'InputLayer') {
        throw new BuildError(`Sequential model '${spec.name}': an Input can only come first (layer '${layer.name}').`, layer);
      }
      if (layer.unresolved !== undefined) throw new UnresolvedLayerError(layer, layer.unresolved);
      const isFirst = i === start;
      let tfLayer: Layer;
      if (layer.sharedWith !== undefined) {
        tfLayer = sharedLayer(built, layer, i);
      } else if (layer.nested !== undefined) {
        const nestedInput = isFirst ? inputShape : (model.outputs[0].shape.slice(1));
        tfLayer = buildModel(tf, layer.nested, options, nestedInput);
        // A nested model applied first must know the outer input shape; one built on its own
        // input already does, and TF.js connects it as the Sequential's input.
      } else {
        tfLayer = createLayer(tf, layer, options, isFirst ? { inputShape } : {});
      }
      built[i] = tfLayer;
      applications.set(tfLayer, (applications.get(tfLayer) ?? 0) + 1);
      guarded(layer, `it in Sequential model '${spec.name}'`, () => model.add(tfLayer));
    }
  } catch (e) {
    for (const l of new Set(built)) if (l !== undefined) disposeQuietly(l);
    throw e;
  }
  disposeSharedLayersWithModel(model, applications);
  return model;
}

function sharedLayer(built: (Layer | undefined)[], layer: LayerSpec, index: number): Layer {
  const shared = layer.sharedWith === undefined ? undefined : built[layer.sharedWith];
  if (shared === undefined || (layer.sharedWith ?? index) >= index) {
    throw new BuildError(`Layer '${layer.name}' is marked as sharing layer #${layer.sharedWith}, which is not an earlier layer.`, layer);
  }
  return shared;
}

function buildFunctional(tf: Tf, spec: ModelSpec, options: BuildOptions, inferred: Shape | undefined): tfjs.LayersModel {
  const tensors: (SymbolicTensor | SymbolicTensor[] | undefined)[] = [];
  const built: (Layer | undefined)[] = [];
  // Models built for nested entries are owned by the outer model once applied; before then a
  // failure must dispose them here.
  const nestedModels: tfjs.LayersModel[] = [];
  const applications = new Map<Layer, number>();

  try {
    spec.layers.forEach((layer, i) => {
      if (layer.className === 'InputLayer') {
        const shape = declaredInputShape(layer) ?? (spec.inputs.length === 1 ? inferred : undefined);
        if (shape === undefined) throw new BuildError(`Input '${layer.name}' has no shape.`, layer);
        const dtype = layer.config['dtype'];
        tensors[i] = guarded(layer, 'the input', () =>
          tf.input({
            shape,
            name: layerName(layer, options),
            dtype: dtype === 'int32' ? 'int32' : undefined,
          }),
        );
        return;
      }
      if (layer.unresolved !== undefined) throw new UnresolvedLayerError(layer, layer.unresolved);
      // Entries stand for their layer's first tensor here; a later one (LayerSpec.inboundOutputs) is not wired.
      if (layer.inboundOutputs?.some((k) => k > 0)) throw new BuildError(`Layer '${layer.name}' takes a later output of a layer that gives several, which the TF.js builder does not wire.`, layer);

      const inputs = layer.inbound.map((j) => {
        const t = j < i ? tensors[j] : undefined;
        if (t === undefined) throw new BuildError(`Layer '${layer.name}' takes its input from entry #${j}, which is not an earlier layer.`, layer);
        return t;
      });
      if (inputs.length === 0) throw new BuildError(`Layer '${layer.name}' is not connected to any input.`, layer);

      let tfLayer: Layer;
      if (layer.sharedWith !== undefined) {
        tfLayer = sharedLayer(built, layer, i);
      } else if (layer.nested !== undefined) {
        const first = inputs[0];
        const shape = Array.isArray(first) ? undefined : (first.shape.slice(1));
        const nested = buildModel(tf, layer.nested, options, shape);
        nestedModels.push(nested);
        tfLayer = nested;
      } else {
        tfLayer = createLayer(tf, layer, options);
      }
      built[i] = tfLayer;
      applications.set(tfLayer, (applications.get(tfLayer) ?? 0) + 1);

      const flat = inputs.flat();
      const arg = MERGE_CLASSES.has(layer.className) || flat.length > 1 ? flat : flat[0];
      tensors[i] = guarded(layer, 'its input shapes', () => tfLayer.apply(arg) as SymbolicTensor | SymbolicTensor[]);
    });

    const pick = (indices: number[], what: string): SymbolicTensor[] =>
      indices.flatMap((k) => {
        const t = tensors[k];
        if (t === undefined) throw new BuildError(`Model '${spec.name}': ${what} #${k} is not a layer of the model.`);
        return Array.isArray(t) ? t : [t];
      });
    for (const k of spec.inputs) {
      if (spec.layers[k]?.className !== 'InputLayer') {
        throw new BuildError(`Model '${spec.name}': input #${k} is not an Input.`, spec.layers[k]);
      }
    }
    const inputs = pick(spec.inputs, 'input');
    const outputs = pick(spec.outputs, 'output');
    if (inputs.length === 0 || outputs.length === 0) throw new BuildError(`Model '${spec.name}' has no inputs or no outputs.`);
    let model: tfjs.LayersModel;
    try {
      model = tf.model({ inputs, outputs, name: modelName(spec) });
    } catch (e) {
      throw new BuildError(`Model '${spec.name}': TF.js rejected the graph: ${message(e)}`);
    }
    disposeSharedLayersWithModel(model, applications);
    return model;
  } catch (e) {
    // Free the weights of everything built so far (a layer used twice is disposed once).
    for (const l of new Set(built)) {
      if (l !== undefined && !nestedModels.includes(l as tfjs.LayersModel)) disposeQuietly(l);
    }
    for (const m of nestedModels) disposeQuietly(m);
    throw e;
  }
}

/**
 * Frees a layer's weights on a failed build. TF.js layers are reference-counted (one count
 * per application), so dispose until the count reaches zero.
 */
function disposeQuietly(l: Layer): void {
  try {
    for (let guard = 0; guard < 1000 && l.built; guard++) {
      if (l.dispose().refCountAfterDispose <= 0) return;
    }
  } catch {
    // Never applied, or already disposed: nothing to free.
  }
}
