/**
 * A user's keras.layers.Layer subclass, read per instance from its class body without
 * running it: `__init__` binds the constructor arguments (`self.units = units`) and may make
 * weights; `build(self, input_shape)` makes weights whose shape follows the input
 * (`input_shape[-1]`); `call` gives the output shape (customLayer.ts). Sublayers, weights
 * made in loops or branches, and compute_output_shape are reported, never guessed.
 */
import type { CustomLayerSpec, DimExpr, WeightExpr } from '../../model/customLayer';
import type { CallArgs } from '../runtime';
import type { Value } from '../values';
import { CallReader, type Sym } from './customLayer';
import { children, isToken, type SyntaxNode } from './syntax';

/** Whether a class statement's base is keras' Layer (`layers.Layer`, `keras.layers.Layer`, `Layer`). */
export function isLayerSubclass(base: Value): boolean {
  return base.kind === 'ref' && /^keras\.(layers\.)?Layer$/.test(base.path);
}

function methods(classNode: SyntaxNode, text: string): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const body = children(classNode).find((k) => k.name === 'Body');
  for (let s of body ? children(body) : []) {
    if (s.name === 'DecoratedStatement' && s.lastChild) s = s.lastChild;
    if (s.name !== 'FunctionDefinition') continue;
    const name = children(s).find((k) => k.name === 'VariableName');
    if (name) out.set(text.slice(name.from, name.to), s);
  }
  return out;
}

const SUBLAYER = /^(keras\.|tf\.keras\.)?(layers\.\w+|Sequential|Model|models\.\w+)$/;

/** The keyword arguments of a call node, by name. */
function keywords(call: SyntaxNode, reader: CallReader): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const args = children(call).find((k) => k.name === 'ArgList');
  const kids = args ? children(args) : [];
  for (let i = 0; i < kids.length; i++) {
    if (kids[i].name === 'VariableName' && kids[i + 1]?.name === 'AssignOp' && kids[i + 2]) out.set(reader.word(kids[i]), kids[i + 2]);
  }
  return out;
}

/** `self.add_weight(shape=(…), trainable=…)`: its dims, or why not. Keras 2 took `name` first, so only `shape=` is read. */
function weight(call: SyntaxNode, reader: CallReader): WeightExpr | string {
  const kw = keywords(call, reader);
  const shapeNode = kw.get('shape');
  if (!shapeNode) return 'an add_weight without shape= is not read';
  const shape = reader.evaluate(shapeNode);
  const items: Sym[] = shape.t === 'tuple' ? shape.items : shape.t === 'dim' ? [shape] : [];
  if (shape.t !== 'tuple' && shape.t !== 'dim') return `the shape of a weight is not known (${shape.t === 'unknown' ? shape.reason : 'not a tuple'})`;
  const dims: DimExpr[] = [];
  for (const d of items) {
    if (d.t !== 'dim') return `the shape of a weight is not known (${d.t === 'unknown' ? d.reason : 'not a number'})`;
    dims.push(d.dim);
  }
  const trainable = kw.get('trainable');
  const flag = trainable ? reader.word(trainable) : 'True';
  if (flag !== 'True' && flag !== 'False') return 'a weight whose trainable flag is not a literal';
  return { dims, trainable: flag === 'True' };
}

function calleeText(call: SyntaxNode, reader: CallReader): string {
  const callee = call.firstChild;
  return callee ? reader.word(callee).replace(/\s+/g, '') : '';
}

/** Reads one of __init__ / build: weights into `out`; returns why it cannot, if it cannot. */
function readMethod(fn: SyntaxNode, name: string, reader: CallReader, out: WeightExpr[]): string | undefined {
  const body = children(fn).find((k) => k.name === 'Body');
  for (const s of body ? children(body) : []) {
    if (isToken(s) || s.name === 'Comment' || s.name === 'PassStatement') continue;
    const kids = children(s).filter((k) => !isToken(k));
    const value = kids[kids.length - 1];
    const call = value?.name === 'CallExpression' ? value : undefined;
    const callee = call ? calleeText(call, reader) : '';
    if (call && /(^|\.)add_weight$/.test(callee)) {
      const w = weight(call, reader);
      if (typeof w === 'string') return w;
      out.push(w);
      // `self.w = self.add_weight(...)`: in call, self.w is a tensor of that shape.
      const target = s.name === 'AssignStatement' && kids[0].name === 'MemberExpression' ? children(kids[0]) : [];
      if (target[0] && target[2] && reader.word(target[0]) === 'self') reader.selfAttrs.set(reader.word(target[2]), { t: 'tensor', expr: { dims: w.dims } });
      continue;
    }
    if (call && SUBLAYER.test(callee)) return `its sublayers (made in ${name}) are not counted yet`;
    if (s.name === 'AssignStatement' && kids.length === 2 && kids[0].name === 'MemberExpression') {
      const [obj, , prop] = children(kids[0]);
      if (obj?.name === 'VariableName' && reader.word(obj) === 'self' && prop) reader.selfAttrs.set(reader.word(prop), reader.evaluate(value));
      continue;
    }
    if (s.name === 'AssignStatement' && kids.length === 2 && kids[0].name === 'VariableName') {
      reader.bind(reader.word(kids[0]), reader.evaluate(value));
      continue;
    }
    if (s.name === 'ExpressionStatement') continue; // super().__init__(**kwargs) and the like
    const src = reader.word(s);
    if (/add_weight|add_variable|layers\.|Variable\(/.test(src)) return `its ${name} makes weights or sublayers in a ${s.name} that ConvLens does not follow`;
  }
  return undefined;
}

/** What one instance of a Layer subclass builds, or why ConvLens cannot say. */
export function readCustomLayer(classNode: SyntaxNode, text: string, moduleValue: (name: string) => Value | undefined,
  args: CallArgs): CustomLayerSpec | string {
  const defs = methods(classNode, text);
  if (defs.has('compute_output_shape')) return 'its compute_output_shape is not read yet';
  const selfAttrs = new Map<string, Sym>();
  const weights: WeightExpr[] = [];
  const init = defs.get('__init__');
  if (init) {
    const reader = new CallReader(text, moduleValue, selfAttrs);
    reader.bindParameters(init, args);
    const why = readMethod(init, '__init__', reader, weights);
    if (why) return why;
  }
  const build = defs.get('build');
  if (build) {
    const reader = new CallReader(text, moduleValue, selfAttrs);
    const params = children(children(build).find((k) => k.name === 'ParamList') ?? build).filter((k) => k.name === 'VariableName');
    // build(self, input_shape): the shape of the (single) input.
    if (params[1]) reader.bind(reader.word(params[1]), { t: 'shapeOf', input: 0 });
    const why = readMethod(build, 'build', reader, weights);
    if (why) return why;
  }
  const call = defs.get('call');
  if (!call) return 'it has no call method ConvLens can read';
  const out = new CallReader(text, moduleValue, selfAttrs).read(call);
  return typeof out === 'string' ? out : { output: out, weights };
}
