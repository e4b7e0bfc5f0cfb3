/**
 * Filters tab: for a conv layer, the input pattern that excites each filter most, found by
 * gradient ascent on the input (Chollet's procedure). Patterns appear one by one as the
 * worker finishes them; Stop ends the ascent. The first conv layer's kernels are shown
 * directly too: they are small enough to look at as they are.
 */
import type { FilterPattern, InspectModelInfo, KernelImages } from '../../../src/core/viz/inspect/types';
import { h } from '../dom';
import { figure, mapLayers, select, type Feedback, type InspectHost } from './widgets';

type Field = HTMLElement & { value: string };

export class FiltersTab {
  readonly element: HTMLElement;
  private readonly picker = select('filter-layer', 'Layer', () => this.stop());
  private readonly count = h('vscode-textfield', { id: 'filter-count', type: 'number', min: 1, max: 256, value: '16', 'aria-label': 'How many filters' }) as Field;
  private readonly steps = h('vscode-textfield', { id: 'filter-steps', type: 'number', min: 1, max: 1000, value: '40', 'aria-label': 'Gradient-ascent steps' }) as Field;
  private readonly run = h('vscode-button', { id: 'filter-run' }, 'Find patterns') as HTMLElement & { textContent: string };
  private readonly progressText = h('p', { id: 'filter-progress', class: 'muted meta', 'aria-live': 'polite' });
  private readonly grid = h('div', { id: 'filter-grid', class: 'grid patterns', role: 'list', 'aria-label': 'Filter patterns' });
  private readonly kernels = h('div', { id: 'kernel-grid', class: 'grid kernels', role: 'list', 'aria-label': 'First layer kernels' });
  private readonly kernelTitle = h('h2', { id: 'kernel-title' }, 'First convolution layer\'s kernels');
  private controller?: AbortController;
  private kernelsShown = false;

  constructor(private readonly host: InspectHost, private readonly feedback: Feedback) {
    this.run.addEventListener('click', () => (this.controller ? this.stop() : void this.start()));
    this.element = h('section', { class: 'tab-body' },
      h('div', { class: 'toolbar' }, this.picker.element, h('label', { for: 'filter-count' }, 'Filters '), this.count, h('label', { for: 'filter-steps' }, 'Steps '), this.steps, this.run),
      h('p', { class: 'muted meta' }, 'Each pattern starts as grey noise and is changed, step by step, in the direction that raises the filter\'s mean activation (the gradient, normalised).'),
      this.progressText, this.grid, this.kernelTitle, this.kernels);
  }

  setModel(info: InspectModelInfo): void {
    this.stop();
    const layers = mapLayers(info, ['conv']);
    // A middle layer shows more than the first (edges) and less abstract patterns than the last.
    this.picker.setOptions(layers, layers[Math.floor(layers.length / 2)]?.value);
    this.grid.replaceChildren();
    this.kernels.replaceChildren();
    this.kernelsShown = false;
    this.progressText.textContent = layers.length === 0 ? 'This model has no convolution layer.' : '';
  }

  /** The kernels load once per model, when the tab is first shown. */
  showKernels(): void {
    if (this.kernelsShown) return;
    this.kernelsShown = true;
    this.host.request('kernels', {}, { timeoutMs: 60_000 }).then((k) => this.renderKernels(k), (e: unknown) => this.feedback.report(e));
  }

  private async start(): Promise<void> {
    const layer = this.picker.value;
    const count = Math.round(Number(this.count.value));
    const steps = Math.round(Number(this.steps.value));
    if (!layer || !(count >= 1 && count <= 256) || !(steps >= 1 && steps <= 1000)) {
      this.feedback.report(new Error('Choose a conv layer, 1–256 filters and 1–1000 steps.'));
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.run.textContent = 'Stop';
    this.grid.replaceChildren();
    let done = 0;
    this.progressText.textContent = `0 of ${count} patterns…`;
    const onPattern = (p: FilterPattern): void => {
      done++;
      this.progressText.textContent = `${done} of ${count} patterns${done < count ? '…' : ''}`;
      // Zero before and after: the ascent (which climbs the pre-activation) never made this filter fire.
      const silent = p.startActivation === 0 && p.activation === 0;
      const ratio = p.startActivation > 0 ? ` · ×${(p.activation / p.startActivation).toFixed(1)}` : silent ? ' · silent' : '';
      const tooltip = silent
        ? `filter ${p.index} stayed at zero: even after the ascent its output never rises above zero`
        : `filter ${p.index}: mean activation ${p.activation.toPrecision(3)} (${p.startActivation.toPrecision(3)} on the starting noise)`;
      this.grid.append(figure(p.image, `#${p.index}${ratio}`, { tooltip, classes: silent ? 'dead' : '' }));
    };
    try {
      const filters = Array.from({ length: count }, (_, i) => i);
      await this.host.request('filters', { layer, filters, steps, seed: 1 }, { signal: controller.signal, onProgress: onPattern, timeoutMs: 0 });
      this.feedback.idle();
    } catch (e) {
      if (e instanceof Error && e.name === 'CancelledError') this.progressText.textContent = `Stopped after ${done} of ${count} patterns.`;
      else this.feedback.report(e);
    } finally {
      if (this.controller === controller) {
        this.controller = undefined;
        this.run.textContent = 'Find patterns';
      }
    }
  }

  private stop(): void {
    this.controller?.abort();
  }

  private renderKernels(k: KernelImages | null): void {
    this.kernelTitle.hidden = !k;
    if (!k) return;
    const [kh, kw, cin] = k.shape;
    this.kernelTitle.textContent = `${k.layer}'s kernels (${kh}×${kw}×${cin}), as they are`;
    this.kernels.replaceChildren(...k.images.map((src, i) => figure(src, `#${i}`, { tooltip: `kernel ${i} of ${k.layer}` })));
  }
}
