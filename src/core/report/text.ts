/**
 * Plain-text summaries laid out like Keras 3's `model.summary()` (box table, totals with
 * thousands separators and float32 size) or TF.js' `model.summary()`, followed by the formulas.
 */
import { formatBytes, formatCount, formatOutputKeras, formatShapeTfjs } from '../shapes/format';
import type { LayerSummary, ModelSummary } from '../shapes/types';

export type SummaryStyle = 'keras' | 'tfjs';

const pad = (s: string, width: number, right = false): string => (right ? s.padStart(width) : s.padEnd(width));
const count = (n: number | null): string => (n === null ? '?' : formatCount(n));

/**
 * Keras' `name[node][tensor]`: a layer or model applied n times has nodes 0 … n−1, in the
 * order of its applications. TF.js (like Keras 2) also gives a model a node of its own when it
 * is built, so its applications start at node 1.
 */
function connectedTo(model: ModelSummary, layer: LayerSummary, style: SummaryStyle): string[] {
  return layer.inbound.map((i, j) => {
    const src = model.layers[i];
    if (!src) return '?[0][0]';
    const first = src.sharedWith ?? i;
    const earlier = model.layers.slice(first, i).filter((l) => (l.sharedWith ?? l.index) === first).length;
    const node = earlier + (style === 'tfjs' && src.nested ? 1 : 0);
    return `${style === 'keras' ? src.name : src.tfjsName}[${node}][${layer.inboundOutputs?.[j] ?? 0}]`;
  });
}

/**
 * One row per layer object, as both summaries print `model.layers`: a shared layer (or model)
 * applied several times is one row at its first application, listing what every application
 * is connected to, so the rows add up to the total. `calls` are its applications in order.
 */
function layerRows(model: ModelSummary): { layer: LayerSummary; calls: LayerSummary[] }[] {
  const rows = new Map<number, { layer: LayerSummary; calls: LayerSummary[] }>();
  for (const l of model.layers) {
    const first = l.sharedWith ?? l.index;
    const row = rows.get(first);
    if (row) row.calls.push(l);
    else rows.set(first, { layer: l, calls: [l] });
  }
  return [...rows.values()];
}

/** A Keras 3 (rich) table: heavy header, one light rule between rows. */
function kerasTable(model: ModelSummary): string[] {
  const functional = model.kind === 'functional';
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(functional ? ['Connected to'] : [])];
  const rows = layerRows(model).map(({ layer: l, calls }) => {
    const connections = calls.flatMap((c) => connectedTo(model, c, 'keras'));
    return [
      [`${l.name} (${l.className})`],
      // Keras 3's format_layer_shape shows the output of the layer's last application.
      [formatOutputKeras(calls[calls.length - 1])],
      [count(l.params)],
      ...(functional ? [connections.length ? connections : ['-']] : []),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => Math.max(...r[c].map((s) => s.length)))));
  const right = (c: number): boolean => c === 2;
  const rule = (l: string, m: string, r: string, fill: string): string => l + widths.map((w) => fill.repeat(w + 2)).join(m) + r;
  const line = (cells: string[], bar: string): string => bar + cells.map((s, c) => ` ${pad(s, widths[c], right(c))} `).join(bar) + bar;
  const out = [rule('┏', '┳', '┓', '━'), line(header, '┃'), rule('┡', '╇', '┩', '━')];
  rows.forEach((r, i) => {
    const height = Math.max(...r.map((cell) => cell.length));
    for (let k = 0; k < height; k++) out.push(line(r.map((cell) => cell[k] ?? ''), '│'));
    if (i < rows.length - 1) out.push(rule('├', '┼', '┤', '─'));
  });
  out.push(rule('└', '┴', '┘', '─'));
  return out;
}

/** Before an incomplete total: a lower bound ('≥ '), or nothing where it is the first branch's figure, not a bound. */
function totalPrefix(model: ModelSummary): string {
  return model.complete || model.undecidedBranches ? '' : '≥ ';
}

function kerasTotals(model: ModelSummary): string[] {
  const atLeast = totalPrefix(model);
  const suffix = model.complete ? '' : model.undecidedBranches ? ` — not known: the model ${model.undecidedBranches[0]}` : ' — some layers could not be counted';
  return [
    ` Total params: ${atLeast}${formatCount(model.totalParams)} (${formatBytes(model.sizeBytes)})${suffix}`,
    ` Trainable params: ${atLeast}${formatCount(model.trainableParams)} (${formatBytes(model.trainableParams * 4)})`,
    ` Non-trainable params: ${atLeast}${formatCount(model.nonTrainableParams)} (${formatBytes(model.nonTrainableParams * 4)})`,
  ];
}

/** TF.js' printSummary layout: fixed column positions, '=' under the header, '_' between rows. */
function tfjsTable(model: ModelSummary): string[] {
  const functional = model.kind === 'functional';
  const lineLength = functional ? 98 : 65;
  const positions = (functional ? [0.33, 0.55, 0.67, 1] : [0.45, 0.85, 1]).map((p) => Math.floor(p * lineLength));
  const header = ['Layer (type)', 'Output shape', 'Param #', ...(functional ? ['Receives inputs'] : [])];
  const fields = (cells: string[]): string => {
    let line = '';
    cells.forEach((c, i) => {
      line += c;
      line = line.slice(0, positions[i]).padEnd(Math.max(positions[i], line.length));
      if (line.length > positions[i]) line += ' ';
    });
    return line.trimEnd();
  };
  const out = ['_'.repeat(lineLength), fields(header), '='.repeat(lineLength)];
  const shapeOf = (l: LayerSummary): string => (l.outputShapes ? `[${l.outputShapes.map(formatShapeTfjs).join(',')}]` : formatShapeTfjs(l.outputShape));
  const rows = layerRows(model);
  rows.forEach(({ layer: l, calls }, i) => {
    const inputs = calls.flatMap((c) => connectedTo(model, c, 'tfjs'));
    // TF.js' layer.outputShape throws for a layer applied with different output shapes; printSummary then says 'multiple'.
    const shapes = new Set(calls.map(shapeOf));
    out.push(fields([`${l.tfjsName} (${l.className})`, shapes.size === 1 ? shapeOf(l) : 'multiple', l.params === null ? '?' : String(l.params), ...(functional ? [inputs[0] ?? ''] : [])]));
    for (const extra of inputs.slice(1)) out.push(fields(['', '', '', extra]));
    out.push(i < rows.length - 1 ? '_'.repeat(lineLength) : '='.repeat(lineLength));
  });
  const atLeast = totalPrefix(model);
  out.push(`Total params: ${atLeast}${model.totalParams}${model.undecidedBranches ? ' (with the first branch of an undecided condition)' : ''}`, `Trainable params: ${atLeast}${model.trainableParams}`,
    `Non-trainable params: ${atLeast}${model.nonTrainableParams}`, '_'.repeat(lineLength));
  return out;
}

function formulaLines(model: ModelSummary, style: SummaryStyle): string[] {
  const out = ['', 'Formulas:'];
  const written = new Set<string>();
  for (const l of model.layers) {
    const name = style === 'keras' ? l.name : l.tfjsName;
    const lines = [...(l.formulas.params ? [`params: ${l.formulas.params}`] : []), ...l.formulas.shape];
    if (l.unknownReason) lines.push(`unknown: ${l.unknownReason}`);
    // A shared layer applied again the same way says nothing new.
    const entry = [`  ${name} (${l.className})`, ...lines.map((s) => `    ${s}`)];
    if (lines.length === 0 || written.has(entry.join('\n'))) continue;
    written.add(entry.join('\n'));
    out.push(...entry);
  }
  return out;
}

export function formatModelText(model: ModelSummary, style: SummaryStyle = 'keras'): string {
  const title = style === 'keras' ? `Model: "${model.kerasName}" (${model.name}, line ${model.range.start.line})` : `Model: ${model.name} (line ${model.range.start.line})`;
  const table = style === 'keras' ? [...kerasTable(model), ...kerasTotals(model)] : tfjsTable(model);
  return [title, ...table, ...formulaLines(model, style)].join('\n');
}
