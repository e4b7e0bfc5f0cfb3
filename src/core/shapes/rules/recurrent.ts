/**
 * Sequence layers: Embedding, SimpleRNN, LSTM, GRU and ConvLSTM2D, with Keras' parameter
 * formulas. A recurrent cell has, per gate, an input kernel (d × units), a recurrent kernel
 * (units × units) and a bias: SimpleRNN 1 gate, LSTM 4 (input, forget, cell, output), GRU 3
 * (update, reset, candidate; Keras' default reset_after=True keeps two biases per gate).
 * ConvLSTM2D's kernels are convolutions over the input and over the previous state.
 */
import { UnknownArgument, type Args } from '../args';
import { formatCount } from '../format';
import type { Shape } from '../types';
import { readWindow, slide, SPATIAL } from './conv';
import { ShapeError, knownLast, single, type LayerRule, type RuleOutput } from './rule';

/** return_state=True makes a list [output, state…]: one output per layer is what the engine follows. */
function noStates(args: Args): void {
  if (args.bool('return_state', false)) throw new UnknownArgument('return_state', 'return_state=True gives several outputs, which ConvLens does not follow yet');
}

/** Output of a recurrent layer over (batch, time, …): the sequence or its last step. */
function sequenceOutput(args: Args, x: Shape, step: Shape): Shape {
  return args.bool('return_sequences', false) ? [x[0], x[1], ...step] : [x[0], ...step];
}

function rnn(name: string, gates: number): LayerRule {
  return (input) => {
    const { args } = input;
    const x = single(input, 3, 'batch, time steps, features');
    noStates(args);
    const units = args.int('units');
    const d = knownLast(input, x);
    const useBias = args.bool('use_bias', true);
    // GRU with reset_after (Keras' default since 2.x) has an input bias and a recurrent bias per gate.
    const biases = !useBias ? 0 : name === 'GRU' && args.bool('reset_after', true) ? 2 : 1;
    const count = gates * units * (d + units + biases);
    const g = gates === 1 ? '' : `${gates}·`;
    const formula = `${g}${units}·(${d} + ${units}${biases ? ` + ${biases}` : ''}) = ${formatCount(count)}`;
    const out = sequenceOutput(args, x, [units]);
    const steps = args.bool('return_sequences', false) ? 'every time step' : 'the last time step';
    return { shape: out, trainable: count, params: formula, shapeFormulas: [`${units} units at ${steps}`] };
  };
}

/** Embedding: one trainable vector of output_dim per token id; (batch, length) → (batch, length, output_dim). */
const embedding: LayerRule = (input) => {
  const { args } = input;
  const x = single(input);
  const inputDim = args.int('input_dim');
  const outputDim = args.int('output_dim');
  const count = inputDim * outputDim;
  return { shape: [...x, outputDim], trainable: count, params: `${inputDim}·${outputDim} = ${formatCount(count)}`, shapeFormulas: [`each token id → ${outputDim} values`] };
};

/** ConvLSTM2D: an LSTM whose four gates are convolutions of the frame and of the previous state. */
const convLstm2d: LayerRule = (input): RuleOutput => {
  const { args } = input;
  const x = single(input, 5, 'batch, time, height, width, channels');
  noStates(args);
  const filters = args.int('filters');
  const w = readWindow(args, 2);
  if (w.padding === 'causal') throw new ShapeError('ConvLSTM2D has no causal padding');
  const cin = knownLast(input, x);
  const frame: Shape = [x[0], x[2], x[3], cin];
  const { dims, formulas } = slide(frame, w, SPATIAL[2].axes);
  const k = w.kernel[0] * w.kernel[1];
  const useBias = args.bool('use_bias', true);
  const count = 4 * (k * (cin + filters) * filters + (useBias ? filters : 0));
  const formula = `4·(${w.kernel[0]}·${w.kernel[1]}·(${cin} + ${filters})·${filters}${useBias ? ` + ${filters}` : ''}) = ${formatCount(count)}`;
  return { shape: sequenceOutput(args, x, [...dims, filters]), trainable: count, params: formula, shapeFormulas: formulas };
};

export const recurrentRules: Record<string, LayerRule> = {
  Embedding: embedding,
  SimpleRNN: rnn('SimpleRNN', 1),
  LSTM: rnn('LSTM', 4),
  GRU: rnn('GRU', 3),
  ConvLSTM2D: convLstm2d,
};
