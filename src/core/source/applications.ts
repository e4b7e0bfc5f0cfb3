/**
 * Keras' pretrained applications, described statically: `keras.applications.VGG16(
 * include_top=False, input_shape=(180, 180, 3))` is the same functional graph Keras builds
 * (layer names and all), so a transfer-learning model shows the conv base's real shapes and
 * its 14,714,688 parameters. The weights themselves are never loaded.
 */
import type { SourceRange } from '../model/spec';
import type { CallArgs } from './runtime';
import type { LayerObject, SymbolicTensor, Value } from './values';

/** The runtime primitives a builder uses: the same ones user code reaches. */
export interface GraphBuilder {
  input(shape: Value, range: SourceRange): SymbolicTensor;
  layer(className: string, config: Record<string, Value>, range: SourceRange): LayerObject;
  apply(layer: LayerObject, input: SymbolicTensor, range: SourceRange): SymbolicTensor;
  model(inputs: SymbolicTensor[], outputs: SymbolicTensor[], name: string, range: SourceRange): Value;
}

const n = (value: number): Value => ({ kind: 'number', value });
const s = (value: string): Value => ({ kind: 'string', value });
const pair = (a: number, b: number): Value => ({ kind: 'list', items: [n(a), n(b)], tuple: true });

/** Convolutions per block of the VGG variants (Simonyan & Zisserman, configurations D and E). */
const VGG_BLOCKS: Record<string, { name: string; convs: number[] }> = {
  VGG16: { name: 'vgg16', convs: [2, 2, 3, 3, 3] },
  VGG19: { name: 'vgg19', convs: [2, 2, 4, 4, 4] },
};

function arg(args: CallArgs, key: string, position: number): Value | undefined {
  return args.keyword.get(key) ?? args.positional[position];
}

/** Keras' VGG16/VGG19(include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation). */
function vgg(variant: string, args: CallArgs, range: SourceRange, b: GraphBuilder): Value {
  const { name, convs } = VGG_BLOCKS[variant];
  const includeTop = arg(args, 'include_top', 0)?.kind !== 'bool' || (arg(args, 'include_top', 0) as { value: boolean }).value;
  const given = arg(args, 'input_shape', 3);
  const shape: Value = given && given.kind !== 'none' ? given
    : { kind: 'list', tuple: true, items: includeTop ? [n(224), n(224), n(3)] : [{ kind: 'none' }, { kind: 'none' }, n(3)] };
  const input = b.input(shape, range);
  let x = input;
  const filters = [64, 128, 256, 512, 512];
  convs.forEach((count, block) => {
    for (let i = 1; i <= count; i++) {
      const conv = b.layer('Conv2D', { filters: n(filters[block]), kernel_size: pair(3, 3), activation: s('relu'), padding: s('same'), name: s(`block${block + 1}_conv${i}`) }, range);
      x = b.apply(conv, x, range);
    }
    x = b.apply(b.layer('MaxPooling2D', { pool_size: pair(2, 2), strides: pair(2, 2), name: s(`block${block + 1}_pool`) }, range), x, range);
  });
  if (includeTop) {
    const classes = arg(args, 'classes', 5) ?? n(1000);
    const activation = arg(args, 'classifier_activation', 6) ?? s('softmax');
    x = b.apply(b.layer('Flatten', { name: s('flatten') }, range), x, range);
    x = b.apply(b.layer('Dense', { units: n(4096), activation: s('relu'), name: s('fc1') }, range), x, range);
    x = b.apply(b.layer('Dense', { units: n(4096), activation: s('relu'), name: s('fc2') }, range), x, range);
    x = b.apply(b.layer('Dense', { units: classes, activation, name: s('predictions') }, range), x, range);
  } else {
    const pooling = arg(args, 'pooling', 4);
    if (pooling?.kind === 'string' && pooling.value === 'avg') x = b.apply(b.layer('GlobalAveragePooling2D', {}, range), x, range);
    if (pooling?.kind === 'string' && pooling.value === 'max') x = b.apply(b.layer('GlobalMaxPooling2D', {}, range), x, range);
  }
  return b.model([input], [x], name, range);
}

/**
 * The application a `keras.applications` path names, built; undefined for one ConvLens does
 * not describe (the caller reports it as unknown).
 */
export function buildApplication(path: string, args: CallArgs, range: SourceRange, b: GraphBuilder): Value | undefined {
  const name = path.slice(path.lastIndexOf('.') + 1);
  if (VGG_BLOCKS[name]) return vgg(name, args, range, b);
  return undefined;
}

/** `keras.applications.<net>.preprocess_input`: scales or shifts pixels, keeping the shape. */
export function isPreprocessInput(path: string): boolean {
  return /^keras\.applications\.(\w+\.)?preprocess_input$/.test(path);
}
