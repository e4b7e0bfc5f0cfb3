/**
 * MobileNetV3Small and MobileNetV3Large (keras/src/applications/mobilenet_v3.py): inverted
 * residuals with optional squeeze-and-excitation and hard-swish, and the in-model
 * Rescaling to [-1, 1]. hard_swish is Activation('hard_swish') as in Keras 3; hard_sigmoid
 * is Keras' ReLU(6)(x + 3) * (1 / 6), of which only the ReLU is a layer (the rest has no weights).
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, arg, b, commonArgs, n, s, type GraphBuilder } from './common';
import { correctPad, halve, makeDivisible, numberArg } from './mobilenet';

/** One block: expansion, filters, kernel ('k' = 5, or 3 when minimalistic), stride, SE, hard-swish. */
type Row = [number, number, number | 'k', number, boolean, boolean];

const SMALL: Row[] = [
  [1, 16, 3, 2, true, false], [72 / 16, 24, 3, 2, false, false], [88 / 24, 24, 3, 1, false, false],
  [4, 40, 'k', 2, true, true], [6, 40, 'k', 1, true, true], [6, 40, 'k', 1, true, true],
  [3, 48, 'k', 1, true, true], [3, 48, 'k', 1, true, true],
  [6, 96, 'k', 2, true, true], [6, 96, 'k', 1, true, true], [6, 96, 'k', 1, true, true],
];

const LARGE: Row[] = [
  [1, 16, 3, 1, false, false], [4, 24, 3, 2, false, false], [3, 24, 3, 1, false, false],
  [3, 40, 'k', 2, true, false], [3, 40, 'k', 1, true, false], [3, 40, 'k', 1, true, false],
  [6, 80, 3, 2, false, true], [2.5, 80, 3, 1, false, true], [2.3, 80, 3, 1, false, true], [2.3, 80, 3, 1, false, true],
  [6, 112, 3, 1, true, true], [6, 112, 3, 1, true, true],
  [6, 160, 'k', 2, true, true], [6, 160, 'k', 1, true, true], [6, 160, 'k', 1, true, true],
];

export const MOBILENETS_V3: Record<string, { rows: Row[]; lastPoint: number; name: string }> = {
  MobileNetV3Small: { rows: SMALL, lastPoint: 1024, name: 'MobileNetV3Small' },
  MobileNetV3Large: { rows: LARGE, lastPoint: 1280, name: 'MobileNetV3Large' },
};

const BN = { axis: n(-1), epsilon: n(1e-3), momentum: n(0.999) };

function act(net: Net, x: SymbolicTensor, hard: boolean): SymbolicTensor {
  return hard ? net.on(x, 'Activation', { activation: s('hard_swish') }) : net.on(x, 'ReLU', {});
}

/** Keras 3 MobileNetV3(input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes, pooling, dropout_rate, classifier_activation, include_preprocessing). */
export function mobilenetV3(variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const { rows, name } = MOBILENETS_V3[variant];
  const alpha = numberArg(args, 'alpha', 1, 1);
  const minimal = arg(args, 'minimalistic', 2);
  const minimalistic = minimal?.kind === 'bool' && minimal.value;
  const a = commonArgs(args, 224, { input_shape: 0, include_top: 3, classes: 6, pooling: 7, classifier_activation: 9 });
  const preprocessing = arg(args, 'include_preprocessing', 10);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = input;
  if (preprocessing?.kind !== 'bool' || preprocessing.value) x = net.on(x, 'Rescaling', { scale: n(1 / 127.5), offset: n(-1) });
  x = net.on(x, 'Conv2D', { filters: n(16), kernel_size: n(3), strides: n(2), padding: s('same'), use_bias: b(false), name: s('conv') });
  x = net.on(x, 'BatchNormalization', { ...BN, name: s('conv_bn') });
  x = act(net, x, !minimalistic);
  let size = halve(a.size);
  let channels = 16;
  rows.forEach(([expansion, f, k, stride, se, hard], id) => {
    const filters = makeDivisible(f * alpha);
    const kernel = k === 'k' ? (minimalistic ? 3 : 5) : k;
    const useSe = se && !minimalistic;
    const useHard = hard && !minimalistic;
    const shortcut = x;
    const expanded = makeDivisible(channels * expansion);
    let prefix = 'expanded_conv_';
    if (id) {
      prefix = `expanded_conv_${id}_`;
      x = net.on(x, 'Conv2D', { filters: n(expanded), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${prefix}expand`) });
      x = act(net, net.on(x, 'BatchNormalization', { ...BN, name: s(`${prefix}expand_bn`) }), useHard);
    }
    if (stride === 2) x = net.on(x, 'ZeroPadding2D', { padding: correctPad(size, kernel), name: s(`${prefix}depthwise_pad`) });
    x = net.on(x, 'DepthwiseConv2D', { kernel_size: n(kernel), strides: n(stride), padding: s(stride === 1 ? 'same' : 'valid'), use_bias: b(false), name: s(`${prefix}depthwise`) });
    x = act(net, net.on(x, 'BatchNormalization', { ...BN, name: s(`${prefix}depthwise_bn`) }), useHard);
    if (useSe) {
      // _se_block on the expanded width (for block 0 the input width: expansion 1).
      let y = net.on(x, 'GlobalAveragePooling2D', { keepdims: b(true), name: s(`${prefix}squeeze_excite_avg_pool`) });
      y = net.on(y, 'Conv2D', { filters: n(makeDivisible(expanded * 0.25)), kernel_size: n(1), padding: s('same'), name: s(`${prefix}squeeze_excite_conv`) });
      y = net.on(y, 'ReLU', { name: s(`${prefix}squeeze_excite_relu`) });
      y = net.on(y, 'Conv2D', { filters: n(expanded), kernel_size: n(1), padding: s('same'), name: s(`${prefix}squeeze_excite_conv_1`) });
      // hard_sigmoid = ReLU(6)(x + 3) / 6: the ReLU is a layer, the shift and scale are weightless ops.
      y = net.on(y, 'ReLU', { max_value: n(6) });
      x = net.on([x, y], 'Multiply', { name: s(`${prefix}squeeze_excite_mul`) });
    }
    x = net.on(x, 'Conv2D', { filters: n(filters), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${prefix}project`) });
    x = net.on(x, 'BatchNormalization', { ...BN, name: s(`${prefix}project_bn`) });
    if (stride === 1 && channels === filters) x = net.on([shortcut, x], 'Add', { name: s(`${prefix}add`) });
    channels = filters;
    if (stride === 2) size = halve(size);
  });
  const lastConv = makeDivisible(channels * 6);
  const lastPoint = alpha > 1 ? makeDivisible(MOBILENETS_V3[variant].lastPoint * alpha) : MOBILENETS_V3[variant].lastPoint;
  x = net.on(x, 'Conv2D', { filters: n(lastConv), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s('conv_1') });
  x = act(net, net.on(x, 'BatchNormalization', { ...BN, name: s('conv_1_bn') }), !minimalistic);
  if (a.includeTop) {
    x = net.on(x, 'GlobalAveragePooling2D', { keepdims: b(true) });
    x = net.on(x, 'Conv2D', { filters: n(lastPoint), kernel_size: n(1), padding: s('same'), use_bias: b(true), name: s('conv_2') });
    x = act(net, x, !minimalistic);
    const dropout = numberArg(args, 'dropout_rate', 8, 0.2);
    if (dropout > 0) x = net.on(x, 'Dropout', { rate: n(dropout) });
    x = net.on(x, 'Conv2D', { filters: a.classes, kernel_size: n(1), padding: s('same'), name: s('logits') });
    x = net.on(x, 'Flatten', {});
    x = net.on(x, 'Activation', { activation: a.activation, name: s('predictions') });
  } else {
    x = net.pool(x, a.pooling, { avg: 'avg_pool', max: 'max_pool' });
  }
  return net.model(input, x, name);
}
