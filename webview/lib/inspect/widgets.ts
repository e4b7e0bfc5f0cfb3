/** Small pieces the inspection tabs share: a labelled picker, a picture with its caption, the host type. */
import type { InspectModelInfo } from '../../../src/core/viz/inspect/types';
import type { inspectProtocol } from '../../../src/protocol/inspect';
import { activatable, h } from '../dom';
import type { Host } from '../host';

export type InspectHost = Host<typeof inspectProtocol>;

/** What a tab reports to the page's status line. */
export interface Feedback {
  busy(what: string): void;
  idle(): void;
  /** A failed request (a cancelled one is not reported). */
  report(error: unknown): void;
}

export interface Select {
  readonly element: HTMLElement;
  readonly value: string;
  setOptions(options: { value: string; label: string }[], selected: string | undefined): void;
}

/** A labelled vscode-single-select that calls `onChange` with the chosen value. */
export function select(id: string, label: string, onChange: (value: string) => void): Select {
  const picker = h('vscode-single-select', { id, 'aria-label': label }) as HTMLElement & { value: string };
  picker.addEventListener('change', () => onChange(picker.value));
  const element = h('label', { class: 'picker', for: id }, `${label} `, picker);
  return {
    element,
    get value() {
      return picker.value;
    },
    setOptions(options, selected) {
      picker.replaceChildren(...options.map((o) => h('vscode-option', { value: o.value, selected: o.value === selected }, o.label)));
      if (selected !== undefined) picker.value = selected;
    },
  };
}

/** A picture in a grid: a click or Enter enlarges it. */
export function figure(src: string, caption: string, options: { id?: string; tooltip?: string; classes?: string } = {}): HTMLElement {
  const img = h('img', { src, alt: options.tooltip ?? caption });
  const fig = h('figure', { id: options.id, class: options.classes ?? '', title: options.tooltip, role: 'listitem' }, img, h('figcaption', {}, caption));
  activatable(fig, () => fig.classList.toggle('zoomed'));
  return fig;
}

/** Layers whose output is a stack of feature maps (conv and pooling), for the pickers. */
export function mapLayers(info: InspectModelInfo, kinds: ('conv' | 'pool')[]): { value: string; label: string }[] {
  return info.layers
    .filter((l) => (kinds as string[]).includes(l.kind))
    .map((l) => ({ value: l.name, label: `${l.parent ? `${l.parent} › ` : ''}${l.name} (${l.className}${l.shape ? ` → ${l.shape.join('×')}` : ''})` }));
}

/** How long a picture may take before the page gives up waiting (the worker may be loading a large model). */
export const PICTURE_TIMEOUT_MS = 120_000;

/** Runs one request at a time per tab: a newer one aborts the older, whose answer is then ignored. */
export class Latest {
  private controller?: AbortController;

  run<T>(start: (signal: AbortSignal) => Promise<T>, done: (value: T) => void, feedback: Feedback): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    start(controller.signal).then(
      (value) => { if (this.controller === controller) done(value); },
      (e: unknown) => { if (this.controller === controller) feedback.report(e); },
    );
  }
}
