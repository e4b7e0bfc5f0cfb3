/** Merge layers: element-wise (Add, Multiply, ...) and Concatenate. */
import { formatShapeKeras } from '../format';
import type { Dim, Shape } from '../types';
import { ShapeError, type LayerRule } from './rule';

/**
 * Keras 3 element-wise merges broadcast: two axes agree when equal, when one is 1, or
 * when one is unknown (None).
 */
function broadcast(className: string, shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      // A missing leading axis broadcasts as 1; an unknown one (None) must stay unknown, not read as 1.
      const j = i - (rank - s.length);
      const d = j < 0 ? 1 : s[j];
      if (d === null) { if (dim === 1) dim = null; continue; }
      if (d === 1) continue;
      if (dim === 1 || dim === null) { dim = d; continue; }
      if (dim !== d) {
        throw new ShapeError(
          `${className} inputs have different shapes: ${shapes.map(formatShapeKeras).join(' and ')}. ` +
          'Element-wise merges need equal shapes: project one branch (e.g. a 1×1 Conv2D with strides) to match',
          'merge-mismatch',
        );
      }
    }
    out.push(i === 0 ? null : dim);
  }
  return out;
}

function elementwise(minInputs: number, maxInputs = Infinity): LayerRule {
  return ({ className, inputs }) => {
    if (inputs.length < minInputs || inputs.length > maxInputs) {
      const want = maxInputs === minInputs ? `exactly ${minInputs}` : `at least ${minInputs}`;
      throw new ShapeError(`${className} needs ${want} inputs, got ${inputs.length}`);
    }
    return { shape: broadcast(className, inputs) };
  };
}

const concatenate: LayerRule = ({ className, args, inputs }) => {
  if (inputs.length < 1) throw new ShapeError('Concatenate needs a list of inputs');
  const rank = inputs[0].length;
  const rawAxis = args.int('axis', -1);
  const axis = rawAxis < 0 ? rank + rawAxis : rawAxis;
  if (axis <= 0 || axis >= rank) throw new ShapeError(`Concatenate axis ${rawAxis} is out of range for rank ${rank}`);
  const out: Dim[] = [...inputs[0]];
  for (const s of inputs.slice(1)) {
    const agree = s.length === rank && s.every((d, i) => i === axis || i === 0 || d === null || out[i] === null || d === out[i]);
    if (!agree) {
      throw new ShapeError(
        `${className} inputs must match on every axis except axis ${rawAxis}: ${inputs.map(formatShapeKeras).join(' and ')}`,
        'merge-mismatch',
      );
    }
    out[axis] = out[axis] === null || s[axis] === null ? null : (out[axis]) + (s[axis]);
  }
  const parts = inputs.map((s) => s[axis] ?? 'None').join(' + ');
  return { shape: out, shapeFormulas: [`axis ${rawAxis}: ${parts} = ${out[axis] ?? 'None'}`] };
};

export const mergeRules: Record<string, LayerRule> = {
  Add: elementwise(1),
  Multiply: elementwise(1),
  Average: elementwise(1),
  Maximum: elementwise(1),
  Minimum: elementwise(1),
  Subtract: elementwise(2, 2),
  Concatenate: concatenate,
};
