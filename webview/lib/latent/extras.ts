/**
 * What the course does with a latent space beyond one point: random samples (a GAN's
 * "reseed"), the decoded path between two points, and concept vectors (the mean code of one
 * class minus another's, added to the current point with a strength slider: the "smile
 * vector" on the classes a run has).
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import { activatable, h } from '../dom';
import { Latest, PICTURE_TIMEOUT_MS, select, type Select } from '../inspect/widgets';
import { classMeans, formatPoint, type PageServices } from './state';

const SAMPLES = 16;
const STEPS = 9;

function strip(id: string, label: string): HTMLElement {
  return h('div', { id, class: 'strip', role: 'list', 'aria-label': label });
}

function button(id: string, label: string, title: string, onClick: () => void): HTMLElement {
  const b = h('vscode-button', { id, secondary: true, title }, label);
  b.addEventListener('click', onClick);
  return b;
}

export class Samples {
  readonly element: HTMLElement;
  private readonly grid = strip('samples', 'Random samples; choose one to decode it above');
  private readonly latest = new Latest();
  private seed = 1;

  constructor(private readonly services: PageServices) {
    this.element = h('section', { 'aria-labelledby': 'samples-title' },
      h('div', { class: 'row' }, h('h2', { id: 'samples-title' }, 'Random samples'), button('reseed', 'Reseed', 'Draw new points from the normal prior', () => { this.seed++; this.draw(); })));
    this.element.append(this.grid);
  }

  draw(): void {
    this.latest.run(
      (signal) => this.services.host.request('samples', { count: SAMPLES, seed: this.seed }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }),
      ({ points, images }) => {
        this.grid.replaceChildren(...images.map((src, i) => {
          const fig = h('figure', { role: 'listitem', title: `z = ${formatPoint(points[i])}` }, h('img', { src, alt: `sample ${i + 1}` }));
          activatable(fig, () => this.services.point.set(points[i], 'sample'));
          return fig;
        }));
        this.grid.dataset.seed = String(this.seed);
      },
      this.services.feedback,
    );
  }
}

export class Interpolation {
  readonly element: HTMLElement;
  private readonly images = strip('interpolation', 'Images decoded along the path from A to B');
  private readonly ends = h('p', { id: 'interpolation-ends', class: 'muted' });
  /** A VAE on an indexed data set (MNIST, synthetic shapes): the ends can be two of its images, encoded. */
  private readonly pick = h('div', { class: 'row', id: 'interpolation-images' });
  private readonly latest = new Latest();
  private a: number[] = [];
  private b: number[] = [];
  private aLabel = '';
  private bLabel = '';

  constructor(private readonly services: PageServices) {
    this.element = h('section', { 'aria-labelledby': 'interp-title' },
      h('div', { class: 'row' }, h('h2', { id: 'interp-title' }, 'Interpolation'),
        button('set-a', 'Set A here', 'The current point becomes the start', () => { this.a = [...services.point.value]; this.aLabel = ''; this.draw(); }),
        button('set-b', 'Set B here', 'The current point becomes the end', () => { this.b = [...services.point.value]; this.bLabel = ''; this.draw(); })),
      this.pick, this.ends, this.images);
  }

  /** Two image numbers of the run's data set, encoded by the VAE into the path's ends. */
  private imagePickers(kind: 'mnist' | 'synthetic'): void {
    const field = (id: string, value: number) => h('input', { type: 'number', id, min: 0, step: 1, value, class: 'index', 'aria-label': `${id === 'image-a' ? 'A' : 'B'}: ${kind === 'mnist' ? 'MNIST digit' : 'synthetic shape'} number` });
    const a = field('image-a', 0);
    const b = field('image-b', 1999);
    const encode = button('encode-ends', 'Encode images', 'Set A and B to the latent codes of these two images', () => {
      const request = (input: HTMLInputElement) => ({ kind, index: Math.max(0, Math.floor(Number(input.value) || 0)) });
      this.latest.run(
        (signal) => Promise.all([this.services.host.request('encode', { image: request(a) }, { signal }), this.services.host.request('encode', { image: request(b) }, { signal })]),
        ([ea, eb]) => {
          this.a = ea.z;
          this.b = eb.z;
          this.aLabel = ea.label;
          this.bLabel = eb.label;
          this.draw();
        },
        this.services.feedback,
      );
    });
    this.pick.replaceChildren(h('label', { for: 'image-a' }, 'A: image ', a), h('label', { for: 'image-b' }, 'B: image ', b), encode);
  }

  show(view: LatentOverview): void {
    const kind = view.dataName === 'mnist' || view.dataName === 'synthetic' ? view.dataName : undefined;
    this.pick.hidden = view.kind !== 'vae' || kind === undefined;
    if (view.kind === 'vae' && kind) this.imagePickers(kind);
    // Start between two classes' mean codes where there are classes, else between two opposite corners.
    const means = classMeans(view).filter((m): m is number[] => m !== undefined);
    this.a = means[0] ?? Array.from({ length: view.latentDim }, () => -1);
    this.b = means[1] ?? Array.from({ length: view.latentDim }, () => 1);
    this.draw();
  }

  private draw(): void {
    const { a, b } = this;
    if (a.length === 0 || a.length !== b.length) return;
    const points = Array.from({ length: STEPS }, (_, i) => a.map((x, k) => x + ((b[k] - x) * i) / (STEPS - 1)));
    const name = (label: string, p: number[]) => (label ? `${label} ${formatPoint(p)}` : formatPoint(p));
    this.ends.textContent = `A = ${name(this.aLabel, a)} → B = ${name(this.bLabel, b)}, ${STEPS} steps`;
    this.latest.run(
      (signal) => this.services.host.request('decode', { points }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }),
      ({ images }) => this.images.replaceChildren(...images.map((src, i) => h('figure', { role: 'listitem' }, h('img', { src, alt: `step ${i + 1} of ${STEPS}` })))),
      this.services.feedback,
    );
  }
}

export class ConceptVector {
  readonly element: HTMLElement;
  private readonly from: Select;
  private readonly minus: Select;
  private readonly strength = h('input', { type: 'range', id: 'concept-strength', min: -3, max: 3, step: 0.1, value: 1, 'aria-label': 'Strength of the concept vector' });
  private readonly image = h('img', { id: 'concept-image', alt: 'The current point moved along the concept vector', class: 'decoded' });
  private readonly caption = h('figcaption', { id: 'concept-caption' });
  private readonly latest = new Latest();
  private means: (number[] | undefined)[] = [];
  private names: string[] = [];

  constructor(private readonly services: PageServices) {
    this.from = select('concept-from', 'Class', () => this.draw());
    this.minus = select('concept-minus', 'minus class', () => this.draw());
    this.strength.addEventListener('input', () => this.draw());
    this.element = h('section', { id: 'concept', 'aria-labelledby': 'concept-title' },
      h('h2', { id: 'concept-title' }, 'Concept vector'),
      h('p', { class: 'muted' }, 'The mean code of one class minus that of another is a direction in the latent space; adding it to the current point moves the image toward the first class (the course\'s "smile vector").'),
      h('div', { class: 'row' }, this.from.element, this.minus.element, h('label', { for: 'concept-strength' }, 'strength ', this.strength)),
      h('figure', { class: 'decoded-figure' }, this.image, this.caption));
    services.point.onChange((_, origin) => { if (origin !== 'concept') this.draw(); });
  }

  show(view: LatentOverview): void {
    this.means = classMeans(view);
    this.names = view.classNames;
    const options = view.classNames.map((name, i) => ({ value: String(i), label: name })).filter((o) => this.means[Number(o.value)] !== undefined);
    this.element.hidden = options.length < 2;
    this.from.setOptions(options, options[1]?.value);
    this.minus.setOptions(options, options[0]?.value);
  }

  private draw(): void {
    const a = this.means[Number(this.from.value)];
    const b = this.means[Number(this.minus.value)];
    const base = this.services.point.value;
    if (this.element.hidden || !a || !b || base.length !== a.length) return;
    const s = Number(this.strength.value);
    const moved = base.map((x, k) => x + s * (a[k] - b[k]));
    this.latest.run(
      (signal) => this.services.host.request('decode', { points: [moved] }, { signal, timeoutMs: PICTURE_TIMEOUT_MS }),
      ({ images }) => {
        this.image.src = images[0];
        this.caption.textContent = `current + ${s.toFixed(1)} × (${this.names[Number(this.from.value)]} − ${this.names[Number(this.minus.value)]}) = ${formatPoint(moved)}`;
      },
      this.services.feedback,
    );
  }
}
