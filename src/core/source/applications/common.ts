/**
 * Shared pieces of the keras.applications builders: the runtime primitives they use, Python
 * value constructors, and Keras' common arguments (include_top, input_shape, pooling, classes,
 * classifier_activation), read the way keras/src/applications/*.py reads them.
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { LayerObject, SymbolicTensor, Value } from '../values';

/** The runtime primitives a builder uses: the same ones user code reaches. */
export interface GraphBuilder {
  input(shape: Value, range: SourceRange): SymbolicTensor;
  layer(className: string, config: Record<string, Value>, range: SourceRange): LayerObject;
  /** A list of tensors for merge layers (Add, Concatenate, Multiply). */
  apply(layer: LayerObject, input: SymbolicTensor | SymbolicTensor[], range: SourceRange): SymbolicTensor;
  model(inputs: SymbolicTensor[], outputs: SymbolicTensor[], name: string, range: SourceRange): Value;
}

export const n = (value: number): Value => ({ kind: 'number', value });
export const s = (value: string): Value => ({ kind: 'string', value });
export const b = (value: boolean): Value => ({ kind: 'bool', value });
export const tuple = (...values: number[]): Value => ({ kind: 'list', tuple: true, items: values.map(n) });
export const pads = (top: number, bottom: number, left: number, right: number): Value =>
  ({ kind: 'list', tuple: true, items: [tuple(top, bottom), tuple(left, right)] });

export function arg(args: CallArgs, key: string, position: number): Value | undefined {
  return args.keyword.get(key) ?? args.positional[position];
}

/** Keras' common signature: (include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation). */
export interface CommonArgs {
  includeTop: boolean;
  /** Square side of the input when known (None sides when include_top=False and no input_shape). */
  size: number | null;
  shape: Value;
  pooling?: string;
  classes: Value;
  activation: Value;
}

/**
 * Reads the common arguments; `positions` maps each name to its positional index, since
 * MobileNets put alpha (and more) before include_top.
 */
export function commonArgs(args: CallArgs, defaultSize: number, positions: Partial<Record<string, number>> = {}): CommonArgs {
  const pos = { include_top: 0, input_shape: 3, pooling: 4, classes: 5, classifier_activation: 6, ...positions };
  const top = arg(args, 'include_top', pos.include_top);
  const includeTop = top?.kind !== 'bool' || top.value;
  const given = arg(args, 'input_shape', pos.input_shape);
  // Keras' obtain_input_shape: the default size with the top, None×None without it.
  const shape: Value = given && given.kind !== 'none' ? given
    : { kind: 'list', tuple: true, items: includeTop ? [n(defaultSize), n(defaultSize), n(3)] : [{ kind: 'none' }, { kind: 'none' }, n(3)] };
  const first = shape.kind === 'list' ? shape.items[0] : undefined;
  const pooling = arg(args, 'pooling', pos.pooling);
  return {
    includeTop,
    size: first?.kind === 'number' ? first.value : null,
    shape,
    pooling: pooling?.kind === 'string' ? pooling.value : undefined,
    classes: arg(args, 'classes', pos.classes) ?? n(1000),
    activation: arg(args, 'classifier_activation', pos.classifier_activation) ?? s('softmax'),
  };
}

/** A builder bound to one call's source range, so network code reads like Keras'. */
export class Net {
  constructor(readonly b: GraphBuilder, readonly range: SourceRange) {}

  input(shape: Value): SymbolicTensor {
    return this.b.input(shape, this.range);
  }

  /** `layers.<className>(**config)(x)`; a config name of undefined lets Keras number the layer. */
  on(x: SymbolicTensor | SymbolicTensor[], className: string, config: Record<string, Value | undefined>): SymbolicTensor {
    const clean: Record<string, Value> = {};
    for (const [k, v] of Object.entries(config)) if (v !== undefined) clean[k] = v;
    return this.b.apply(this.b.layer(className, clean, this.range), x, this.range);
  }

  model(input: SymbolicTensor, output: SymbolicTensor, name: string): Value {
    return this.b.model([input], [output], name, this.range);
  }

  /**
   * The head most applications share: with include_top, global average pooling ('avg_pool'),
   * an optional dropout ('top_dropout', EfficientNet's) and the 'predictions' Dense; without
   * it, the optional global pooling, with the names Keras gives it.
   */
  top(x: SymbolicTensor, a: CommonArgs, poolNames: { avg?: string; max?: string } = {}, dropout?: number): SymbolicTensor {
    if (!a.includeTop) return this.pool(x, a.pooling, poolNames);
    x = this.on(x, 'GlobalAveragePooling2D', { name: s('avg_pool') });
    if (dropout !== undefined) x = this.on(x, 'Dropout', { rate: n(dropout), name: s('top_dropout') });
    return this.on(x, 'Dense', { units: a.classes, activation: a.activation, name: s('predictions') });
  }

  /** include_top=False: the optional global pooling, with the names Keras gives it. */
  pool(x: SymbolicTensor, pooling: string | undefined, names: { avg?: string; max?: string } = {}): SymbolicTensor {
    if (pooling === 'avg') return this.on(x, 'GlobalAveragePooling2D', { name: names.avg ? s(names.avg) : undefined });
    if (pooling === 'max') return this.on(x, 'GlobalMaxPooling2D', { name: names.max ? s(names.max) : undefined });
    return x;
  }
}
