/** Number and shape formatting shared by formulas, the CLI and the editor. */
import type { Shape } from './types';

/** 93322 -> '93,322' (Keras prints counts with thousands separators). */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras' `(None, 26, 26, 32)`; a 1-tuple keeps its comma like Python: `(None, 10)` has two. */
export function formatShapeKeras(shape: Shape | null): string {
  if (!shape) return '?';
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** A layer's output as Keras' summary shows it: one shape, or a list of shapes for a layer that gives several tensors. */
export function formatOutputKeras(l: { outputShape: Shape | null; outputShapes?: Shape[] }): string {
  return l.outputShapes ? `[${l.outputShapes.map(formatShapeKeras).join(', ')}]` : formatShapeKeras(l.outputShape);
}

/** TF.js' `[null,26,26,32]`. */
export function formatShapeTfjs(shape: Shape | null): string {
  if (!shape) return '?';
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
}

/** Keras' `readable_memory_size`: 1024-based units with two decimals, e.g. '364.54 KB'. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

/** A product written the way the formulas show it: 3·3·64. */
export function product(factors: (number | string)[]): string {
  return factors.join('·');
}

/** Typographic minus, so formulas read like the course notes. */
export function minus(a: number | string, b: number | string): string {
  return `${a} − ${b}`;
}
