/**
 * Output length of one spatial axis under a sliding window (convolution or pooling),
 * exactly as Keras 3 computes it, with the formula written with the user's numbers.
 */
import type { Dim } from '../types';
import { ShapeError } from './rule';

export interface WindowAxis {
  /** 'height', 'width' or 'steps': used in formulas and messages. */
  axis: string;
  input: Dim;
  kernel: number;
  stride: number;
  dilation: number;
  padding: 'valid' | 'same' | 'causal';
  /** 'kernel' for convolutions, 'pool' for pooling: words in messages. */
  window: string;
}

export interface AxisResult {
  output: Dim;
  formula: string;
}

export function windowOutput(a: WindowAxis): AxisResult {
  const kEff = (a.kernel - 1) * a.dilation + 1;
  const dilated = a.dilation > 1 ? `k = (${a.kernel} − 1)·${a.dilation} + 1 = ${kEff}; ` : '';
  if (a.input === null) return { output: null, formula: `${dilated}None (input size not fixed)` };
  if (a.padding === 'same') {
    const out = Math.ceil(a.input / a.stride);
    const total = Math.max((out - 1) * a.stride + kEff - a.input, 0);
    const before = Math.floor(total / 2);
    const after = total - before;
    const pads = total === 0 ? "'same' adds no padding" : before === after ? `'same' pads ${before} on each side` : `'same' pads ${before} before, ${after} after`;
    return { output: out, formula: `${dilated}⌈${a.input}/${a.stride}⌉ = ${out} (${pads})` };
  }
  if (a.padding === 'causal') {
    // Causal padding adds k_eff − 1 zeros before the sequence, then slides as 'valid'.
    const out = Math.floor((a.input - 1) / a.stride) + 1;
    return { output: out, formula: `${dilated}⌊(${a.input} + ${kEff - 1} − ${kEff})/${a.stride}⌋ + 1 = ${out} (causal pads ${kEff - 1} before)` };
  }
  const out = Math.floor((a.input - kEff) / a.stride) + 1;
  const formula = `${dilated}⌊(${a.input} − ${kEff} + 2·0)/${a.stride}⌋ + 1 = ${out}`;
  if (out <= 0) {
    throw new ShapeError(
      `output ${a.axis} would be ${out}: the ${a.window} (${kEff}) is larger than the input ${a.axis} (${a.input}); ${formula}. ` +
      `Use padding="same", a smaller ${a.window}, or remove a pooling layer before it`,
      'dimension-not-positive',
    );
  }
  return { output: out, formula };
}

/** Formulas per axis, merged when height and width share the same arithmetic (square inputs). */
export function axisFormulas(names: string[], formulas: string[]): string[] {
  if (formulas.length === 2 && formulas[0] === formulas[1]) return [`${names[0]}, ${names[1]}: ${formulas[0]}`];
  return formulas.map((f, i) => `${names[i]}: ${f}`);
}
