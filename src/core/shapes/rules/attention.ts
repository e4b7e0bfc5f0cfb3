/**
 * MultiHeadAttention (Keras 3): query, key and value projections to `num_heads` heads, then an
 * output projection back to the query's size. Each projection is an EinsumDense with a bias:
 * query  d_q·H·key_dim + H·key_dim, key d_k·H·key_dim + H·key_dim,
 * value  d_v·H·value_dim + H·value_dim, output H·value_dim·d_out + d_out,
 * where key defaults to value, value_dim to key_dim and d_out (output_shape) to d_q.
 */
import { UnknownArgument } from '../args';
import { formatCount } from '../format';
import type { Shape } from '../types';
import { ShapeError, knownLast, type LayerRule } from './rule';

const multiHeadAttention: LayerRule = (input) => {
  const { args } = input;
  if (input.inputs.length < 2 || input.inputs.length > 3) {
    throw new ShapeError(`MultiHeadAttention takes query and value (and key), got ${input.inputs.length} input${input.inputs.length === 1 ? '' : 's'}`);
  }
  if (args.bool('return_attention_scores', false)) throw new UnknownArgument('return_attention_scores', 'two outputs are not followed yet');
  const [query, value, key = value] = input.inputs;
  const heads = args.int('num_heads');
  const keyDim = args.int('key_dim');
  const valueDim = args.has('value_dim') && args.value('value_dim') !== null ? args.int('value_dim') : keyDim;
  const bias = args.bool('use_bias', true) ? 1 : 0;
  const [dq, dk, dv] = [knownLast(input, query), knownLast(input, key), knownLast(input, value)];
  const given = args.value('output_shape');
  let out: number[];
  if (given === undefined || given === null) out = [dq];
  else if (typeof given === 'number') out = [args.int('output_shape')];
  else out = args.intTuple('output_shape', Array.isArray(given) ? given.length : 1);
  const outSize = out.reduce((p, d) => p * d, 1);
  const q = heads * keyDim * (dq + bias);
  const k = heads * keyDim * (dk + bias);
  const v = heads * valueDim * (dv + bias);
  const o = heads * valueDim * outSize + bias * outSize;
  const total = q + k + v + o;
  const b = bias ? ' + 1' : '';
  const params = `query ${heads}·${keyDim}·(${dq}${b}) + key ${heads}·${keyDim}·(${dk}${b}) + value ${heads}·${valueDim}·(${dv}${b}) + ` +
    `output ${heads}·${valueDim}·${outSize}${bias ? ` + ${outSize}` : ''} = ${formatCount(total)}`;
  const shape: Shape = [...query.slice(0, -1), ...out];
  return { shape, trainable: total, params, shapeFormulas: [`${heads} heads of ${keyDim}; output size ${out.join('×')}`] };
};

export const attentionRules: Record<string, LayerRule> = { MultiHeadAttention: multiHeadAttention };
