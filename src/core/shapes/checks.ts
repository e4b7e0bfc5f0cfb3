/**
 * Checks that are not about one shape: misspelt arguments, Dense on image tensors, and a
 * final activation that does not fit the loss. Each returns plain diagnostics.
 */
import { BASE_LAYER_ARGS, findLayerClass } from '../model/catalog';
import type { Diagnostic, LayerSpec, ModelSpec } from '../model/spec';
import { formatShapeKeras } from './format';
import type { ModelSummary, Shape } from './types';

/** Edit distance, for "did you mean" suggestions on misspelt arguments. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** Each layer class's accepted arguments, built once per class: every layer of every model is checked. */
const knownArgumentsByClass = new Map<string, Set<string>>();

function knownArguments(className: string): Set<string> | undefined {
  let known = knownArgumentsByClass.get(className);
  if (!known) {
    const info = findLayerClass(className);
    if (!info) return undefined;
    known = new Set([...info.positional, ...info.keywords, ...BASE_LAYER_ARGS]);
    knownArgumentsByClass.set(className, known);
  }
  return known;
}

export function checkLayerArguments(layer: LayerSpec): Diagnostic[] {
  const known = knownArguments(layer.className);
  if (!known) return [];
  const out: Diagnostic[] = [];
  for (const key of Object.keys(layer.config)) {
    if (known.has(key)) continue;
    const suggestion = [...known].map((k) => ({ k, d: distance(key, k) })).sort((x, y) => x.d - y.d)[0];
    const hint = suggestion && suggestion.d <= 2 ? ` Did you mean ${suggestion.k}?` : '';
    out.push({
      severity: 'warning', range: layer.argRanges[key] ?? layer.range, code: 'unknown-argument',
      message: `${layer.className} has no argument "${key}".${hint}`,
    });
  }
  return out;
}

/**
 * Layers whose rank-4 output is a grid of tokens, not an image: a Dense after them acting on the
 * last axis is the transformer's MLP (MobileViT's patches), not a forgotten Flatten.
 */
const TOKEN_PRODUCERS = new Set(['LayerNormalization', 'MultiHeadAttention', 'Dense', 'Reshape', 'Embedding', 'Permute', 'Attention']);

/**
 * Dense on a rank-4 tensor is legal (it acts on the channels) but, after a convolution or a
 * pooling, nearly always a missing Flatten. `producer` is the class that made the tensor.
 */
export function denseOnRank4(layer: LayerSpec, input: Shape, producer?: string): Diagnostic | undefined {
  if (input.length !== 4 || (producer !== undefined && TOKEN_PRODUCERS.has(producer))) return undefined;
  return {
    severity: 'hint', range: layer.range, code: 'dense-on-rank4',
    message: `Dense receives a rank-4 tensor ${formatShapeKeras(input)} and acts on its last axis only, ` +
      'keeping height and width. Did you mean to insert Flatten() (or GlobalAveragePooling2D()) before it?',
  };
}

const ACTIVATION_LAYERS: Record<string, string> = { Softmax: 'softmax', ReLU: 'relu', LeakyReLU: 'leaky_relu' };

/** The activation of a model's output layer, if it can be read. */
function finalActivation(layer: LayerSpec): string | undefined {
  if (ACTIVATION_LAYERS[layer.className]) return ACTIVATION_LAYERS[layer.className];
  const act = layer.config.activation;
  if (act === undefined || act === null) {
    const info = findLayerClass(layer.className);
    return info && (info.positional.includes('activation') || info.keywords.includes('activation')) ? 'linear' : undefined;
  }
  return typeof act === 'string' ? act.toLowerCase() : undefined;
}

const CATEGORICAL = new Set(['categorical_crossentropy', 'sparse_categorical_crossentropy']);

export function checkLossActivation(spec: ModelSpec, summary: ModelSummary): Diagnostic[] {
  const loss = spec.compile?.loss;
  const outIndex = spec.outputs.length === 1 ? spec.outputs[0] : undefined;
  if (!loss || outIndex === undefined) return [];
  const layer = spec.layers[outIndex];
  const activation = layer && finalActivation(layer);
  if (!activation) return [];
  const shape = summary.layers[outIndex]?.outputShape;
  const units = shape ? shape[shape.length - 1] : null;
  const range = layer.argRanges.activation ?? layer.range;
  const warn = (message: string): Diagnostic[] => [{ severity: 'warning', range, code: 'loss-activation', message }];
  const fromLogits = spec.compile?.fromLogits === true;

  if (loss === 'binary_crossentropy' && activation === 'softmax') {
    return warn(`The output uses softmax but the loss is binary_crossentropy: softmax makes the outputs sum to 1${units === 1 ? ' (a single unit always outputs 1.0)' : ''}. ` +
      'Use activation="sigmoid" for yes/no or multi-label outputs, ' +
      'or categorical_crossentropy for one-of-N classes.');
  }
  if (CATEGORICAL.has(loss) && units === 1) {
    return warn(`A 1-unit output with ${loss} cannot tell classes apart. Use Dense(1, activation="sigmoid") with binary_crossentropy, ` +
      'or one unit per class with softmax.');
  }
  if (CATEGORICAL.has(loss) && activation === 'sigmoid') {
    return warn(`The output uses sigmoid but the loss is ${loss}: use softmax so the class probabilities sum to 1 ` +
      '(or binary_crossentropy for multi-label outputs).');
  }
  const crossentropy = loss === 'binary_crossentropy' || CATEGORICAL.has(loss);
  if (crossentropy && activation === 'linear' && !fromLogits) {
    return warn(`The output has no activation (it produces logits) but ${loss} expects probabilities: ` +
      `add activation="${loss === 'binary_crossentropy' ? 'sigmoid' : 'softmax'}" or pass from_logits=True to the loss.`);
  }
  if (crossentropy && fromLogits && (activation === 'softmax' || activation === 'sigmoid')) {
    return warn(`The loss is told from_logits=True but the output already applies ${activation}: remove one of the two.`);
  }
  return [];
}
