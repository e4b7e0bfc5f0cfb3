/**
 * The model as a graph: one box per layer (name, class, output shape, parameters), arrows from
 * the layers that feed it, laid out top to bottom by dagre (the layered layout Netron and
 * TensorBoard's graphs use) and drawn as SVG. Residual shortcuts, merges and branches show at
 * a glance what a table of rows cannot. A box is focusable; Enter or a click reveals its line.
 */
import dagre from '@dagrejs/dagre';
import type { LayerSummary, ModelSummary } from '../../src/core/shapes/types';
import { layerCount } from '../../src/core/shapes/counts';
import { formatCount } from '../../src/core/shapes/format';
import { h, svg } from './dom';

const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.2;

/** The layer's family, for its colour (media/webview.css: .node.conv, .node.pool, …). */
function family(className: string): string {
  if (/Conv|Depthwise|Separable/.test(className)) return 'conv';
  if (className.includes('Pool')) return 'pool';
  if (className.includes('Dense')) return 'dense';
  if (/^(Add|Concatenate|Multiply|Average|Maximum|Minimum|Subtract|Dot)$/.test(className)) return 'merge';
  if (className.includes('Normalization')) return 'norm';
  if (className === 'InputLayer') return 'input';
  if (/^(Sequential|Functional|Model)$/.test(className)) return 'model';
  return 'other';
}

const shapeText = (l: LayerSummary): string => (l.outputShape ? `(${l.outputShape.map((d) => d ?? 'None').join(', ')})` : 'unknown shape');
function paramText(l: LayerSummary): string {
  if (l.params === null) return 'params unknown';
  return l.params === 0 ? '' : `${formatCount(l.params)} params`;
}

/** dagre's results, typed (its typings hand back `any`). */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The edges: a functional layer's inbound layers; a Sequential's previous layer. */
function edges(model: ModelSummary): [number, number][] {
  if (model.kind === 'sequential') return model.layers.slice(1).map((_, i) => [i, i + 1]);
  return model.layers.flatMap((l, i) => l.inbound.map((from): [number, number] => [from, i]));
}

export function renderGraph(model: ModelSummary, onReveal: (layer: LayerSummary) => void): HTMLElement {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  model.layers.forEach((l, i) => {
    const lines = [`${l.name} (${l.className})`, `${shapeText(l)}${paramText(l) ? ` · ${paramText(l)}` : ''}`];
    g.setNode(String(i), { width: Math.max(...lines.map((t) => t.length)) * CHAR_WIDTH + 20, height: NODE_HEIGHT });
  });
  for (const [from, to] of edges(model)) g.setEdge(String(from), String(to));
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
  const box = (i: number): Box => g.node(String(i)) as Box;

  const drawing = svg('svg', { id: 'graph', width: Math.ceil(width), height: Math.ceil(height), viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, role: 'group', 'aria-label': `${model.name}: ${model.layers.length} layers as a graph` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))));
  for (const e of g.edges()) {
    const points = (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [];
    drawing.append(svg('path', { class: 'edge', d: points.map((p, k) => `${k === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' '), 'marker-end': 'url(#arrow)' }));
  }
  model.layers.forEach((l, i) => {
    const n = box(i);
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const label = `${l.name} (${l.className}), output ${shapeText(l)}${paramText(l) ? `, ${paramText(l)}` : ''}`;
    const node = svg('g', { class: `node ${family(l.className)}`, tabindex: 0, role: 'button', 'aria-label': label, 'data-layer-index': l.index },
      svg('title', {}, l.formula || label),
      svg('rect', { x: x.toFixed(1), y: y.toFixed(1), width: n.width.toFixed(1), height: n.height, rx: 4 }),
      svg('text', { x: (x + 10).toFixed(1), y: (y + 18).toFixed(1), class: 'name' }, `${l.name} `, svg('tspan', { class: 'class' }, `(${l.className})`)),
      svg('text', { x: (x + 10).toFixed(1), y: (y + 36).toFixed(1), class: 'shape' }, `${shapeText(l)}${paramText(l) ? ` · ${paramText(l)}` : ''}`));
    node.addEventListener('click', () => onReveal(l));
    node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onReveal(l);
      }
    });
    drawing.append(node);
  });
  const merges = model.layers.filter((l) => family(l.className) === 'merge').length;
  const inputs = model.layers.filter((l) => l.className === 'InputLayer').length;
  const counted = layerCount(model);
  const parts = [`${counted} layer${counted === 1 ? '' : 's'}${inputs ? ` and ${inputs} input${inputs === 1 ? '' : 's'}` : ''}`, `${edges(model).length} connections`];
  if (merges) parts.push(`${merges} merge${merges === 1 ? '' : 's'}`);
  return h('div', { class: 'graph-region' },
    h('p', { id: 'graph-summary', class: 'muted' }, `${parts.join(', ')}. Click a layer (or press Enter on it) to show its line.`),
    h('div', { class: 'graph-scroll' }, drawing));
}
