/**
 * The model as a graph: one box per layer (name, class, output shape, parameters), arrows from
 * the layers that feed it, laid out top to bottom by dagre (the layered layout Netron and
 * TensorBoard's graphs use) and drawn as SVG. Residual shortcuts, merges and branches show at
 * a glance what a table of rows cannot. A box is focusable; Enter or a click reveals its line.
 * A nested model (a data-augmentation Sequential, a keras.applications base) is one box until
 * expanded (its ▸, or + / − on the keyboard): then its own layers are drawn inside a frame,
 * wired to the layers around it, and the frame's title collapses it again.
 */
import dagre from '@dagrejs/dagre';
import type { LayerSummary, ModelSummary } from '../../src/core/shapes/types';
import { layerCount } from '../../src/core/shapes/counts';
import { formatCount } from '../../src/core/shapes/format';
import { h, svg } from './dom';

const NODE_HEIGHT = 46;
/** Height of an open nested model's title strip, above the frame dagre computes. */
const FRAME_TITLE = 24;
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
  // Applied again (a siamese tower): its weights are counted at its first box.
  if (l.sharedWith !== undefined) return 'shared weights';
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

/** One layer as drawn, at its path ('3', or '3/1' inside the nested model at layer 3). */
interface Placed {
  id: string;
  layer: LayerSummary;
  /** The nested model this box stands for, expanded or not. */
  nested?: ModelSummary;
}

/** A graph of the model with the nested models in `expanded` (by path) drawn open. */
class GraphBuilder {
  readonly g = new dagre.graphlib.Graph({ compound: true });
  readonly boxes: Placed[] = [];
  readonly frames: Placed[] = [];

  constructor(private readonly expanded: ReadonlySet<string>) {
    // An open frame's title sits in a strip above its boxes: ranks further apart leave room for it.
    this.g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: expanded.size ? 48 : 28, marginx: 8, marginy: FRAME_TITLE + 8 });
    this.g.setDefaultEdgeLabel(() => ({}));
  }

  /** Adds a model's layers under `prefix`; returns, per layer, the node ids arrows come in to and go out from. */
  add(model: ModelSummary, prefix: string, parent?: string): { entries: string[][]; exits: string[][] } {
    const entries: string[][] = [];
    const exits: string[][] = [];
    model.layers.forEach((l, i) => {
      const id = prefix ? `${prefix}/${i}` : String(i);
      if (l.nested && this.expanded.has(id)) {
        const frame = `frame:${id}`;
        this.g.setNode(frame, {});
        if (parent) this.g.setParent(frame, parent);
        this.frames.push({ id, layer: l, nested: l.nested });
        const inner = this.add(l.nested, id, frame);
        const consumed = new Set(edges(l.nested).map(([from]) => from));
        const sources = l.nested.layers.map((_, k) => k).filter((k) => l.nested!.kind === 'sequential' ? k === 0 : l.nested!.layers[k].inbound.length === 0);
        const sinks = l.nested.layers.map((_, k) => k).filter((k) => !consumed.has(k));
        entries[i] = sources.flatMap((k) => inner.entries[k]);
        exits[i] = sinks.flatMap((k) => inner.exits[k]);
        return;
      }
      const lines = [`${l.nested ? '▸ ' : ''}${l.name} (${l.className})`, `${shapeText(l)}${paramText(l) ? ` · ${paramText(l)}` : ''}`];
      this.g.setNode(id, { width: Math.max(...lines.map((t) => t.length)) * CHAR_WIDTH + 20, height: NODE_HEIGHT });
      if (parent) this.g.setParent(id, parent);
      this.boxes.push({ id, layer: l, ...(l.nested ? { nested: l.nested } : {}) });
      entries[i] = [id];
      exits[i] = [id];
    });
    for (const [from, to] of edges(model)) {
      for (const a of exits[from] ?? []) for (const b of entries[to] ?? []) this.g.setEdge(a, b);
    }
    return { entries, exits };
  }
}

/** Reveals on a click or Enter; + / − (and → / ←) open and close a nested model. */
function interactive(node: SVGElement, onActivate: () => void, onToggle?: (open: boolean) => void): void {
  node.addEventListener('click', onActivate);
  node.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onActivate();
    } else if (onToggle && (e.key === '+' || e.key === 'ArrowRight' || e.key === '-' || e.key === 'ArrowLeft')) {
      e.preventDefault();
      onToggle(e.key === '+' || e.key === 'ArrowRight');
    }
  });
}

function draw(model: ModelSummary, expanded: Set<string>, onReveal: (layer: LayerSummary) => void, redraw: (focus: string) => void): HTMLElement {
  const built = new GraphBuilder(expanded);
  built.add(model, '');
  const { g } = built;
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
  const toggle = (id: string, open: boolean): void => {
    if (open) expanded.add(id);
    else for (const e of [...expanded]) if (e === id || e.startsWith(`${id}/`)) expanded.delete(e);
    redraw(id);
  };

  const drawing = svg('svg', { id: 'graph', width: Math.ceil(width), height: Math.ceil(height), viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, role: 'group', 'aria-label': `${model.name}: ${model.layers.length} layers as a graph` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))));
  for (const f of built.frames) {
    const n = g.node(`frame:${f.id}`) as Box;
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2 - FRAME_TITLE;
    const frame = svg('g', { class: 'frame', tabindex: 0, role: 'button', 'aria-expanded': 'true', 'data-nested': f.id, 'aria-label': `${f.layer.name} (${f.layer.className}), expanded: ${f.nested!.layers.length} layers; activate to collapse` },
      svg('rect', { x: x.toFixed(1), y: y.toFixed(1), width: n.width.toFixed(1), height: (n.height + FRAME_TITLE).toFixed(1), rx: 6 }),
      svg('text', { x: (x + 10).toFixed(1), y: (y + 18).toFixed(1), class: 'name' }, `▾ ${f.layer.name} `, svg('tspan', { class: 'class' }, `(${f.layer.className}) · ${paramText(f.layer) || 'no params'}`)));
    interactive(frame, () => toggle(f.id, false), (open) => toggle(f.id, open));
    drawing.append(frame);
  }
  for (const e of g.edges()) {
    const points = (g.edge(e) as { points?: { x: number; y: number }[] }).points ?? [];
    drawing.append(svg('path', { class: 'edge', d: points.map((p, k) => `${k === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' '), 'marker-end': 'url(#arrow)' }));
  }
  for (const { id, layer: l, nested } of built.boxes) {
    const n = g.node(id) as Box;
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    const label = `${l.name} (${l.className}), output ${shapeText(l)}${paramText(l) ? `, ${paramText(l)}` : ''}${nested ? `; a nested model of ${nested.layers.length} layers, + to expand` : ''}`;
    const node = svg('g', { class: `node ${family(l.className)}`, tabindex: 0, role: 'button', 'aria-label': label, 'data-layer-index': id.includes('/') ? undefined : l.index, 'data-path': id, ...(nested ? { 'aria-expanded': 'false' } : {}) },
      svg('title', {}, l.formula || label),
      svg('rect', { x: x.toFixed(1), y: y.toFixed(1), width: n.width.toFixed(1), height: n.height, rx: 4 }),
      svg('text', { x: (x + 10).toFixed(1), y: (y + 18).toFixed(1), class: 'name' }, `${nested ? '▸ ' : ''}${l.name} `, svg('tspan', { class: 'class' }, `(${l.className})`)),
      svg('text', { x: (x + 10).toFixed(1), y: (y + 36).toFixed(1), class: 'shape' }, `${shapeText(l)}${paramText(l) ? ` · ${paramText(l)}` : ''}`));
    // A nested model opens where it is clicked (its line is one layer of the outer model's code).
    interactive(node, () => (nested ? toggle(id, true) : onReveal(l)), nested ? (open) => toggle(id, open) : undefined);
    drawing.append(node);
  }
  const merges = model.layers.filter((l) => family(l.className) === 'merge').length;
  const inputs = model.layers.filter((l) => l.className === 'InputLayer').length;
  const counted = layerCount(model);
  const again = model.layers.filter((l) => l.sharedWith !== undefined).length;
  const parts = [`${counted} layer${counted === 1 ? '' : 's'}${inputs ? ` and ${inputs} input${inputs === 1 ? '' : 's'}` : ''}`, `${edges(model).length} connections`];
  if (again) parts.push(`${again} box${again === 1 ? '' : 'es'} applying a layer again`);
  if (merges) parts.push(`${merges} merge${merges === 1 ? '' : 's'}`);
  const nestedCount = model.layers.filter((l) => l.nested).length;
  const hint = nestedCount ? ` A nested model (▸) opens with a click or +.` : '';
  const shown = built.frames.length ? ` Showing ${built.boxes.length} boxes with ${built.frames.length} nested model${built.frames.length === 1 ? '' : 's'} open.` : '';
  return h('div', { class: 'graph-region' },
    h('p', { id: 'graph-summary', class: 'muted' }, `${parts.join(', ')}. Click a layer (or press Enter on it) to show its line.${hint}${shown}`),
    h('div', { class: 'graph-scroll' }, drawing));
}

export function renderGraph(model: ModelSummary, onReveal: (layer: LayerSummary) => void): HTMLElement {
  const expanded = new Set<string>();
  const holder = h('div', { class: 'graph-holder' });
  const redraw = (focus?: string): void => {
    holder.replaceChildren(draw(model, expanded, onReveal, redraw));
    if (focus !== undefined) holder.querySelector<SVGElement>(`[data-nested="${focus}"], [data-path="${focus}"]`)?.focus();
  };
  redraw();
  return holder;
}
