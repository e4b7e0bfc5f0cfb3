/**
 * EfficientNetB0..B7 (keras/src/applications/efficientnet.py): MBConv blocks with
 * squeeze-and-excitation, scaled in width and depth per variant, with the preprocessing
 * Keras puts inside the model (Rescaling, Normalization, and for imagenet weights a second
 * Rescaling by 1/√variance).
 */
import type { SourceRange } from '../../model/spec';
import type { CallArgs } from '../runtime';
import type { SymbolicTensor, Value } from '../values';
import { Net, arg, b, commonArgs, n, s, type GraphBuilder } from './common';
import { correctPad, halve, makeDivisible } from './mobilenet';

/** (width coefficient, depth coefficient, default resolution, top dropout), per Tan & Le. */
export const EFFICIENTNETS: Record<string, [number, number, number, number]> = {
  EfficientNetB0: [1.0, 1.0, 224, 0.2],
  EfficientNetB1: [1.0, 1.1, 240, 0.2],
  EfficientNetB2: [1.1, 1.2, 260, 0.3],
  EfficientNetB3: [1.2, 1.4, 300, 0.3],
  EfficientNetB4: [1.4, 1.8, 380, 0.4],
  EfficientNetB5: [1.6, 2.2, 456, 0.4],
  EfficientNetB6: [1.8, 2.6, 528, 0.5],
  EfficientNetB7: [2.0, 3.1, 600, 0.5],
};

/** DEFAULT_BLOCKS_ARGS: kernel, repeats, filters in, filters out, expand ratio, stride (se_ratio 0.25 everywhere). */
const BLOCKS: [number, number, number, number, number, number][] = [
  [3, 1, 32, 16, 1, 1], [3, 2, 16, 24, 6, 2], [5, 2, 24, 40, 6, 2], [3, 3, 40, 80, 6, 2],
  [5, 3, 80, 112, 6, 1], [5, 4, 112, 192, 6, 2], [3, 1, 192, 320, 6, 1],
];

const SWISH = s('swish');

interface Block { kernel: number; filtersIn: number; filtersOut: number; expand: number; stride: number; dropRate: number }

/** efficientnet.py block(): expand, depthwise, squeeze-excite, project, and the skip when shapes allow. */
function mbconv(net: Net, inputs: SymbolicTensor, size: number | null, blk: Block, name: string): SymbolicTensor {
  const filters = blk.filtersIn * blk.expand;
  let x = inputs;
  if (blk.expand !== 1) {
    x = net.on(x, 'Conv2D', { filters: n(filters), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${name}expand_conv`) });
    x = net.on(x, 'BatchNormalization', { axis: n(3), name: s(`${name}expand_bn`) });
    x = net.on(x, 'Activation', { activation: SWISH, name: s(`${name}expand_activation`) });
  }
  if (blk.stride === 2) x = net.on(x, 'ZeroPadding2D', { padding: correctPad(size, blk.kernel), name: s(`${name}dwconv_pad`) });
  x = net.on(x, 'DepthwiseConv2D', { kernel_size: n(blk.kernel), strides: n(blk.stride), padding: s(blk.stride === 2 ? 'valid' : 'same'), use_bias: b(false), name: s(`${name}dwconv`) });
  x = net.on(x, 'BatchNormalization', { axis: n(3), name: s(`${name}bn`) });
  x = net.on(x, 'Activation', { activation: SWISH, name: s(`${name}activation`) });
  const filtersSe = Math.max(1, Math.floor(blk.filtersIn * 0.25));
  let se = net.on(x, 'GlobalAveragePooling2D', { name: s(`${name}se_squeeze`) });
  se = net.on(se, 'Reshape', { target_shape: { kind: 'list', tuple: true, items: [n(1), n(1), n(filters)] }, name: s(`${name}se_reshape`) });
  se = net.on(se, 'Conv2D', { filters: n(filtersSe), kernel_size: n(1), padding: s('same'), activation: SWISH, name: s(`${name}se_reduce`) });
  se = net.on(se, 'Conv2D', { filters: n(filters), kernel_size: n(1), padding: s('same'), activation: s('sigmoid'), name: s(`${name}se_expand`) });
  x = net.on([x, se], 'Multiply', { name: s(`${name}se_excite`) });
  x = net.on(x, 'Conv2D', { filters: n(blk.filtersOut), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s(`${name}project_conv`) });
  x = net.on(x, 'BatchNormalization', { axis: n(3), name: s(`${name}project_bn`) });
  if (blk.stride === 1 && blk.filtersIn === blk.filtersOut) {
    // Stochastic depth: drops whole samples' residual branches while training.
    if (blk.dropRate > 0) x = net.on(x, 'Dropout', { rate: n(blk.dropRate), noise_shape: { kind: 'list', tuple: true, items: [{ kind: 'none' }, n(1), n(1), n(1)] }, name: s(`${name}drop`) });
    x = net.on([x, inputs], 'Add', { name: s(`${name}add`) });
  }
  return x;
}

export function efficientnet(variant: string, args: CallArgs, range: SourceRange, builder: GraphBuilder): Value {
  const [width, depth, resolution, dropout] = EFFICIENTNETS[variant];
  const a = commonArgs(args, resolution);
  const weights = arg(args, 'weights', 1);
  const roundFilters = (f: number): number => makeDivisible(f * width);
  const roundRepeats = (r: number): number => Math.ceil(depth * r);
  const net = new Net(builder, range);
  const input = net.input(a.shape);
  let x = net.on(input, 'Rescaling', { scale: n(1 / 255) });
  x = net.on(x, 'Normalization', { axis: n(3) });
  // Only the imagenet weights need the extra division by the standard deviation.
  if (weights === undefined || (weights.kind === 'string' && weights.value === 'imagenet')) {
    x = net.on(x, 'Rescaling', { scale: { kind: 'list', tuple: false, items: [0.229, 0.224, 0.225].map((sd) => n(1 / Math.sqrt(sd))) } });
  }
  let size = a.size;
  x = net.on(x, 'ZeroPadding2D', { padding: correctPad(size, 3), name: s('stem_conv_pad') });
  x = net.on(x, 'Conv2D', { filters: n(roundFilters(32)), kernel_size: n(3), strides: n(2), padding: s('valid'), use_bias: b(false), name: s('stem_conv') });
  size = halve(size);
  x = net.on(x, 'BatchNormalization', { axis: n(3), name: s('stem_bn') });
  x = net.on(x, 'Activation', { activation: SWISH, name: s('stem_activation') });
  const total = BLOCKS.reduce((sum, blk) => sum + roundRepeats(blk[1]), 0);
  let count = 0;
  BLOCKS.forEach(([kernel, repeats, fin, fout, expand, stride], i) => {
    let filtersIn = roundFilters(fin);
    const filtersOut = roundFilters(fout);
    for (let j = 0; j < roundRepeats(repeats); j++) {
      const blkStride = j > 0 ? 1 : stride;
      if (j > 0) filtersIn = filtersOut;
      // drop_connect_rate 0.2, growing linearly with the block's index.
      x = mbconv(net, x, size, { kernel, filtersIn, filtersOut, expand, stride: blkStride, dropRate: (0.2 * count) / total }, `block${i + 1}${String.fromCharCode(97 + j)}_`);
      if (blkStride === 2) size = halve(size);
      count++;
    }
  });
  x = net.on(x, 'Conv2D', { filters: n(roundFilters(1280)), kernel_size: n(1), padding: s('same'), use_bias: b(false), name: s('top_conv') });
  x = net.on(x, 'BatchNormalization', { axis: n(3), name: s('top_bn') });
  x = net.on(x, 'Activation', { activation: SWISH, name: s('top_activation') });
  x = net.top(x, a, { avg: 'avg_pool', max: 'max_pool' }, dropout);
  return net.model(input, x, variant.toLowerCase());
}
