/**
 * Xception (keras/src/applications/xception.py): entry, middle (8 repeats) and exit flows of
 * separable convolutions with 1×1 strided residual projections; 299×299 by default.
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, b, commonArgs, n, s, tuple, type GraphBuilder } from './common';

const relu = (net: Net, x: SymbolicTensor, name: string): SymbolicTensor => net.on(x, 'Activation', { activation: s('relu'), name: s(name) });
const bn = (net: Net, x: SymbolicTensor, name?: string): SymbolicTensor => net.on(x, 'BatchNormalization', { axis: n(-1), name: name ? s(name) : undefined });
const sep = (net: Net, x: SymbolicTensor, filters: number, name: string): SymbolicTensor =>
  bn(net, net.on(x, 'SeparableConv2D', { filters: n(filters), kernel_size: tuple(3, 3), padding: s('same'), use_bias: b(false), name: s(name) }), `${name}_bn`);

/** The strided 1×1 projection the entry and exit blocks add back (Keras leaves it unnamed). */
function residual(net: Net, x: SymbolicTensor, filters: number): SymbolicTensor {
  return bn(net, net.on(x, 'Conv2D', { filters: n(filters), kernel_size: tuple(1, 1), strides: tuple(2, 2), padding: s('same'), use_bias: b(false) }));
}

/** Entry/exit block: [ReLU] sep, ReLU, sep, max pool, plus the projected residual. */
function downBlock(net: Net, x: SymbolicTensor, block: number, filters: [number, number], firstRelu: boolean): SymbolicTensor {
  const res = residual(net, x, filters[1]);
  let y = firstRelu ? relu(net, x, `block${block}_sepconv1_act`) : x;
  y = sep(net, y, filters[0], `block${block}_sepconv1`);
  y = relu(net, y, `block${block}_sepconv2_act`);
  y = sep(net, y, filters[1], `block${block}_sepconv2`);
  y = net.on(y, 'MaxPooling2D', { pool_size: tuple(3, 3), strides: tuple(2, 2), padding: s('same'), name: s(`block${block}_pool`) });
  return net.on([y, res], 'Add', {});
}

export function xception(_variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const a = commonArgs(args, 299);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = net.on(input, 'Conv2D', { filters: n(32), kernel_size: tuple(3, 3), strides: tuple(2, 2), use_bias: b(false), name: s('block1_conv1') });
  x = relu(net, bn(net, x, 'block1_conv1_bn'), 'block1_conv1_act');
  x = net.on(x, 'Conv2D', { filters: n(64), kernel_size: tuple(3, 3), use_bias: b(false), name: s('block1_conv2') });
  x = relu(net, bn(net, x, 'block1_conv2_bn'), 'block1_conv2_act');
  x = downBlock(net, x, 2, [128, 128], false);
  x = downBlock(net, x, 3, [256, 256], true);
  x = downBlock(net, x, 4, [728, 728], true);
  for (let i = 5; i < 13; i++) {
    let y = x;
    for (let j = 1; j <= 3; j++) y = sep(net, relu(net, y, `block${i}_sepconv${j}_act`), 728, `block${i}_sepconv${j}`);
    x = net.on([y, x], 'Add', {});
  }
  x = downBlock(net, x, 13, [728, 1024], true);
  x = relu(net, sep(net, x, 1536, 'block14_sepconv1'), 'block14_sepconv1_act');
  x = relu(net, sep(net, x, 2048, 'block14_sepconv2'), 'block14_sepconv2_act');
  x = net.top(x, a);
  return net.model(input, x, 'xception');
}
