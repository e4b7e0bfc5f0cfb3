/**
 * The shape engine: walks a ModelSpec layer by layer, computing what Keras would compute
 * (output shapes, trainable and non-trainable parameters), the formulas behind each number,
 * and diagnostics. Never throws for bad user code: problems become diagnostics and unknown shapes.
 */
import type { Diagnostic, LayerSpec, ModelSpec } from '../model/spec';
import { Args, InvalidArgument, UnknownArgument } from './args';
import { checkLayerArguments, checkLossActivation, denseOnRank4 } from './checks';
import { formatShapeKeras } from './format';
import { LAYER_RULES, ShapeError } from './rules';
import { customRule } from './rules/custom';
import type { RuleOutput } from './rules/rule';
import type { LayerFormulas, LayerSummary, ModelSummary, Shape, SharedWeights } from './types';

/**
 * @param inputOverride input shapes to use instead of the model's own: a nested model
 * (e.g. an augmentation Sequential applied inside a functional model) takes its caller's.
 * An unknown (null) one leaves the model its own, as a conv base that starts a Sequential
 * (`Sequential([conv_base, Flatten(), ...])`) is fed by its own Input.
 */
export function analyzeModel(spec: ModelSpec, inputOverride?: (Shape | null)[]): ModelSummary {
  const diagnostics: Diagnostic[] = [...spec.diagnostics];
  const shapes: (Shape | null)[] = [];
  const layers: LayerSummary[] = [];

  const sequentialInput = spec.kind === 'sequential' ? sequentialInputShape(spec, inputOverride, diagnostics) : null;

  spec.layers.forEach((layer, index) => {
    let inputs: (Shape | null)[];
    if (layer.className === 'InputLayer') {
      const given = spec.kind === 'functional' ? inputOverride?.[spec.inputs.indexOf(index)] : undefined;
      inputs = given ? [given] : [];
    } else if (spec.kind === 'sequential') {
      inputs = [index === 0 ? sequentialInput : shapes[index - 1]];
    } else {
      // A later output of a layer that gives several: its own shape, or unknown when that layer's are.
      inputs = layer.inbound.map((i, j) => {
        const pick = layer.inboundOutputs?.[j] ?? 0;
        return pick === 0 ? shapes[i] ?? null : layers[i]?.outputShapes?.[pick] ?? null;
      });
    }
    const analyzed = analyzeLayer(spec, layer, index, inputs, diagnostics);
    const summary = spec.trainable === false || layer.config.trainable === false ? frozen(analyzed) : analyzed;
    if (layer.sharedWith !== undefined) summary.sharedWith = layer.sharedWith;
    shapes.push(summary.outputShape);
    layers.push(summary);
  });

  let trainable = 0;
  let nonTrainable = 0;
  let complete = true;
  const counted = new Set<number>();
  for (const l of layers) {
    if (l.sharedWith !== undefined) continue; // shared weights count once
    if (l.trainableParams === null || l.nonTrainableParams === null) complete = false;
    trainable += l.trainableParams ?? 0;
    nonTrainable += l.nonTrainableParams ?? 0;
    // A sublayer another row holds too: its weights count at their first row only.
    for (const part of l.sharedWeights ?? []) {
      if (!counted.has(part.id)) { counted.add(part.id); continue; }
      trainable -= part.trainable;
      nonTrainable -= part.nonTrainable;
    }
  }
  const undecided = spec.undecidedBranches ?? [];
  if (undecided.length > 0) complete = false;
  for (const reason of undecided) {
    diagnostics.push({ severity: 'warning', range: spec.range, code: 'undecided-branch', message: `Model "${spec.name}" ${reason}` });
  }
  const summary: ModelSummary = {
    name: spec.name, kerasName: spec.kerasName, kind: spec.kind, range: spec.range,
    ...(undecided.length > 0 ? { undecidedBranches: undecided } : {}),
    inputShapes: spec.kind === 'sequential' ? [sequentialInput ?? firstInputLayerShape(layers)] : spec.inputs.map((i) => shapes[i] ?? null),
    layers, totalParams: trainable + nonTrainable, trainableParams: trainable, nonTrainableParams: nonTrainable,
    sizeBytes: (trainable + nonTrainable) * 4, complete, diagnostics,
  };
  diagnostics.push(...checkLossActivation(spec, summary));
  return summary;
}

/** `trainable=False` (a frozen layer, or a frozen conv base): Keras counts its weights as non-trainable. */
function frozen(layer: LayerSummary): LayerSummary {
  if (layer.sharedWeights && layer.trainableParams) {
    // Keras freezes the variables themselves, in every layer that holds them: not followed.
    const { sharedWeights: _, ...rest } = layer;
    return { ...rest, params: null, trainableParams: null, nonTrainableParams: null, unknownReason: 'it is frozen and shares weights with another layer; ConvLens does not follow which of them Keras counts as trainable' };
  }
  if (!layer.trainableParams) return layer;
  const formulas: LayerFormulas = { ...layer.formulas, params: `${layer.formulas.params ?? ''} — frozen (trainable=False), so non-trainable`.trim() };
  return {
    ...layer, trainableParams: 0, nonTrainableParams: (layer.nonTrainableParams ?? 0) + layer.trainableParams,
    formulas, formula: joinFormulas(formulas),
  };
}

function firstInputLayerShape(layers: LayerSummary[]): Shape | null {
  return layers[0]?.className === 'InputLayer' ? layers[0].outputShape : null;
}

function sequentialInputShape(spec: ModelSpec, override: (Shape | null)[] | undefined, diagnostics: Diagnostic[]): Shape | null {
  if (override?.[0]) return override[0];
  if (spec.inputShape) return [null, ...spec.inputShape];
  // Fed by its caller, whose input is unknown: the caller says why.
  if (override) return null;
  if (spec.inputShapeUnknown) {
    // Declared, only not known statically (a shape read from the data): no fix to suggest.
    diagnostics.push({
      severity: 'info', range: spec.range, code: 'unknown-input-shape',
      message: `The input shape of model "${spec.name}" is unknown: ${spec.inputShapeUnknown}; its shapes and parameters are unknown`,
    });
  } else if (spec.layers.length > 0 && !hasOwnInput(spec)) {
    diagnostics.push({
      severity: 'warning', range: spec.range, code: 'no-input-shape',
      message: `Model "${spec.name}" has no input shape, so its shapes and parameters are unknown until it sees data: ` +
        'add input_shape=(height, width, channels) to the first layer or start with keras.Input(shape=...)',
    });
  }
  return null;
}

/** Whether a model declares its input: an Input, `input_shape`, or a first nested model that does. */
function hasOwnInput(spec: ModelSpec): boolean {
  if (spec.kind === 'functional') return spec.inputs.length > 0;
  const first = spec.layers[0];
  return spec.inputShape !== undefined || first?.className === 'InputLayer' || (first?.nested !== undefined && hasOwnInput(first.nested));
}

function unknownLayer(layer: LayerSpec, index: number, reason: string): LayerSummary {
  return {
    index, name: layer.name, tfjsName: layer.tfjsName, className: layer.className,
    outputShape: null, params: null, trainableParams: null, nonTrainableParams: null,
    formulas: { shape: [] }, formula: '', unknownReason: reason, inbound: layer.inbound, range: layer.range,
  };
}

function joinFormulas(f: LayerFormulas): string {
  return [f.params ? `params ${f.params}` : '', ...f.shape].filter(Boolean).join('; ');
}

/** Layers that pass a tensor on without making it: the producer that matters is before them. */
const PASS_THROUGH = new Set(['Dropout', 'Activation', 'ReLU', 'LeakyReLU', 'BatchNormalization', 'SpatialDropout2D']);

/** The class of the layer that made a layer's (first) input, looking through Dropout and activations. */
function producerClass(spec: ModelSpec, index: number): string | undefined {
  // Each step moves to an earlier layer, so the walk ends.
  let at = index;
  for (;;) {
    const from = spec.kind === 'sequential' ? at - 1 : spec.layers[at]?.inbound[0];
    const producer = from === undefined || from >= at ? undefined : spec.layers[from];
    if (!producer || from === undefined) return undefined;
    if (!PASS_THROUGH.has(producer.className)) return producer.className;
    at = from;
  }
}

function analyzeLayer(spec: ModelSpec, layer: LayerSpec, index: number, inputs: (Shape | null)[], diagnostics: Diagnostic[]): LayerSummary {
  if (layer.unresolved) {
    diagnostics.push({ severity: 'warning', range: layer.range, code: 'unknown-layer', message: `${layer.unresolved}; shapes after it are unknown` });
    return unknownLayer(layer, index, layer.unresolved);
  }
  if (layer.nested) return analyzeNested(layer, index, inputs);
  const rule = layer.custom ? customRule(layer.custom, analyzeSublayer) : LAYER_RULES[layer.className];
  if (!rule) {
    const reason = `ConvLens has no shape rule for ${layer.className} yet`;
    diagnostics.push({ severity: 'warning', range: layer.range, code: 'unknown-layer', message: `${reason}; shapes after it are unknown` });
    return unknownLayer(layer, index, reason);
  }
  diagnostics.push(...checkLayerArguments(layer));
  const missing = inputs.findIndex((s) => s === null);
  if (missing >= 0) {
    const declaredUnknown = spec.kind === 'sequential' && index === 0 ? spec.inputShapeUnknown : undefined;
    return unknownLayer(layer, index, declaredUnknown ? `the model's input shape is unknown: ${declaredUnknown}` : 'its input shape is unknown');
  }
  const known = inputs as Shape[];
  let out: RuleOutput;
  try {
    // An InputLayer of a nested functional model takes the shape its caller feeds it.
    out = layer.className === 'InputLayer' && known.length === 1
      ? { shape: known[0] }
      : rule({ className: layer.className, args: new Args(layer.config, layer.className), inputs: known });
  } catch (e) {
    return failedLayer(layer, index, e, diagnostics);
  }
  const hint = layer.className === 'Dense' ? denseOnRank4(layer, known[0], producerClass(spec, index)) : undefined;
  if (hint) diagnostics.push(hint);
  const formulas: LayerFormulas = { shape: out.shapeFormulas ?? [] };
  if (out.params) formulas.params = out.params;
  const trainable = out.trainable ?? 0;
  const nonTrainable = out.nonTrainable ?? 0;
  const shared = sharedWeights(layer, trainable, nonTrainable, out.shared ?? []);
  return {
    index, name: layer.name, tfjsName: layer.tfjsName, className: layer.className, outputShape: out.shape,
    params: trainable + nonTrainable, trainableParams: trainable, nonTrainableParams: nonTrainable,
    formulas, formula: joinFormulas(formulas), inbound: layer.inbound, range: layer.range,
    ...(out.shapes ? { outputShapes: out.shapes } : {}),
    ...(layer.inboundOutputs ? { inboundOutputs: layer.inboundOutputs } : {}),
    ...(shared.length > 0 ? { sharedWeights: shared } : {}),
  };
}

/**
 * The parts of a row's count other rows may hold too: the layer's own object when it is shared
 * (less the shared sublayers inside it, which are parts of their own), and those sublayers.
 */
function sharedWeights(layer: LayerSpec, trainable: number, nonTrainable: number, inner: SharedWeights[]): SharedWeights[] {
  if (layer.weightsId === undefined) return inner;
  const own: SharedWeights = {
    id: layer.weightsId,
    trainable: trainable - inner.reduce((p, w) => p + w.trainable, 0),
    nonTrainable: nonTrainable - inner.reduce((p, w) => p + w.nonTrainable, 0),
  };
  return [own, ...inner];
}

/**
 * A custom layer's sublayer applied to known shapes inside its call: the same analysis as a
 * layer of a model (nested models and custom layers included); its diagnostics become the reason.
 */
function analyzeSublayer(layer: LayerSpec, inputs: Shape[]): { shape: Shape; trainable: number; nonTrainable: number } | string {
  const holder: ModelSpec = {
    name: layer.name, kerasName: layer.name, kind: 'functional', language: 'python', dialect: 'keras', range: layer.range,
    layers: [layer], inputs: [], outputs: [0], diagnostics: [],
  };
  const s = analyzeLayer(holder, layer, 0, inputs, []);
  if (s.outputShape === null || s.trainableParams === null || s.nonTrainableParams === null) return s.unknownReason ?? 'its output is unknown';
  return { shape: s.outputShape, trainable: s.trainableParams, nonTrainable: s.nonTrainableParams, ...(s.sharedWeights ? { shared: s.sharedWeights } : {}) };
}

/** Turns a rule's exception into a diagnostic at the best range we have. */
function failedLayer(layer: LayerSpec, index: number, e: unknown, diagnostics: Diagnostic[]): LayerSummary {
  if (e instanceof UnknownArgument) return unknownLayer(layer, index, e.message);
  if (e instanceof InvalidArgument) {
    diagnostics.push({ severity: 'error', range: layer.argRanges[e.key] ?? layer.range, code: 'invalid-argument', message: e.message });
    return unknownLayer(layer, index, e.message);
  }
  if (e instanceof ShapeError) {
    diagnostics.push({ severity: 'error', range: layer.range, code: e.code, message: `${layer.name} (${layer.className}): ${e.message}` });
    return unknownLayer(layer, index, e.message);
  }
  const message = `internal error while computing ${layer.className}: ${e instanceof Error ? e.message : String(e)}`;
  diagnostics.push({ severity: 'error', range: layer.range, code: 'internal', message });
  return unknownLayer(layer, index, message);
}

function analyzeNested(layer: LayerSpec, index: number, inputs: (Shape | null)[]): LayerSummary {
  const nested = analyzeModel(layer.nested!, inputs);
  const outIndex = layer.nested!.outputs[0];
  const outputShape = outIndex === undefined ? null : nested.layers[outIndex]?.outputShape ?? null;
  const known = nested.complete;
  const formulas: LayerFormulas = {
    params: `sum of the ${nested.layers.length} layers of ${nested.name}`,
    shape: [`output of ${nested.name}: ${formatShapeKeras(outputShape)}`],
  };
  return {
    index, name: layer.name, tfjsName: layer.tfjsName, className: layer.className, outputShape,
    params: known ? nested.totalParams : null,
    trainableParams: known ? nested.trainableParams : null,
    nonTrainableParams: known ? nested.nonTrainableParams : null,
    formulas, formula: joinFormulas(formulas), inbound: layer.inbound, range: layer.range, nested,
    ...(outputShape ? {} : { unknownReason: `the output of ${nested.name} is unknown` }),
    ...(known && layer.weightsId !== undefined ? { sharedWeights: sharedWeights(layer, nested.trainableParams, nested.nonTrainableParams, []) } : {}),
  };
}
