/**
 * How the run learned, in the latent-space panel: the recipe's losses per epoch and the
 * sample grid of each epoch with a slider, drawn by the same parts as the training panel's
 * (recipeHistory.ts).
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import { h } from '../dom';
import { EpochSamples, RecipeCurves } from '../recipeHistory';

export class History {
  readonly element: HTMLElement;
  private readonly curves = new RecipeCurves('latent-');
  private readonly samples = new EpochSamples();
  private source?: string;

  constructor() {
    this.element = h('section', { id: 'history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'How it learned'),
      h('div', { class: 'history-row' }, this.curves.element, this.samples.element));
  }

  show(view: LatentOverview): void {
    this.element.hidden = view.history.length === 0;
    this.curves.show(view.history, view.history.length);
    // A run read again after another epoch keeps the epoch the user chose.
    this.samples.show(view.history, view.source !== this.source);
    this.source = view.source;
  }

  retheme(): void {
    this.curves.retheme();
  }
}
