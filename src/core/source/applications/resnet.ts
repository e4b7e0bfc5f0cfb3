/**
 * ResNet50/101/152 and their V2 variants (keras/src/applications/resnet.py, resnet_v2.py):
 * the same stacks of bottleneck blocks, V1 post-activation (block1/stack1), V2
 * pre-activation (block2/stack2), with Keras' layer names ('conv2_block1_0_conv', ...).
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, commonArgs, n, pads, s, type GraphBuilder } from './common';

/** Blocks per stack (conv2..conv5), as in He et al. */
export const RESNETS: Record<string, { name: string; blocks: number[]; v2: boolean }> = {
  ResNet50: { name: 'resnet50', blocks: [3, 4, 6, 3], v2: false },
  ResNet101: { name: 'resnet101', blocks: [3, 4, 23, 3], v2: false },
  ResNet152: { name: 'resnet152', blocks: [3, 8, 36, 3], v2: false },
  ResNet50V2: { name: 'resnet50v2', blocks: [3, 4, 6, 3], v2: true },
  ResNet101V2: { name: 'resnet101v2', blocks: [3, 4, 23, 3], v2: true },
  ResNet152V2: { name: 'resnet152v2', blocks: [3, 8, 36, 3], v2: true },
};

// Keras' ResNets use epsilon=1.001e-5 on every BatchNormalization.
const BN = { axis: n(3), epsilon: n(1.001e-5) };

function bn(net: Net, x: SymbolicTensor, name: string): SymbolicTensor {
  return net.on(x, 'BatchNormalization', { ...BN, name: s(name) });
}

function relu(net: Net, x: SymbolicTensor, name: string): SymbolicTensor {
  return net.on(x, 'Activation', { activation: s('relu'), name: s(name) });
}

function conv(net: Net, x: SymbolicTensor, filters: number, kernel: number, name: string, extra: Record<string, Value> = {}): SymbolicTensor {
  return net.on(x, 'Conv2D', { filters: n(filters), kernel_size: n(kernel), ...extra, name: s(name) });
}

/** resnet.py block1: the post-activation bottleneck. */
function block1(net: Net, x: SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string): SymbolicTensor {
  let shortcut = x;
  if (convShortcut) {
    shortcut = conv(net, x, 4 * filters, 1, `${name}_0_conv`, { strides: n(stride) });
    shortcut = bn(net, shortcut, `${name}_0_bn`);
  }
  let y = conv(net, x, filters, 1, `${name}_1_conv`, { strides: n(stride) });
  y = relu(net, bn(net, y, `${name}_1_bn`), `${name}_1_relu`);
  y = conv(net, y, filters, 3, `${name}_2_conv`, { padding: s('same') });
  y = relu(net, bn(net, y, `${name}_2_bn`), `${name}_2_relu`);
  y = bn(net, conv(net, y, 4 * filters, 1, `${name}_3_conv`), `${name}_3_bn`);
  y = net.on([shortcut, y], 'Add', { name: s(`${name}_add`) });
  return relu(net, y, `${name}_out`);
}

function stack1(net: Net, x: SymbolicTensor, filters: number, blocks: number, stride1: number, name: string): SymbolicTensor {
  x = block1(net, x, filters, stride1, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) x = block1(net, x, filters, 1, false, `${name}_block${i}`);
  return x;
}

/** resnet.py block2: the pre-activation bottleneck of ResNetV2 (the stride sits in the last block). */
function block2(net: Net, x: SymbolicTensor, filters: number, stride: number, convShortcut: boolean, name: string): SymbolicTensor {
  const preact = relu(net, bn(net, x, `${name}_preact_bn`), `${name}_preact_relu`);
  let shortcut: SymbolicTensor;
  if (convShortcut) shortcut = conv(net, preact, 4 * filters, 1, `${name}_0_conv`, { strides: n(stride) });
  else if (stride > 1) shortcut = net.on(x, 'MaxPooling2D', { pool_size: n(1), strides: n(stride) });
  else shortcut = x;
  let y = conv(net, preact, filters, 1, `${name}_1_conv`, { strides: n(1), use_bias: { kind: 'bool', value: false } });
  y = relu(net, bn(net, y, `${name}_1_bn`), `${name}_1_relu`);
  y = net.on(y, 'ZeroPadding2D', { padding: pads(1, 1, 1, 1), name: s(`${name}_2_pad`) });
  y = conv(net, y, filters, 3, `${name}_2_conv`, { strides: n(stride), use_bias: { kind: 'bool', value: false } });
  y = relu(net, bn(net, y, `${name}_2_bn`), `${name}_2_relu`);
  y = conv(net, y, 4 * filters, 1, `${name}_3_conv`);
  return net.on([shortcut, y], 'Add', { name: s(`${name}_out`) });
}

function stack2(net: Net, x: SymbolicTensor, filters: number, blocks: number, stride1: number, name: string): SymbolicTensor {
  x = block2(net, x, filters, 1, true, `${name}_block1`);
  for (let i = 2; i < blocks; i++) x = block2(net, x, filters, 1, false, `${name}_block${i}`);
  return block2(net, x, filters, stride1, false, `${name}_block${blocks}`);
}

export function resnet(variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const { name, blocks, v2 } = RESNETS[variant];
  const a = commonArgs(args, 224);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = net.on(input, 'ZeroPadding2D', { padding: pads(3, 3, 3, 3), name: s('conv1_pad') });
  x = conv(net, x, 64, 7, 'conv1_conv', { strides: n(2) });
  if (!v2) x = relu(net, bn(net, x, 'conv1_bn'), 'conv1_relu');
  x = net.on(x, 'ZeroPadding2D', { padding: pads(1, 1, 1, 1), name: s('pool1_pad') });
  x = net.on(x, 'MaxPooling2D', { pool_size: n(3), strides: n(2), name: s('pool1_pool') });
  const filters = [64, 128, 256, 512];
  blocks.forEach((count, i) => {
    const stackName = `conv${i + 2}`;
    // V1 downsamples at the start of conv3..conv5; V2 at the end of conv2..conv4.
    if (v2) x = stack2(net, x, filters[i], count, i === 3 ? 1 : 2, stackName);
    else x = stack1(net, x, filters[i], count, i === 0 ? 1 : 2, stackName);
  });
  if (v2) x = relu(net, bn(net, x, 'post_bn'), 'post_relu');
  x = net.top(x, a, { avg: 'avg_pool', max: 'max_pool' });
  return net.model(input, x, name);
}
