/** VGG16/VGG19 (keras/src/applications/vgg16.py, vgg19.py). */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { Value } from '../values';
import { Net, commonArgs, n, s, tuple, type GraphBuilder } from './common';

/** Convolutions per block of the VGG variants (Simonyan & Zisserman, configurations D and E). */
export const VGG_BLOCKS: Record<string, { name: string; convs: number[] }> = {
  VGG16: { name: 'vgg16', convs: [2, 2, 3, 3, 3] },
  VGG19: { name: 'vgg19', convs: [2, 2, 4, 4, 4] },
};

export function vgg(variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const { name, convs } = VGG_BLOCKS[variant];
  const a = commonArgs(args, 224);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = input;
  const filters = [64, 128, 256, 512, 512];
  convs.forEach((count, block) => {
    for (let i = 1; i <= count; i++) {
      x = net.on(x, 'Conv2D', { filters: n(filters[block]), kernel_size: tuple(3, 3), activation: s('relu'), padding: s('same'), name: s(`block${block + 1}_conv${i}`) });
    }
    x = net.on(x, 'MaxPooling2D', { pool_size: tuple(2, 2), strides: tuple(2, 2), name: s(`block${block + 1}_pool`) });
  });
  if (a.includeTop) {
    x = net.on(x, 'Flatten', { name: s('flatten') });
    x = net.on(x, 'Dense', { units: n(4096), activation: s('relu'), name: s('fc1') });
    x = net.on(x, 'Dense', { units: n(4096), activation: s('relu'), name: s('fc2') });
    x = net.on(x, 'Dense', { units: a.classes, activation: a.activation, name: s('predictions') });
  } else {
    // VGG's pooling layers keep Keras' automatic names.
    x = net.pool(x, a.pooling);
  }
  return net.model(input, x, name);
}
