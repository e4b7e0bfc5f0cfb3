/** Convolution layers: Conv1D/2D/3D, Conv1D/2D/3DTranspose, SeparableConv2D, DepthwiseConv2D. */
import type { Args } from '../args';
import { formatCount, product } from '../format';
import type { Dim, Shape } from '../types';
import { ShapeError, knownLast, single, type LayerRule, type RuleInput, type RuleOutput } from './rule';
import { axisFormulas, windowOutput } from './spatial';

const AXES_2D = ['height', 'width'];
const AXES_1D = ['steps'];
const AXES_3D = ['depth', 'height', 'width'];
/** The spatial axes of a rank-n convolution or pooling, and how its input reads. */
export const SPATIAL: Record<1 | 2 | 3, { axes: string[]; layout: string }> = {
  1: { axes: AXES_1D, layout: 'batch, steps, channels' },
  2: { axes: AXES_2D, layout: 'batch, height, width, channels' },
  3: { axes: AXES_3D, layout: 'batch, depth, height, width, channels' },
};

interface Window {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: 'valid' | 'same' | 'causal';
}

export function readWindow(args: Args, rank: number): Window {
  args.requireChannelsLast();
  const padding = args.padding();
  if (padding === 'causal' && rank !== 1) throw new ShapeError('causal padding is only for 1D convolutions');
  return {
    kernel: args.intTuple('kernel_size', rank),
    strides: args.intTuple('strides', rank, new Array<number>(rank).fill(1)),
    dilation: args.intTuple('dilation_rate', rank, new Array<number>(rank).fill(1)),
    padding,
  };
}

/** Slides the window over each spatial axis; returns the new spatial dims and their formulas. */
export function slide(input: Shape, w: Window, names: string[]): { dims: Dim[]; formulas: string[] } {
  const results = names.map((axis, i) => windowOutput({
    axis, input: input[i + 1], kernel: w.kernel[i], stride: w.strides[i], dilation: w.dilation[i], padding: w.padding, window: 'kernel',
  }));
  return { dims: results.map((r) => r.output), formulas: axisFormulas(names, results.map((r) => r.formula)) };
}

/**
 * `(k·k·cin + 1)·filters`: every filter has one weight per kernel cell and input channel,
 * plus a bias. With groups, each filter sees only cin/groups channels.
 */
function kernelParams(kernel: number[], cin: number, filters: number, useBias: boolean, groups = 1): { count: number; formula: string } {
  const weights = kernel.reduce((a, b) => a * b, 1) * (cin / groups) * filters;
  const factors = product([...kernel, groups === 1 ? cin : `(${cin}/${groups})`]);
  if (!useBias) return { count: weights, formula: `${factors}·${filters} = ${formatCount(weights)}` };
  const count = weights + filters;
  return { count, formula: `(${factors} + 1)·${filters} = ${formatCount(count)}` };
}

function convolution(rank: 1 | 2 | 3): LayerRule {
  return (input: RuleInput): RuleOutput => {
    const { args } = input;
    const x = single(input, rank + 2, SPATIAL[rank].layout);
    const filters = args.int('filters');
    const groups = args.int('groups', 1);
    const w = readWindow(args, rank);
    const cin = knownLast(input, x);
    if (cin % groups !== 0 || filters % groups !== 0) {
      throw new ShapeError(`groups=${groups} must divide both the input channels (${cin}) and filters (${filters})`);
    }
    const { dims, formulas } = slide(x, w, SPATIAL[rank].axes);
    const p = kernelParams(w.kernel, cin, filters, args.bool('use_bias', true), groups);
    return {
      shape: [null, ...dims, filters], trainable: p.count, params: p.formula,
      shapeFormulas: [...formulas, `channels: ${filters} filters`],
    };
  };
}

/** Keras 3 `compute_conv_transpose_output_shape` for one axis. */
function transposeAxis(axis: string, input: Dim, kernel: number, stride: number, dilation: number, padding: string, outputPadding?: number): { out: Dim; formula: string } {
  const kEff = (kernel - 1) * dilation + 1;
  if (input === null) return { out: null, formula: `${axis}: None (input size not fixed)` };
  if (outputPadding !== undefined) {
    const pad = padding === 'same' ? Math.floor(kEff / 2) : 0;
    const out = (input - 1) * stride + kEff - 2 * pad + outputPadding;
    return { out, formula: `${axis}: (${input} − 1)·${stride} + ${kEff} − 2·${pad} + ${outputPadding} = ${out}` };
  }
  if (padding === 'same') return { out: input * stride, formula: `${axis}: ${input}·${stride} = ${input * stride} (same)` };
  const out = input * stride + Math.max(kEff - stride, 0);
  return { out, formula: `${axis}: ${input}·${stride} + max(${kEff} − ${stride}, 0) = ${out}` };
}

/** Conv1DTranspose, Conv2DTranspose, Conv3DTranspose: each axis grows by the stride (Keras' transpose arithmetic). */
function convTranspose(rank: 1 | 2 | 3): LayerRule {
  return (input) => {
    const { args } = input;
    const x = single(input, rank + 2, SPATIAL[rank].layout);
    const filters = args.int('filters');
    const w = readWindow(args, rank);
    const outputPadding = args.has('output_padding') ? args.intTuple('output_padding', rank) : undefined;
    const cin = knownLast(input, x);
    const axes = SPATIAL[rank].axes.map((axis, i) => transposeAxis(axis, x[i + 1], w.kernel[i], w.strides[i], w.dilation[i], w.padding, outputPadding?.[i]));
    const p = kernelParams(w.kernel, cin, filters, args.bool('use_bias', true));
    return {
      shape: [null, ...axes.map((a) => a.out), filters], trainable: p.count, params: p.formula,
      shapeFormulas: [...axes.map((a) => a.formula), `channels: ${filters} filters`],
    };
  };
}

const separableConv2d: LayerRule = (input) => {
  const { args } = input;
  const x = single(input, 4, 'batch, height, width, channels');
  const filters = args.int('filters');
  const dm = args.int('depth_multiplier', 1);
  const w = readWindow(args, 2);
  const cin = knownLast(input, x);
  const { dims, formulas } = slide(x, w, AXES_2D);
  const [kh, kw] = w.kernel;
  const depthwise = kh * kw * cin * dm;
  const pointwise = cin * dm * filters;
  const bias = args.bool('use_bias', true) ? filters : 0;
  const count = depthwise + pointwise + bias;
  const formula = `depthwise ${product([kh, kw, cin, dm])} + pointwise ${product([cin, dm, filters])}${bias ? ` + bias ${filters}` : ''} = ${formatCount(count)}`;
  return { shape: [null, ...dims, filters], trainable: count, params: formula, shapeFormulas: [...formulas, `channels: ${filters} filters`] };
};

const depthwiseConv2d: LayerRule = (input) => {
  const { args } = input;
  const x = single(input, 4, 'batch, height, width, channels');
  const dm = args.int('depth_multiplier', 1);
  const w = readWindow(args, 2);
  const cin = knownLast(input, x);
  const { dims, formulas } = slide(x, w, AXES_2D);
  const [kh, kw] = w.kernel;
  const useBias = args.bool('use_bias', true);
  const count = (kh * kw + (useBias ? 1 : 0)) * cin * dm;
  const perChannel = useBias ? `(${kh}·${kw} + 1)` : `${kh}·${kw}`;
  const formula = `${perChannel}·${cin}${dm === 1 ? '' : `·${dm}`} = ${formatCount(count)}`;
  return {
    shape: [null, ...dims, cin * dm], trainable: count, params: formula,
    shapeFormulas: [...formulas, `channels: ${cin}·${dm} = ${cin * dm} (one filter per input channel × depth_multiplier)`],
  };
};

export const convRules: Record<string, LayerRule> = {
  Conv1D: convolution(1),
  Conv2D: convolution(2),
  Conv3D: convolution(3),
  Conv1DTranspose: convTranspose(1),
  Conv2DTranspose: convTranspose(2),
  Conv3DTranspose: convTranspose(3),
  SeparableConv2D: separableConv2d,
  DepthwiseConv2D: depthwiseConv2d,
};
