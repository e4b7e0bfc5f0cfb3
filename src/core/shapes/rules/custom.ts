/**
 * A user's Layer subclass: its shape expression (model/customLayer.ts) over the actual inputs.
 * Its parameters are its own weights plus those of each sublayer its call applies, counted
 * once (at the first call, where Keras builds it) however often it is called.
 */
import { countWeights, evaluateShape, type CustomLayerSpec } from '../../model/customLayer';
import type { LayerSpec } from '../../model/spec';
import { formatCount } from '../format';
import type { Shape, SharedWeights } from '../types';
import { ShapeError, type LayerRule } from './rule';

/** What one sublayer does to these inputs (the shape engine's analysis of it), or why it cannot. */
export type SublayerAnalysis = (layer: LayerSpec, inputs: Shape[]) =>
  { shape: Shape; trainable: number; nonTrainable: number; shared?: SharedWeights[] } | string;

export function customRule(custom: CustomLayerSpec, analyze: SublayerAnalysis): LayerRule {
  return (input) => {
    const built = new Map<number, { trainable: number; nonTrainable: number; shared?: SharedWeights[] }>();
    const sublayer = (index: number, inputs: Shape[]): Shape | string => {
      const layer = custom.sublayers[index];
      if (!layer) return `sublayer ${index} is missing`;
      const out = analyze(layer, inputs);
      if (typeof out === 'string') return `${layer.name} (${layer.className}): ${out}`;
      if (!built.has(index)) built.set(index, { trainable: out.trainable, nonTrainable: out.nonTrainable, shared: out.shared });
      return out.shape;
    };
    const oneBranch = (index: number): string | undefined => {
      const counts = built.get(index);
      const layer = custom.sublayers[index];
      return counts && counts.trainable + counts.nonTrainable > 0 && layer
        ? `${layer.name} (${layer.className}) is applied in only one branch of a condition known when the model runs, so whether Keras has built its weights is not known`
        : undefined;
    };
    const evaluation = { inputs: input.inputs, sublayer, oneBranch };
    const shapes: Shape[] = [];
    for (const expr of custom.outputs ?? [custom.output]) {
      const shape = evaluateShape(expr, evaluation);
      if (typeof shape === 'string') throw new ShapeError(`${input.className}: ${shape}`);
      shapes.push(shape);
    }
    const shape = shapes[0];
    const own = countWeights(custom.weights, evaluation);
    if (typeof own === 'string') throw new ShapeError(`${input.className}: ${own}`);
    let { trainable, nonTrainable } = own;
    const terms: string[] = [];
    if (custom.weights.length > 0) terms.push(`own weights ${formatCount(own.trainable + own.nonTrainable)}`);
    for (const [index, counts] of [...built].sort((a, b) => a[0] - b[0])) {
      trainable += counts.trainable;
      nonTrainable += counts.nonTrainable;
      if (counts.trainable + counts.nonTrainable > 0) terms.push(`${custom.sublayers[index].name} ${formatCount(counts.trainable + counts.nonTrainable)}`);
    }
    const total = trainable + nonTrainable;
    const params = terms.length > 1 ? `${terms.join(' + ')} = ${formatCount(total)}` : terms[0];
    const shared = [...built.values()].flatMap((b) => b.shared ?? []);
    return { shape, ...(shapes.length > 1 ? { shapes } : {}), trainable, nonTrainable, ...(params ? { params } : {}), ...(shared.length > 0 ? { shared } : {}) };
  };
}
