/**
 * The convolution-arithmetic walkthrough: an SVG of the input (padding dashed), the
 * kernel and the output, with the window stepping cell by cell (Prev / Next / Play, or
 * the arrow keys on the figure) and each step's sum written out in a live region.
 */
import type { ArithmeticConfig } from '../../src/protocol/summary';
import { buildDemo, type Demo, type Step } from './convArithmetic';
import { h, svg } from './dom';

const CELL = 30;
const GAP = 44;
const TOP = 22;
const PLAY_MS = 900;

export interface ArithmeticLayer {
  index: number;
  name: string;
  className: string;
  config: ArithmeticConfig;
}

function grid(x: number, y: number, values: (number | null | undefined)[][], label: string, cls: (r: number, c: number) => string): SVGElement {
  const g = svg('g', { class: 'grid' }, svg('text', { x, y: y - 8, class: 'label' }, label));
  values.forEach((row, r) => row.forEach((v, c) => {
    g.append(svg('rect', { x: x + c * CELL, y: y + r * CELL, width: CELL, height: CELL, class: `cell ${v === null ? 'pad' : ''} ${cls(r, c)}` }));
    if (v !== undefined) {
      g.append(svg('text', { x: x + c * CELL + CELL / 2, y: y + r * CELL + CELL / 2, class: 'value' },
        v === null ? '0' : (Number.isInteger(v) ? String(v) : v.toFixed(1)).replace('-', '−')));
    }
  }));
  return g;
}

/** Output values up to (and including) the current step; later cells stay blank. */
function partial(out: number[][], steps: Step[], upto: number, phase: Step['phase']): (number | undefined)[][] {
  const shown = out.map((row) => row.map(() => undefined as number | undefined));
  for (let i = 0; i <= upto && i < steps.length; i++) {
    const s = steps[i];
    if (s.phase === phase) shown[s.out[0]][s.out[1]] = s.value;
    else if (phase === 'main' && s.phase === 'pool') return out;
  }
  return shown;
}

function drawFigure(demo: Demo, stepIndex: number): SVGElement {
  const step = demo.steps[stepIndex];
  const inPool = step?.phase === 'pool';
  const parts: SVGElement[] = [];
  let x = 4;
  const win = (gx: number, s: Step) =>
    svg('rect', { x: gx + s.at[1] * CELL, y: TOP + s.at[0] * CELL, width: s.size[1] * CELL, height: s.size[0] * CELL, class: 'window' });
  const current = (r: number, c: number) => (step?.out[0] === r && step.out[1] === c ? 'current' : '');
  const sign = (t: string) => { parts.push(svg('text', { x: x + GAP / 2 - 6, y: TOP + 3 * CELL, class: 'op' }, t)); x += GAP; };
  if (!inPool) {
    const cells = demo.input.cells;
    const pad = demo.padding === 'same' ? `, padding 'same'` : '';
    parts.push(grid(x, TOP, cells, `input 6×6${pad}`, () => ''));
    if (step) parts.push(win(x, step));
    x += cells[0].length * CELL;
    if (demo.kernel) {
      sign('∗');
      parts.push(grid(x, TOP, demo.kernel, `kernel ${demo.kernelSize.join('×')}`, () => 'kernel'));
      x += demo.kernel[0].length * CELL;
    }
    sign(demo.op === 'conv' ? '=' : demo.op === 'max' ? 'max' : 'avg');
    const out = demo.output;
    parts.push(grid(x, TOP, partial(out, demo.steps, stepIndex, 'main'), `output ${out.length}×${out[0]?.length ?? 0}`, current));
    x += (out[0]?.length ?? 0) * CELL;
  } else {
    parts.push(grid(x, TOP, demo.output, 'convolution output', () => ''));
    parts.push(win(x, step));
    x += demo.output[0].length * CELL;
    sign('max');
    const pooled = demo.pooled ?? [];
    parts.push(grid(x, TOP, partial(pooled, demo.steps, stepIndex, 'pool'), `max pool 2×2: ${pooled.length}×${pooled[0]?.length ?? 0}`, current));
    x += (pooled[0]?.length ?? 0) * CELL;
  }
  const rows = Math.max(demo.input.cells.length, 3);
  x += 90; // room for the last grid's label, which is wider than a small grid
  return svg('svg', { class: 'arith-figure', width: x + 8, height: TOP + rows * CELL + 8, viewBox: `0 0 ${x + 8} ${TOP + rows * CELL + 8}`, 'aria-hidden': 'true' }, ...parts);
}

export class ArithmeticView {
  readonly element: HTMLElement;
  private demo?: Demo;
  private step = 0;
  private timer?: ReturnType<typeof setInterval>;
  private readonly figure = h('div', { class: 'figure', tabindex: 0, role: 'group', 'aria-label': 'Convolution walkthrough: left and right arrows step' });
  private readonly stepText = h('p', { id: 'arithmetic-sum', class: 'step-text', 'aria-live': 'polite' });
  private readonly heading = h('p', { id: 'arithmetic-title', class: 'arith-layer' });
  private readonly playButton: HTMLElement;

  constructor(private readonly layers: ArithmeticLayer[], private readonly onSelect: (layerIndex: number) => void) {
    const button = (id: string, label: string, text: string, act: () => void) => {
      const b = h('vscode-button', { id, 'aria-label': label, secondary: true }, text);
      b.addEventListener('click', act);
      return b;
    };
    this.playButton = button('arith-play', 'Play the steps', 'Play', () => this.togglePlay());
    this.figure.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') this.go(this.step + 1);
      else if (e.key === 'ArrowLeft') this.go(this.step - 1);
      else if (e.key === 'Home') this.go(0);
      else return;
      e.preventDefault();
    });
    const picker = h('vscode-single-select', { id: 'arith-picker', 'aria-label': 'Layer to demonstrate' });
    for (const l of layers) picker.append(h('vscode-option', { value: String(l.index) }, `${l.name} (${l.className})`));
    picker.addEventListener('change', () => this.onSelect(Number((picker as HTMLElement & { value: string }).value)));
    this.element = h('section', { class: 'arithmetic', 'aria-label': 'Convolution arithmetic' },
      layers.length ? h('div', { class: 'row' }, h('label', { for: 'arith-picker' }, 'Layer '), picker) : h('p', { class: 'muted' }, 'This model has no Conv2D or pooling layer to demonstrate.'),
      this.heading, this.figure,
      h('div', { class: 'controls' },
        button('arith-prev', 'Previous step', '◀ Prev', () => this.go(this.step - 1)),
        button('arith-next', 'Next step', 'Next ▶', () => this.go(this.step + 1)),
        this.playButton,
        button('arith-reset', 'Back to the first step', 'Reset', () => { this.stop(); this.go(0); })),
      this.stepText);
  }

  /** Shows the walkthrough for one layer (called on select, and when the model changes). */
  show(layerIndex: number | undefined): void {
    this.stop();
    const layer = this.layers.find((l) => l.index === layerIndex) ?? this.layers[0];
    if (!layer) return;
    const picker = this.element.querySelector<HTMLElement & { value: string }>('#arith-picker');
    if (picker) picker.value = String(layer.index);
    this.demo = buildDemo(layer.config);
    const c = layer.config;
    const what = c.op === 'conv' ? 'Conv2D' : c.op === 'max' ? 'max pooling' : 'average pooling';
    this.heading.textContent = `${layer.name}: ${what}, window ${c.kernel.join('×')}, stride ${c.strides.join('×')}, padding '${c.padding}'. `
      + (c.op === 'conv' ? 'The demo kernel is a vertical-edge filter; the layer learns its own weights. ' : '')
      + this.demo.notes.join(' ');
    this.go(0);
  }

  dispose(): void {
    this.stop();
  }

  private go(i: number): void {
    if (!this.demo) return;
    const n = this.demo.steps.length;
    this.step = Math.min(Math.max(i, 0), Math.max(n - 1, 0));
    this.figure.replaceChildren(drawFigure(this.demo, this.step));
    const s = this.demo.steps[this.step];
    this.stepText.textContent = s
      ? `Step ${this.step + 1} of ${n} — ${s.phase === 'pool' ? 'max pooling, ' : ''}output (${s.out[0]}, ${s.out[1]}): ${s.text}`
      : 'No output cells.';
    if (this.step >= n - 1) this.stop();
  }

  private togglePlay(): void {
    if (this.timer) return this.stop();
    if (this.demo && this.step >= this.demo.steps.length - 1) this.go(0);
    this.timer = setInterval(() => this.go(this.step + 1), PLAY_MS);
    this.playButton.textContent = 'Pause';
    this.playButton.setAttribute('aria-label', 'Pause the steps');
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.playButton.textContent = 'Play';
    this.playButton.setAttribute('aria-label', 'Play the steps');
  }
}
