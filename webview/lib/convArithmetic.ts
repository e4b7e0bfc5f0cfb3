/**
 * The worked example behind the arithmetic view: a fixed 6×6 input, the layer's real
 * stride and padding, a small deterministic kernel, every output cell as a written-out
 * sum, then 2×2 max pooling of a convolution's result. Pure: no DOM.
 */
import type { ArithmeticConfig } from '../../src/protocol/summary';

/** Small integers with a vertical edge between columns 2 and 3, so the edge filter finds something. */
export const DEMO_INPUT: number[][] = [
  [3, 4, 3, 0, 1, 0],
  [2, 3, 4, 1, 0, 1],
  [4, 3, 3, 0, 0, 2],
  [3, 2, 4, 1, 1, 0],
  [2, 4, 3, 0, 2, 1],
  [3, 3, 2, 1, 0, 0],
];
const N = DEMO_INPUT.length;
/** Kernels above 5 would leave a 6×6 input nothing to slide over. */
export const MAX_DEMO_KERNEL = 5;
export const MAX_DEMO_STRIDE = 3;

export interface Grid {
  /** Cell values; null marks padding (drawn dashed). */
  cells: (number | null)[][];
}

export interface Step {
  phase: 'main' | 'pool';
  /** Output cell this step computes. */
  out: [number, number];
  /** Top-left of the window in the phase's input grid (padded coordinates). */
  at: [number, number];
  size: [number, number];
  value: number;
  text: string;
}

export interface Demo {
  op: ArithmeticConfig['op'];
  kernelSize: [number, number];
  strides: [number, number];
  padding: ArithmeticConfig['padding'];
  input: Grid;
  /** Conv only: the demo kernel. */
  kernel?: number[][];
  output: number[][];
  /** Conv only: 2×2 max pooling of the output, when it is at least 2×2. */
  pooled?: number[][];
  steps: Step[];
  notes: string[];
}

/** A vertical-edge filter of any width: +1 left of centre, 0 on it, −1 right of it ([[1,0,−1],…] for 3×3). */
export function edgeKernel(kh: number, kw: number): number[][] {
  const mid = (kw - 1) / 2;
  return Array.from({ length: kh }, () => Array.from({ length: kw }, (_, j) => (kw === 1 ? 1 : Math.sign(mid - j))));
}

/** TensorFlow's padding: 'same' gives ⌈n/s⌉ outputs and pads the odd extra cell at the end. */
export function paddingFor(n: number, k: number, s: number, padding: 'valid' | 'same'): { out: number; before: number; after: number } {
  if (padding === 'valid') return { out: Math.max(0, Math.floor((n - k) / s) + 1), before: 0, after: 0 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + k - n, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

const num = (v: number): string => (v < 0 ? `(−${-v})` : String(v));
const show = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2)).replace('-', '−');

function windowValues(grid: (number | null)[][], r: number, c: number, kh: number, kw: number): { v: number | null; i: number; j: number }[] {
  const out: { v: number | null; i: number; j: number }[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out.push({ v: grid[r + i][c + j], i, j });
  return out;
}

function slide(grid: (number | null)[][], outH: number, outW: number, k: [number, number], s: [number, number], phase: Step['phase'],
  cell: (w: { v: number | null; i: number; j: number }[]) => { value: number; text: string }): { output: number[][]; steps: Step[] } {
  const output: number[][] = [];
  const steps: Step[] = [];
  for (let r = 0; r < outH; r++) {
    output.push([]);
    for (let c = 0; c < outW; c++) {
      const at: [number, number] = [r * s[0], c * s[1]];
      const { value, text } = cell(windowValues(grid, at[0], at[1], k[0], k[1]));
      output[r].push(value);
      steps.push({ phase, out: [r, c], at, size: k, value, text });
    }
  }
  return { output, steps };
}

function pool(op: 'max' | 'avg', w: { v: number | null }[]): { value: number; text: string } {
  // Padding never wins a max nor counts in an average (TensorFlow excludes it).
  const vals = w.map((x) => x.v).filter((v): v is number => v !== null);
  if (op === 'max') {
    const value = Math.max(...vals);
    return { value, text: `max(${vals.map(show).join(', ')}) = ${show(value)}` };
  }
  const value = vals.reduce((a, b) => a + b, 0) / vals.length;
  return { value, text: `(${vals.map(show).join(' + ')}) / ${vals.length} = ${show(value)}` };
}

export function buildDemo(cfg: ArithmeticConfig): Demo {
  const notes: string[] = [];
  const clampK = (k: number) => Math.min(Math.max(k, 1), MAX_DEMO_KERNEL);
  const clampS = (s: number) => Math.min(Math.max(s, 1), MAX_DEMO_STRIDE);
  const kernelSize: [number, number] = [clampK(cfg.kernel[0]), clampK(cfg.kernel[1])];
  const strides: [number, number] = [clampS(cfg.strides[0]), clampS(cfg.strides[1])];
  if (kernelSize[0] !== cfg.kernel[0] || kernelSize[1] !== cfg.kernel[1]) {
    notes.push(`The layer's ${cfg.kernel.join('×')} window is shown as ${kernelSize.join('×')} so it fits the 6×6 example.`);
  }
  if (strides[0] !== cfg.strides[0] || strides[1] !== cfg.strides[1]) notes.push(`Stride ${cfg.strides.join('×')} is shown as ${strides.join('×')}.`);
  const ph = paddingFor(N, kernelSize[0], strides[0], cfg.padding);
  const pw = paddingFor(N, kernelSize[1], strides[1], cfg.padding);
  const cells: (number | null)[][] = [];
  for (let r = -ph.before; r < N + ph.after; r++) {
    const row: (number | null)[] = [];
    for (let c = -pw.before; c < N + pw.after; c++) row.push(r >= 0 && r < N && c >= 0 && c < N ? DEMO_INPUT[r][c] : null);
    cells.push(row);
  }
  const demo: Demo = { op: cfg.op, kernelSize, strides, padding: cfg.padding, input: { cells }, output: [], steps: [], notes };
  if (cfg.op === 'conv') {
    const kernel = edgeKernel(kernelSize[0], kernelSize[1]);
    demo.kernel = kernel;
    const main = slide(cells, ph.out, pw.out, kernelSize, strides, 'main', (w) => {
      // Padding cells are zeros in a convolution; written as 0 so the sum reads in full.
      const value = w.reduce((a, x) => a + (x.v ?? 0) * kernel[x.i][x.j], 0);
      return { value, text: `${w.map((x) => `${x.v ?? 0}·${num(kernel[x.i][x.j])}`).join(' + ')} = ${show(value)}` };
    });
    demo.output = main.output;
    demo.steps = main.steps;
    if (ph.out >= 2 && pw.out >= 2) {
      const p = slide(main.output, Math.floor(ph.out / 2), Math.floor(pw.out / 2), [2, 2], [2, 2], 'pool', (w) => pool('max', w));
      demo.pooled = p.output;
      demo.steps.push(...p.steps);
    }
  } else {
    const main = slide(cells, ph.out, pw.out, kernelSize, strides, 'main', (w) => pool(cfg.op as 'max' | 'avg', w));
    demo.output = main.output;
    demo.steps = main.steps;
  }
  if (demo.steps.length === 0) notes.push('With this window and padding a 6×6 input has no output cells.');
  return demo;
}
