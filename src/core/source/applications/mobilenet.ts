/**
 * MobileNet and MobileNetV2 (keras/src/applications/mobilenet.py, mobilenet_v2.py):
 * depthwise-separable blocks, and V2's inverted residuals with linear bottlenecks. alpha
 * (the width multiplier) is read when it is a literal number.
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, arg, b, commonArgs, n, pads, s, type GraphBuilder } from './common';

/** Keras' _make_divisible / _depth: round to a multiple of 8, never more than 10% down. */
export function makeDivisible(v: number, divisor = 8): number {
  let out = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

export function numberArg(args: CallArgs, key: string, position: number, fallback: number): number {
  const v = arg(args, key, position);
  return v?.kind === 'number' ? v.value : fallback;
}

/** imagenet_utils.correct_pad: pad so a stride-2 'valid' window sees the same cells 'same' would. */
export function correctPad(size: number | null, kernel: number): Value {
  const adjust = size === null ? 1 : 1 - (size % 2);
  const c = Math.floor(kernel / 2);
  return pads(c - adjust, c, c - adjust, c);
}

/** The spatial side after a stride-2 'same'-like step (Keras' size arithmetic, None kept None). */
export const halve = (size: number | null): number | null => (size === null ? null : Math.ceil(size / 2));

function bnRelu6(net: Net, x: SymbolicTensor, bnName: string, reluName: string, epsilon?: number): SymbolicTensor {
  x = net.on(x, 'BatchNormalization', { axis: n(-1), epsilon: epsilon === undefined ? undefined : n(epsilon), momentum: n(0.999), name: s(bnName) });
  return net.on(x, 'ReLU', { max_value: n(6), name: s(reluName) });
}

/** MobileNet(input_shape, alpha, depth_multiplier, dropout, include_top, weights, input_tensor, pooling, classes, classifier_activation). */
export function mobilenet(_variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const alpha = numberArg(args, 'alpha', 1, 1);
  const depthMultiplier = numberArg(args, 'depth_multiplier', 2, 1);
  const a = commonArgs(args, 224, { input_shape: 0, include_top: 4, pooling: 7, classes: 8, classifier_activation: 9 });
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = net.on(input, 'Conv2D', { filters: n(Math.floor(32 * alpha)), kernel_size: n(3), padding: s('same'), use_bias: b(false), strides: n(2), name: s('conv1') });
  x = bnRelu6(net, x, 'conv1_bn', 'conv1_relu');
  const blocks: [number, number][] = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2], [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  blocks.forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2) x = net.on(x, 'ZeroPadding2D', { padding: pads(0, 1, 0, 1), name: s(`conv_pad_${id}`) });
    x = net.on(x, 'DepthwiseConv2D', {
      kernel_size: n(3), padding: s(stride === 1 ? 'same' : 'valid'), depth_multiplier: n(depthMultiplier),
      strides: n(stride), use_bias: b(false), name: s(`conv_dw_${id}`),
    });
    x = bnRelu6(net, x, `conv_dw_${id}_bn`, `conv_dw_${id}_relu`);
    x = net.on(x, 'Conv2D', { filters: n(Math.floor(filters * alpha)), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`conv_pw_${id}`) });
    x = bnRelu6(net, x, `conv_pw_${id}_bn`, `conv_pw_${id}_relu`);
  });
  if (a.includeTop) {
    // The classifier is a 1×1 convolution on the kept-dims pooled map, then reshaped.
    x = net.on(x, 'GlobalAveragePooling2D', { keepdims: b(true) });
    x = net.on(x, 'Dropout', { rate: arg(args, 'dropout', 3) ?? n(1e-3), name: s('dropout') });
    x = net.on(x, 'Conv2D', { filters: a.classes, kernel_size: n(1), padding: s('same'), name: s('conv_preds') });
    x = net.on(x, 'Reshape', { target_shape: { kind: 'list', tuple: true, items: [a.classes] }, name: s('reshape_2') });
    x = net.on(x, 'Activation', { activation: a.activation, name: s('predictions') });
  } else {
    x = net.pool(x, a.pooling);
  }
  return net.model(input, x, `mobilenet_${alpha.toFixed(2)}_${a.size ?? 224}`);
}

/** MobileNetV2's (filters, stride, expansion) per block, block_id 0..16. */
const V2_BLOCKS: [number, number, number][] = [
  [16, 1, 1], [24, 2, 6], [24, 1, 6], [32, 2, 6], [32, 1, 6], [32, 1, 6], [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6], [160, 2, 6], [160, 1, 6], [160, 1, 6], [320, 1, 6],
];

/** MobileNetV2(input_shape, alpha, include_top, weights, input_tensor, pooling, classes, classifier_activation). */
export function mobilenetV2(_variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const alpha = numberArg(args, 'alpha', 1, 1);
  const a = commonArgs(args, 224, { input_shape: 0, include_top: 2, pooling: 5, classes: 6, classifier_activation: 7 });
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  const first = makeDivisible(32 * alpha);
  let x = net.on(input, 'Conv2D', { filters: n(first), kernel_size: n(3), strides: tuple2(2), padding: s('same'), use_bias: b(false), name: s('Conv1') });
  x = bnRelu6(net, x, 'bn_Conv1', 'Conv1_relu', 1e-3);
  let channels = first;
  let size = halve(a.size);
  V2_BLOCKS.forEach(([filters, stride, expansion], id) => {
    const pointwise = makeDivisible(Math.floor(filters * alpha));
    const shortcut = x;
    let prefix = 'expanded_conv_';
    if (id) {
      prefix = `block_${id}_`;
      x = net.on(x, 'Conv2D', { filters: n(expansion * channels), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${prefix}expand`) });
      x = bnRelu6(net, x, `${prefix}expand_BN`, `${prefix}expand_relu`, 1e-3);
    }
    if (stride === 2) x = net.on(x, 'ZeroPadding2D', { padding: correctPad(size, 3), name: s(`${prefix}pad`) });
    x = net.on(x, 'DepthwiseConv2D', { kernel_size: n(3), strides: n(stride), use_bias: b(false), padding: s(stride === 1 ? 'same' : 'valid'), name: s(`${prefix}depthwise`) });
    x = bnRelu6(net, x, `${prefix}depthwise_BN`, `${prefix}depthwise_relu`, 1e-3);
    x = net.on(x, 'Conv2D', { filters: n(pointwise), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${prefix}project`) });
    x = net.on(x, 'BatchNormalization', { axis: n(-1), epsilon: n(1e-3), momentum: n(0.999), name: s(`${prefix}project_BN`) });
    if (channels === pointwise && stride === 1) x = net.on([shortcut, x], 'Add', { name: s(`${prefix}add`) });
    channels = pointwise;
    if (stride === 2) size = halve(size);
  });
  // Width multipliers above 1 widen the last convolution too; below 1 it stays 1280.
  const last = alpha > 1 ? makeDivisible(1280 * alpha) : 1280;
  x = net.on(x, 'Conv2D', { filters: n(last), kernel_size: n(1), use_bias: b(false), name: s('Conv_1') });
  x = bnRelu6(net, x, 'Conv_1_bn', 'out_relu', 1e-3);
  if (a.includeTop) {
    x = net.on(x, 'GlobalAveragePooling2D', {});
    x = net.on(x, 'Dense', { units: a.classes, activation: a.activation, name: s('predictions') });
  } else {
    x = net.pool(x, a.pooling);
  }
  return net.model(input, x, `mobilenetv2_${alpha.toFixed(2)}_${a.size ?? 224}`);
}

const tuple2 = (v: number): Value => ({ kind: 'list', tuple: true, items: [n(v), n(v)] });
