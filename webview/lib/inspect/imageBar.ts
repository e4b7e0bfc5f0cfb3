/**
 * The image every tab looks at, and the model's prediction for it: buttons for the dataset
 * registry's sources (the next MNIST digit, the next synthetic shape, an image file of one's
 * own), the image as the model gets it, and the top classes with their probabilities.
 */
import type { DatasetDescriptor, SampleRequest } from '../../../src/core/engine/data/catalog';
import type { InspectModelInfo, Prediction } from '../../../src/core/viz/inspect/types';
import { h } from '../dom';
import { Latest, PICTURE_TIMEOUT_MS, type Feedback, type InspectHost } from './widgets';

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class ImageBar {
  readonly element: HTMLElement;
  current: SampleRequest = { kind: 'synthetic', index: 0 };
  private readonly picture = h('img', { id: 'input-image', alt: 'The image as the model gets it' });
  private readonly label = h('p', { id: 'image-label', class: 'muted meta' });
  private readonly top = h('ol', { id: 'prediction', class: 'prediction', 'aria-label': 'Most probable classes' });
  private readonly latest = new Latest();

  constructor(datasets: readonly DatasetDescriptor[], private readonly host: InspectHost, private readonly feedback: Feedback, private readonly onChange: () => void) {
    const buttons = datasets.map(({ sample }) => {
      const indexed = sample.by === 'index';
      const b = h('vscode-button', {
        id: indexed ? `next-${sample.source}` : `pick-${sample.source}`, secondary: true,
        title: indexed ? `The next ${sample.noun}` : `Look at an ${sample.noun} of your own`,
      }, indexed ? capitalize(sample.noun) : `${capitalize(sample.noun)}…`);
      b.addEventListener('click', () => void this.next(sample.source, indexed));
      return b;
    });
    this.element = h('section', { class: 'image-bar', 'aria-label': 'Image and prediction' },
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Choose the image' }, ...buttons),
      h('div', { class: 'image-row' }, h('figure', { class: 'input-figure' }, this.picture, this.label), this.top));
  }

  setModel(_info: InspectModelInfo, image: SampleRequest): void {
    this.current = image;
    this.predict();
  }

  private async next(source: string, indexed: boolean): Promise<void> {
    let image: SampleRequest | null;
    if (indexed) {
      const index = this.current.kind === source && 'index' in this.current ? this.current.index + 1 : 0;
      image = { kind: source, index } as SampleRequest;
    } else {
      image = await this.host.request('chooseImageFile', {}, { timeoutMs: 0 }).catch((e: unknown) => {
        this.feedback.report(e);
        return null;
      });
    }
    if (!image) return;
    this.current = image;
    this.onChange();
    this.predict();
  }

  private predict(): void {
    this.feedback.busy('Predicting…');
    this.latest.run((signal) => this.host.request('predict', { image: this.current }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }), (p) => this.render(p), this.feedback);
  }

  private render(p: Prediction): void {
    this.picture.src = p.image;
    this.label.textContent = p.label;
    this.top.replaceChildren(...p.top.map((c, i) => h('li', { class: i === 0 ? 'predicted' : '' },
      h('span', { class: 'class-label' }, c.label),
      h('progress', { max: 1, value: c.probability, 'aria-label': `${c.label}: ${(c.probability * 100).toFixed(1)}%` }),
      h('span', { class: 'probability' }, `${(c.probability * 100).toFixed(1)}%`))));
    this.feedback.idle();
  }
}
