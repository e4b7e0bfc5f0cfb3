/**
 * "What if the images were H×W?": two number fields prefilled from the model's input, a
 * Reset, and the original total next to the recomputed one. The host re-analyses (the
 * webview has no engine); stale answers from earlier sizes are dropped by sequence number.
 */
import { formatCount } from '../../src/core/shapes/format';
import type { ModelSummary } from '../../src/core/shapes/types';
import { MAX_WHATIF_SIZE } from '../../src/protocol/summary';
import { h } from './dom';

type Size = { height: number; width: number };
type Field = HTMLElement & { value: string; disabled: boolean };

export class WhatIf {
  readonly element: HTMLElement;
  /** The size being shown when it differs from the model's own. */
  size?: Size;
  result?: ModelSummary;
  private original?: ModelSummary;
  private input?: Size;
  private seq = 0;
  private readonly heightField: Field;
  private readonly widthField: Field;
  private readonly reset: Field;
  private readonly total = h('p', { id: 'whatif-total', class: 'whatif-total', 'aria-live': 'polite' });
  private readonly error = h('p', { id: 'whatif-error', class: 'error', role: 'alert' });

  constructor(private readonly reanalyse: (size: Size) => Promise<ModelSummary>, private readonly onResult: () => void, private readonly onSize: () => void) {
    const field = (id: string, label: string) => {
      const f = h('vscode-textfield', { id, type: 'number', min: 1, max: MAX_WHATIF_SIZE, step: 1, 'aria-label': label }) as Field;
      f.addEventListener('change', () => this.fromFields());
      return f;
    };
    this.heightField = field('whatif-height', 'Input height in pixels');
    this.widthField = field('whatif-width', 'Input width in pixels');
    this.reset = h('vscode-button', { id: 'whatif-reset', secondary: true, 'aria-label': 'Back to the model\'s own input size' }, 'Reset');
    this.reset.addEventListener('click', () => { if (this.input) this.setFromUser(this.input.height, this.input.width); });
    this.element = h('section', { class: 'whatif', 'aria-label': 'What-if input size' },
      h('div', { class: 'row' },
        h('span', { class: 'whatif-label' }, 'What if the input were'),
        this.heightField, h('span', { 'aria-hidden': 'true' }, '×'), this.widthField, this.reset),
      this.total, this.error);
  }

  /** A new or updated model; `keep` re-applies a size the user chose (live edits, reloads). */
  setModel(model: ModelSummary, input: Size | undefined, keep: Size | undefined): void {
    this.original = model;
    this.input = input;
    for (const f of [this.heightField, this.widthField, this.reset]) f.disabled = !input;
    if (!input) {
      this.clear();
      this.total.textContent = 'This model has no image input with a known height and width, so there is nothing to resize.';
      return;
    }
    const shown = keep ?? input;
    this.heightField.value = String(shown.height);
    this.widthField.value = String(shown.width);
    void this.apply(shown);
  }

  /** Puts a size into the fields and applies it, as typing it would (Reset uses it). */
  private setFromUser(height: number, width: number): void {
    this.heightField.value = String(height);
    this.widthField.value = String(width);
    this.fromFields();
  }

  private fromFields(): void {
    const size = { height: Number(this.heightField.value), width: Number(this.widthField.value) };
    void this.apply(size);
  }

  private async apply(size: Size): Promise<void> {
    const seq = ++this.seq;
    const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_WHATIF_SIZE;
    if (!ok(size.height) || !ok(size.width)) {
      this.error.textContent = `Height and width must be whole numbers from 1 to ${MAX_WHATIF_SIZE}.`;
      return;
    }
    this.error.textContent = '';
    if (size.height === this.input?.height && size.width === this.input.width) {
      this.clear();
      return;
    }
    try {
      const result = await this.reanalyse(size);
      if (seq !== this.seq) return; // a newer size was asked for meanwhile
      this.result = result;
      this.size = size;
      this.renderTotal();
      this.onResult();
      this.onSize();
    } catch (e) {
      if (seq === this.seq) this.error.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  private clear(): void {
    const had = this.result !== undefined;
    this.result = undefined;
    this.size = undefined;
    this.renderTotal();
    if (had) this.onResult();
    this.onSize();
  }

  private renderTotal(): void {
    if (!this.original || !this.input) return;
    const at = (s: Size, m: ModelSummary, id: string) =>
      h('span', { id }, `at ${s.height}×${s.width}: ${formatCount(m.totalParams)}${m.complete ? '' : '+'} params`);
    const parts: (Node | string)[] = [at(this.input, this.original, 'whatif-original')];
    if (this.result && this.size) {
      const ratio = this.original.totalParams > 0 ? this.result.totalParams / this.original.totalParams : 0;
      parts.push(' · ', at(this.size, this.result, 'whatif-new'), h('span', { class: 'muted' }, ratio ? ` (×${ratio < 10 ? ratio.toFixed(2) : ratio.toFixed(1)})` : ''));
    }
    this.total.replaceChildren(...parts);
  }
}
