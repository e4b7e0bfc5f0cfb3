/**
 * DenseNet121/169/201 (keras/src/applications/densenet.py): dense blocks of conv_block
 * (BN-ReLU-1×1-BN-ReLU-3×3, growth rate 32) concatenated onto their input, with transition
 * blocks halving the channels and the size between them.
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, b, commonArgs, n, pads, s, type GraphBuilder } from './common';

export const DENSENETS: Record<string, { name: string; blocks: number[] }> = {
  DenseNet121: { name: 'densenet121', blocks: [6, 12, 24, 16] },
  DenseNet169: { name: 'densenet169', blocks: [6, 12, 32, 32] },
  DenseNet201: { name: 'densenet201', blocks: [6, 12, 48, 32] },
};

const GROWTH = 32;

function bnRelu(net: Net, x: SymbolicTensor, bnName: string, reluName: string): SymbolicTensor {
  x = net.on(x, 'BatchNormalization', { axis: n(3), epsilon: n(1.001e-5), name: s(bnName) });
  return net.on(x, 'Activation', { activation: s('relu'), name: s(reluName) });
}

/** A stream of tensors and the channel count the transition blocks need (Keras reads it from the shape). */
interface Stream { x: SymbolicTensor; channels: number }

function denseBlock(net: Net, { x, channels }: Stream, blocks: number, name: string): Stream {
  for (let i = 1; i <= blocks; i++) {
    const p = `${name}_block${i}`;
    let y = bnRelu(net, x, `${p}_0_bn`, `${p}_0_relu`);
    y = net.on(y, 'Conv2D', { filters: n(4 * GROWTH), kernel_size: n(1), use_bias: b(false), name: s(`${p}_1_conv`) });
    y = bnRelu(net, y, `${p}_1_bn`, `${p}_1_relu`);
    y = net.on(y, 'Conv2D', { filters: n(GROWTH), kernel_size: n(3), padding: s('same'), use_bias: b(false), name: s(`${p}_2_conv`) });
    x = net.on([x, y], 'Concatenate', { axis: n(3), name: s(`${p}_concat`) });
    channels += GROWTH;
  }
  return { x, channels };
}

/** transition_block with reduction 0.5: int(channels * 0.5) filters, then 2×2 average pooling. */
function transition(net: Net, { x, channels }: Stream, name: string): Stream {
  const out = Math.floor(channels * 0.5);
  x = bnRelu(net, x, `${name}_bn`, `${name}_relu`);
  x = net.on(x, 'Conv2D', { filters: n(out), kernel_size: n(1), use_bias: b(false), name: s(`${name}_conv`) });
  x = net.on(x, 'AveragePooling2D', { pool_size: n(2), strides: n(2), name: s(`${name}_pool`) });
  return { x, channels: out };
}

export function densenet(variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const { name, blocks } = DENSENETS[variant];
  const a = commonArgs(args, 224);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = net.on(input, 'ZeroPadding2D', { padding: pads(3, 3, 3, 3) });
  x = net.on(x, 'Conv2D', { filters: n(64), kernel_size: n(7), strides: n(2), use_bias: b(false), name: s('conv1_conv') });
  x = bnRelu(net, x, 'conv1_bn', 'conv1_relu');
  x = net.on(x, 'ZeroPadding2D', { padding: pads(1, 1, 1, 1) });
  x = net.on(x, 'MaxPooling2D', { pool_size: n(3), strides: n(2), name: s('pool1') });
  let stream: Stream = { x, channels: 64 };
  blocks.forEach((count, i) => {
    stream = denseBlock(net, stream, count, `conv${i + 2}`);
    if (i < blocks.length - 1) stream = transition(net, stream, `pool${i + 2}`);
  });
  x = bnRelu(net, stream.x, 'bn', 'relu');
  x = net.top(x, a, { avg: 'avg_pool', max: 'max_pool' });
  return net.model(input, x, name);
}
