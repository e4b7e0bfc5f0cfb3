/**
 * Layer wrappers: Bidirectional runs its layer forward and backward (two copies of the
 * weights) and merges the two outputs; TimeDistributed applies its layer to every time step
 * (one copy of the weights). The wrapped layer is a `{class_name, config}` value, as Keras
 * serialises it and as the readers pass a layer object given as an argument.
 */
import { isUnknown, type ConfigObject, type ConfigValue } from '../../model/spec';
import { findLayerClass } from '../../model/catalog';
import { Args, UnknownArgument } from '../args';
import { formatCount } from '../format';
import type { Shape } from '../types';
import { ShapeError, single, type LayerRule, type RuleOutput } from './rule';

type Lookup = (className: string) => LayerRule | undefined;

function isObject(v: ConfigValue | undefined): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v);
}

/** The wrapped layer's rule and arguments. */
function inner(args: Args, lookup: Lookup): { className: string; rule: LayerRule; args: Args } {
  const layer = args.value('layer');
  if (!isObject(layer) || typeof layer.class_name !== 'string') throw new UnknownArgument('layer', 'the wrapped layer is not a layer ConvLens can read');
  const className = findLayerClass(layer.class_name)?.className ?? layer.class_name;
  const rule = lookup(className);
  if (!rule) throw new UnknownArgument('layer', `ConvLens has no shape rule for the wrapped ${className}`);
  return { className, rule, args: new Args(isObject(layer.config) ? layer.config : {}, className) };
}

const weights = (o: RuleOutput): number => (o.trainable ?? 0) + (o.nonTrainable ?? 0);

export function wrapperRules(lookup: Lookup): Record<string, LayerRule> {
  const bidirectional: LayerRule = (input) => {
    const x = single(input);
    const wrapped = inner(input.args, lookup);
    const one = wrapped.rule({ className: wrapped.className, args: wrapped.args, inputs: [x] });
    if (input.args.isNone('merge_mode')) throw new UnknownArgument('merge_mode', 'merge_mode=None gives two outputs, which ConvLens does not follow yet');
    const mode = input.args.string('merge_mode', 'concat');
    const last = one.shape[one.shape.length - 1];
    let shape: Shape;
    if (mode === 'concat') shape = [...one.shape.slice(0, -1), last === null ? null : 2 * last];
    else if (['sum', 'mul', 'ave'].includes(mode)) shape = one.shape;
    else throw new UnknownArgument('merge_mode', `merge_mode=${mode} gives two outputs, which ConvLens does not follow yet`);
    return {
      shape, trainable: 2 * (one.trainable ?? 0), nonTrainable: one.nonTrainable === undefined ? undefined : 2 * one.nonTrainable,
      params: `2·${formatCount(weights(one))} = ${formatCount(2 * weights(one))} (forward and backward ${wrapped.className})`,
      shapeFormulas: [mode === 'concat' ? `forward ‖ backward: 2·${last ?? 'None'}` : `${mode} of forward and backward`],
    };
  };
  const timeDistributed: LayerRule = (input) => {
    const x = single(input);
    if (x.length < 3) throw new ShapeError(`TimeDistributed needs (batch, time, …), got rank ${x.length}`);
    const wrapped = inner(input.args, lookup);
    const step = wrapped.rule({ className: wrapped.className, args: wrapped.args, inputs: [[x[0], ...x.slice(2)]] });
    return {
      ...step,
      shape: [step.shape[0], x[1], ...step.shape.slice(1)],
      params: step.params ? `${step.params} (one ${wrapped.className}, shared by every time step)` : undefined,
      shapeFormulas: [`${wrapped.className} on each of ${x[1] ?? 'None'} time steps`, ...(step.shapeFormulas ?? [])],
    };
  };
  return { Bidirectional: bidirectional, TimeDistributed: timeDistributed };
}
