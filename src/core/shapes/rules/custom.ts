/** A user's Layer subclass: its shape expression (model/customLayer.ts) over the actual inputs. */
import { countWeights, evaluateShape, type CustomLayerSpec } from '../../model/customLayer';
import { ShapeError, type LayerRule } from './rule';

export function customRule(custom: CustomLayerSpec): LayerRule {
  return (input) => {
    const shape = evaluateShape(custom.output, input.inputs);
    if (typeof shape === 'string') throw new ShapeError(`${input.className}: ${shape}`);
    const weights = countWeights(custom.weights, input.inputs);
    if (typeof weights === 'string') throw new ShapeError(`${input.className}: ${weights}`);
    return { shape, ...weights };
  };
}
