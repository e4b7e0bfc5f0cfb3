/**
 * The end-of-run report: test accuracy and loss, the confusion matrix as a heat-coloured
 * table, per-class accuracy bars and a gallery of misclassified test images. Colours only
 * through --vscode-* variables; cell tints and bar widths are set through CSSOM (inline
 * style attributes would break the CSP).
 */
import type { TrainingReport } from '../../src/protocol/training';
import { h } from './dom';
import { finite, fixed, percent } from './trainingSeries';

/** How many misclassified images the gallery shows at most. */
export const GALLERY_LIMIT = 60;

const className = (names: string[] | undefined, i: number): string => names?.[i] ?? String(i);
const int = (n: number): string => n.toLocaleString('en-US');

function stat(label: string, id: string, value: string): HTMLElement {
  return h('div', { class: 'total' }, h('dt', {}, label), h('dd', { id }, value));
}

export function renderConfusion(confusion: number[][], names: string[] | undefined): HTMLElement {
  const n = confusion.length;
  const table = h('table', { id: 'confusion', class: 'confusion' },
    h('caption', {}, 'Confusion matrix: rows are the true class, columns the predicted class; the tint is the share of the row.'));
  const head = h('tr', {}, h('th', { scope: 'col', class: 'corner' }, h('span', { class: 'sr-only' }, 'true class \\ predicted'), 'true \\ pred'));
  for (let j = 0; j < n; j++) head.append(h('th', { scope: 'col' }, className(names, j)));
  const body = h('tbody');
  for (let i = 0; i < n; i++) {
    const row = confusion[i] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    const tr = h('tr', {}, h('th', { scope: 'row' }, className(names, i)));
    for (let j = 0; j < n; j++) {
      const count = row[j] ?? 0;
      const share = total > 0 ? count / total : 0;
      const td = h('td', {
        class: `cell${i === j ? ' diagonal' : ''}${share > 0.5 ? ' strong' : ''}`,
        'data-true': i, 'data-pred': j,
        'aria-label': `true ${className(names, i)}, predicted ${className(names, j)}: ${int(count)} (${percent(share, 1)} of the row)`,
        title: `true ${className(names, i)} → predicted ${className(names, j)}: ${int(count)} (${percent(share, 1)})`,
      }, int(count));
      // Share of the row as the tint's strength: 0% transparent, 100% the full chart blue.
      if (count > 0) td.style.backgroundColor = `color-mix(in srgb, var(--vscode-charts-blue) ${Math.round(12 + share * 88)}%, transparent)`;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(h('thead', {}, head), body);
  return h('div', { class: 'confusion-region' }, table);
}

export function renderPerClass(acc: number[], names: string[] | undefined): HTMLElement {
  const body = h('tbody');
  acc.forEach((a, i) => {
    const fill = h('span', { class: 'bar-fill' });
    fill.style.width = `${Math.max(0, Math.min(1, a)) * 100}%`;
    body.append(h('tr', {},
      h('th', { scope: 'row' }, className(names, i)),
      h('td', { class: 'num' }, percent(a, 1)),
      h('td', {}, h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-track' }, fill)))));
  });
  return h('table', { id: 'per-class', class: 'layers per-class' },
    h('caption', { class: 'sr-only' }, 'Accuracy of each class on the test set'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col', class: 'num' }, 'Accuracy'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Bar')))),
    body);
}

export function renderGallery(report: TrainingReport): HTMLElement | null {
  const items = (report.misclassified ?? []).slice(0, GALLERY_LIMIT);
  if (items.length === 0) return null;
  const names = report.classNames;
  const list = h('ul', { id: 'misclassified', class: 'gallery', 'aria-label': 'Misclassified test images' });
  for (const m of items) {
    const caption = `${className(names, m.label)} → ${className(names, m.predicted)}`;
    const alt = `Test image ${m.index}: true ${className(names, m.label)}, predicted ${className(names, m.predicted)}`;
    list.append(h('li', {}, h('figure', { title: alt },
      m.imageDataUrl ? h('img', { src: m.imageDataUrl, alt, width: 56, height: 56 }) : h('div', { class: 'no-image', role: 'img', 'aria-label': alt }, '?'),
      h('figcaption', {}, caption))));
  }
  const more = (report.misclassified?.length ?? 0) - items.length;
  return h('section', { 'aria-labelledby': 'misclassified-title' },
    h('h2', { id: 'misclassified-title' }, 'Misclassified test images'),
    h('p', { class: 'muted meta' }, `true → predicted${more > 0 ? ` · first ${items.length} of ${int(items.length + more)}` : ''}`),
    list);
}

export function renderReport(report: TrainingReport): HTMLElement {
  const names = report.classNames;
  // A run without a test evaluation (a VAE's or GAN's) reports its speed and folder only.
  const tested = report.testAccuracy !== undefined || report.testLoss !== undefined;
  const parts: (HTMLElement | null)[] = [
    h('h2', { id: 'report-title' }, tested ? 'Test set' : 'Run'),
    h('dl', { class: 'totals' },
      tested ? stat('Test accuracy', 'test-accuracy', percent(finite(report.testAccuracy))) : null,
      tested ? stat('Test loss', 'test-loss', fixed(finite(report.testLoss))) : null,
      stat('Images/s', 'report-images-per-sec', int(Math.round(report.imagesPerSec)))),
    h('p', { class: 'muted meta' }, 'Run folder: ', h('code', { id: 'run-dir' }, report.runDir)),
  ];
  if (report.confusion?.length) parts.push(h('div', { class: 'report-grid' },
    h('section', { 'aria-labelledby': 'confusion-title' }, h('h2', { id: 'confusion-title' }, 'Confusion matrix'), renderConfusion(report.confusion, names)),
    report.perClassAccuracy?.length ? h('section', { 'aria-labelledby': 'per-class-title' }, h('h2', { id: 'per-class-title' }, 'Per-class accuracy'), renderPerClass(report.perClassAccuracy, names)) : null));
  else if (report.perClassAccuracy?.length) parts.push(h('h2', {}, 'Per-class accuracy'), renderPerClass(report.perClassAccuracy, names));
  parts.push(renderGallery(report));
  return h('section', { id: 'report', 'aria-labelledby': 'report-title' }, ...parts);
}
