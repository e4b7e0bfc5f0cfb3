/**
 * InceptionV3 (keras/src/applications/inception_v3.py): conv2d_bn units (Conv2D without bias,
 * BatchNormalization with scale=False, ReLU) in the mixed0..mixed10 modules; 299×299 by default.
 * Keras names only the concatenations ('mixed0', 'mixed9_0', ...); the rest keep automatic names.
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, b, commonArgs, n, s, tuple, type GraphBuilder } from './common';

type T = SymbolicTensor;

function convBn(net: Net, x: T, filters: number, rows: number, cols: number, padding = 'same', stride = 1): T {
  x = net.on(x, 'Conv2D', { filters: n(filters), kernel_size: tuple(rows, cols), strides: tuple(stride, stride), padding: s(padding), use_bias: b(false) });
  // scale=False: no γ, since the ReLU that follows makes a scale redundant.
  x = net.on(x, 'BatchNormalization', { axis: n(3), scale: b(false) });
  return net.on(x, 'Activation', { activation: s('relu') });
}

const avgPool = (net: Net, x: T): T => net.on(x, 'AveragePooling2D', { pool_size: tuple(3, 3), strides: tuple(1, 1), padding: s('same') });
const maxPool = (net: Net, x: T): T => net.on(x, 'MaxPooling2D', { pool_size: tuple(3, 3), strides: tuple(2, 2) });
const concat = (net: Net, xs: T[], name?: string): T => net.on(xs, 'Concatenate', { axis: n(3), name: name ? s(name) : undefined });

/** mixed0..2: 1×1, 5×5, double 3×3 and pooled branches at 35×35. */
function mixed35(net: Net, x: T, poolFilters: number, name: string): T {
  const b1 = convBn(net, x, 64, 1, 1);
  const b5 = convBn(net, convBn(net, x, 48, 1, 1), 64, 5, 5);
  const b3 = convBn(net, convBn(net, convBn(net, x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
  const bp = convBn(net, avgPool(net, x), poolFilters, 1, 1);
  return concat(net, [b1, b5, b3, bp], name);
}

/** mixed4..7: factorised 7×7 branches at 17×17, `c` channels inside them. */
function mixed17(net: Net, x: T, c: number, name: string): T {
  const b1 = convBn(net, x, 192, 1, 1);
  let b7 = convBn(net, x, c, 1, 1);
  b7 = convBn(net, convBn(net, b7, c, 1, 7), 192, 7, 1);
  let bd = convBn(net, x, c, 1, 1);
  bd = convBn(net, convBn(net, convBn(net, bd, c, 7, 1), c, 1, 7), c, 7, 1);
  bd = convBn(net, bd, 192, 1, 7);
  const bp = convBn(net, avgPool(net, x), 192, 1, 1);
  return concat(net, [b1, b7, bd, bp], name);
}

/** mixed9, mixed10: expanded filter banks at 8×8. */
function mixed8x8(net: Net, x: T, i: number): T {
  const b1 = convBn(net, x, 320, 1, 1);
  const b3 = convBn(net, x, 384, 1, 1);
  const b3c = concat(net, [convBn(net, b3, 384, 1, 3), convBn(net, b3, 384, 3, 1)], `mixed9_${i}`);
  const bd = convBn(net, convBn(net, x, 448, 1, 1), 384, 3, 3);
  const bdc = concat(net, [convBn(net, bd, 384, 1, 3), convBn(net, bd, 384, 3, 1)]);
  const bp = convBn(net, avgPool(net, x), 192, 1, 1);
  return concat(net, [b1, b3c, bdc, bp], `mixed${9 + i}`);
}

export function inceptionV3(_variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const a = commonArgs(args, 299);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = convBn(net, input, 32, 3, 3, 'valid', 2);
  x = convBn(net, x, 32, 3, 3, 'valid');
  x = maxPool(net, convBn(net, x, 64, 3, 3));
  x = convBn(net, x, 80, 1, 1, 'valid');
  x = maxPool(net, convBn(net, x, 192, 3, 3, 'valid'));
  x = mixed35(net, x, 32, 'mixed0');
  x = mixed35(net, x, 64, 'mixed1');
  x = mixed35(net, x, 64, 'mixed2');
  // mixed3: grid reduction 35 → 17.
  const r3 = convBn(net, x, 384, 3, 3, 'valid', 2);
  const rd = convBn(net, convBn(net, convBn(net, x, 64, 1, 1), 96, 3, 3), 96, 3, 3, 'valid', 2);
  x = concat(net, [r3, rd, maxPool(net, x)], 'mixed3');
  x = mixed17(net, x, 128, 'mixed4');
  x = mixed17(net, x, 160, 'mixed5');
  x = mixed17(net, x, 160, 'mixed6');
  x = mixed17(net, x, 192, 'mixed7');
  // mixed8: grid reduction 17 → 8.
  const r8 = convBn(net, convBn(net, x, 192, 1, 1), 320, 3, 3, 'valid', 2);
  let r7 = convBn(net, convBn(net, convBn(net, x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
  r7 = convBn(net, r7, 192, 3, 3, 'valid', 2);
  x = concat(net, [r8, r7, maxPool(net, x)], 'mixed8');
  x = mixed8x8(net, x, 0);
  x = mixed8x8(net, x, 1);
  x = net.top(x, a);
  return net.model(input, x, 'inception_v3');
}
