/**
 * A 2-D VAE's latent plane, drawn twice as Chollet draws it: the decoded manifold (15×15
 * digits at the normal quantiles) and the encoded validation images as a scatter coloured
 * by class. Pointing at either picks a point (decoded live); arrow keys move it by 0.1.
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import { h } from '../dom';
import { formatPoint, type PageServices } from './state';

/** The scatter's extent: ±3σ holds nearly all of a well-trained VAE's codes. */
const EXTENT = 3;
const SIZE = 360;

/**
 * Tableau 10: ten hues told apart in light, dark and high-contrast themes alike (the theme's six
 * chart colours are too few for ten digits). media/latent.css gives the legend the same ones.
 */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export class LatentPlane {
  readonly element: HTMLElement;
  private readonly manifold = h('img', { id: 'manifold', alt: 'Decoded manifold: one image per grid point of the latent plane', class: 'manifold' });
  private readonly canvas = h('canvas', { id: 'scatter', width: SIZE, height: SIZE, tabindex: 0, role: 'application', 'aria-label': 'Latent plane: encoded validation images by class; point or use the arrow keys to decode a point' });
  private readonly legend = h('ul', { id: 'scatter-legend', class: 'legend' });
  private readonly summary = h('p', { id: 'scatter-summary', class: 'sr-only' });
  private view?: LatentOverview;

  constructor(private readonly services: PageServices) {
    this.element = h('section', { id: 'plane', class: 'plane', 'aria-labelledby': 'plane-title' },
      h('h2', { id: 'plane-title' }, 'The latent plane'),
      h('p', { class: 'muted' }, 'Left: what the decoder makes of each point of a 15×15 grid at the normal distribution\'s 5%–95% quantiles (±1.64, so each cell is equally likely). Right: where the encoder puts validation images, by class, over ±3. Both with z1 to the right and z2 upwards; point at either to decode that point.'),
      h('div', { class: 'plane-row' }, this.manifold, h('div', {}, this.canvas, this.legend, this.summary)));
    // Hovering decodes live (a newer point aborts the decoding in flight); a click or a drag picks too.
    this.canvas.addEventListener('pointermove', (e) => this.pick(this.fromCanvas(e)));
    this.canvas.addEventListener('click', (e) => this.pick(this.fromCanvas(e)));
    this.canvas.addEventListener('keydown', (e) => this.key(e));
    this.manifold.addEventListener('click', (e) => this.pick(this.fromManifold(e)));
    this.manifold.addEventListener('pointermove', (e) => { if (e.buttons) this.pick(this.fromManifold(e)); });
    services.point.onChange(() => this.draw());
  }

  show(view: LatentOverview): void {
    this.view = view;
    this.element.hidden = !view.manifold;
    if (view.manifold) this.manifold.src = view.manifold.image;
    this.legend.replaceChildren(...view.classNames.map((name, i) => h('li', { class: `swatch c${i % 10}` }, name)));
    const n = view.scatter?.points.length ?? 0;
    this.summary.textContent = `${n} validation images encoded in ${view.classNames.length} classes.`;
    this.draw();
  }

  retheme(): void {
    this.draw();
  }

  private pick(p: number[] | undefined): void {
    if (p) this.services.point.set(p, 'plane');
  }

  private key(e: KeyboardEvent): void {
    const step = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] }[e.key];
    if (!step) return;
    e.preventDefault();
    const [x, y] = this.services.point.value;
    this.pick([(x ?? 0) + step[0], (y ?? 0) + step[1]]);
  }

  /** Canvas pixels → latent coordinates (y up, as a plot), held to the plane's ±3σ. */
  private fromCanvas(e: MouseEvent): number[] {
    const r = this.canvas.getBoundingClientRect();
    const clamp = (v: number): number => Math.min(EXTENT, Math.max(-EXTENT, v));
    return [clamp(((e.clientX - r.left) / r.width) * 2 * EXTENT - EXTENT), clamp(EXTENT - ((e.clientY - r.top) / r.height) * 2 * EXTENT)];
  }

  /** A click on the manifold picks that cell's grid point (row i, column j decodes [axis[j], axis[n − 1 − i]]: z₂ upwards, vae.ts). */
  private fromManifold(e: MouseEvent): number[] | undefined {
    const m = this.view?.manifold;
    if (!m) return undefined;
    const r = this.manifold.getBoundingClientRect();
    const n = m.axis.length;
    const col = Math.min(n - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * n)));
    const row = Math.min(n - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * n)));
    return [m.axis[col], m.axis[n - 1 - row]];
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    const scatter = this.view?.scatter;
    if (!ctx || !scatter || this.element.hidden) return;
    const css = getComputedStyle(document.body);
    const toPx = (x: number, y: number): [number, number] => [((x + EXTENT) / (2 * EXTENT)) * SIZE, ((EXTENT - y) / (2 * EXTENT)) * SIZE];
    ctx.clearRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = css.getPropertyValue('--vscode-charts-lines').trim() || 'rgba(128,128,128,0.4)';
    ctx.beginPath();
    ctx.moveTo(SIZE / 2, 0); ctx.lineTo(SIZE / 2, SIZE); ctx.moveTo(0, SIZE / 2); ctx.lineTo(SIZE, SIZE / 2);
    ctx.stroke();
    scatter.points.forEach((p, i) => {
      const [px, py] = toPx(p[0], p[1]);
      ctx.fillStyle = PALETTE[scatter.labels[i] % PALETTE.length];
      ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
    });
    const current = this.services.point.value;
    if (current.length === 2) {
      const [px, py] = toPx(current[0], current[1]);
      ctx.strokeStyle = css.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(px, py, 7, 0, 2 * Math.PI);
      ctx.stroke();
      ctx.lineWidth = 1;
      this.canvas.setAttribute('aria-valuetext', formatPoint(current));
    }
  }
}
