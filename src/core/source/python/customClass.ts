/**
 * A user's keras.layers.Layer subclass, read per instance from its class body without
 * running user code: the interpreter runs `__init__` with `self` as the layer object, so
 * `self.units = units`, sublayers (`self.dense = layers.Dense(units)`, a Sequential, another
 * custom layer, lists of them) and `self.add_weight(...)` are values like any other;
 * `build(self, input_shape)` makes weights whose shape follows the input (`input_shape[-1]`);
 * `compute_output_shape` or `call` gives the output shape (customLayer.ts). What cannot be
 * followed is reported as the reason the layer is unknown, never guessed.
 */
import type { CustomLayerSpec, DimExpr, ShapeExpr, WeightExpr } from '../../model/customLayer';
import { expressionDepth, expressionSize } from '../../model/customLayer';
import type { SourceRange } from '../../model/spec';
import type { CallArgs, ModelRuntime } from '../runtime';
import { sublayerSpec } from '../toSpec';
import type { LayerInstance, Value } from '../values';
import { buildLocals, buildSublayer, type EvaluateWithSelf } from './buildSublayers';
import { CallReader } from './customLayer';
import { fromValue, statementName, type Sym } from './symbolic';
import { UserFunction, type CustomLayerClass } from './scope';
import { children, isToken, type SyntaxNode } from './syntax';

/** Whether a class statement's base is keras' Layer (`layers.Layer`, `keras.layers.Layer`, `Layer`). */
export function isLayerSubclass(base: Value): boolean {
  return base.kind === 'ref' && /^keras\.(layers\.)?Layer$/.test(base.path);
}

/**
 * An expression with more distinct nodes than this is not evaluated (evaluation is memoised per
 * node, so this bounds its cost; a residual loop makes about two nodes per step).
 */
const MAX_EXPRESSION = 20_000;
/**
 * Nor one nested deeper than this: evaluation recurses, and on Node's main-thread stack a chain
 * of about 2,500 nested nodes overflows it (measured; half of that is kept as margin).
 */
const MAX_DEPTH = 1_200;

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

/**
 * `SomeLayer(args)` for a user's class: makes the layer object, runs its `__init__` (through
 * `runInit`, which returns the doubts the interpreter reported meanwhile) and reads the rest.
 */
export function instantiateCustomLayer(cls: CustomLayerClass, args: CallArgs, range: SourceRange, runtime: ModelRuntime, text: string,
  runInit: (fn: UserFunction, args: CallArgs) => { value: Value; doubts: string[] }): Value {
  const self = runtime.customLayer(cls.name, args, range);
  const modelsBefore = runtime.models.length;
  let read: CustomLayerSpec | string = 'its __init__ could not be evaluated';
  try {
    const doubts = cls.init
      ? runInit(cls.init, { ...args, positional: [self, ...args.positional], positionalRanges: [range, ...args.positionalRanges] }).doubts
      : [];
    const instance = self.layer.instance!;
    if (doubts.length > 0) read = `its __init__ is not certain: ${doubts[0]}`;
    else if (instance.problems.length > 0) read = instance.problems[0];
    else read = readCustomLayer(cls.node, text, cls.moduleValue, instance, cls.init && withSelf(cls.init, self, range, runInit));
  } finally {
    // A Sequential made in __init__ is part of this layer, not a model of the file.
    runtime.models.splice(modelsBefore);
    runtime.finishCustomLayer(self.layer, read);
  }
  return self;
}

/** Evaluates one of build's expressions by the interpreter, in __init__'s scope with only `self` bound. */
function withSelf(init: UserFunction, self: Value, range: SourceRange,
  run: (fn: UserFunction, args: CallArgs) => { value: Value; doubts: string[] }): EvaluateWithSelf {
  return (expr) => {
    const fn = new UserFunction('build', [{ name: 'self', kind: 'positional' }], expr, true, init.closure);
    return run(fn, { positional: [self], positionalRanges: [range], keyword: new Map(), keywordRanges: new Map() });
  };
}

/** `self.x` as `call` sees it: a weight made in __init__ is a tensor of its shape. */
function attributeSym(v: Value, instance: LayerInstance): Sym {
  const w = instance.weights.find((x) => x.value === v);
  if (w) return { t: 'tensor', expr: { kind: 'dims', dims: w.dims.map((value) => ({ kind: 'value', value })) } };
  return fromValue(v);
}

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

/** `self.add_weight(shape=(…), trainable=…)` in build: its dims, or why not. Keras 2 took `name` first, so only `shape=` is read. */
function weight(call: SyntaxNode, reader: CallReader): WeightExpr | string {
  const kw = keywords(call, reader);
  const shapeNode = kw.get('shape');
  if (!shapeNode) return 'an add_weight without shape= in build is not read';
  const shape = reader.evaluate(shapeNode);
  const items: Sym[] = shape.t === 'tuple' ? shape.items : shape.t === 'dim' ? [shape] : [];
  if (shape.t !== 'tuple' && shape.t !== 'dim') return `the shape of a weight is not known (${shape.t === 'unknown' ? shape.reason : 'not a tuple'})`;
  const dims: DimExpr[] = [];
  for (const d of items) {
    if (d.t !== 'dim') return `the shape of a weight is not known (${d.t === 'unknown' ? d.reason : 'not a number'})`;
    dims.push(d.dim);
  }
  const trainable = kw.get('trainable');
  const flag = trainable ? reader.evaluate(trainable) : { t: 'const', value: true };
  if (flag.t !== 'const' || typeof flag.value !== 'boolean') return 'a weight whose trainable flag is not known';
  return { dims, trainable: flag.value };
}

/**
 * Reads `build`: weights into `out`, `self.w = self.add_weight(...)` into the reader's
 * attributes, and the sublayers it builds by hand (`self.conv.build(input_shape)`) into
 * `built`; why it cannot, if it cannot.
 */
function readBuild(fn: SyntaxNode, reader: CallReader, out: WeightExpr[], built: string[],
  moduleValue: (name: string) => Value | undefined, withSelf: EvaluateWithSelf | undefined): string | undefined {
  const locals = buildLocals(fn, reader);
  const body = children(fn).find((k) => k.name === 'Body');
  for (const s of body ? children(body) : []) {
    if (isToken(s) || s.name === 'Comment' || s.name === 'PassStatement') continue;
    const kids = children(s).filter((k) => !isToken(k));
    const value = kids[kids.length - 1];
    const call = value?.name === 'CallExpression' ? value : undefined;
    const callee = call?.firstChild ? reader.word(call.firstChild).replace(/\s+/g, '') : '';
    if (call && /(^|\.)add_(weight|variable)$/.test(callee)) {
      const w = weight(call, reader);
      if (typeof w === 'string') return w;
      out.push(w);
      const target = s.name === 'AssignStatement' && kids[0].name === 'MemberExpression' ? children(kids[0]) : [];
      if (target[0] && target[2] && reader.word(target[0]) === 'self') reader.selfAttrs.set(reader.word(target[2]), { t: 'tensor', expr: { kind: 'dims', dims: w.dims } });
      continue;
    }
    if (s.name === 'AssignStatement' && kids.length === 2 && kids[0].name === 'MemberExpression') {
      // `self.x = …` is known to call; `self.mask[i] = 1.0` changes values, not shapes.
      const [obj, , prop] = children(kids[0]);
      if (obj?.name === 'VariableName' && reader.word(obj) === 'self' && prop) {
        reader.selfAttrs.set(reader.word(prop), buildSublayer(value, reader, locals, moduleValue, withSelf) ?? reader.evaluate(value));
      }
      continue;
    }
    // `h = input_shape[1] // self.stride`, `(_, h, w, c) = input_shape`.
    const targets = children(s).slice(0, Math.max(children(s).findIndex((k) => k.name === 'AssignOp'), 0));
    if (s.name === 'AssignStatement' && targets.length > 0 && !targets.some((k) => k.name === 'MemberExpression' || k.name === 'SubscriptExpression')) {
      const why = reader.assign(s);
      if (why) return `its build: ${why}`;
      continue;
    }
    const src = reader.word(s);
    const byHand = /^self\.(\w+)\.build$/.exec(callee);
    if (s.name === 'ExpressionStatement' && byHand) { built.push(byHand[1]); continue; }
    // super().build(input_shape) and the like make nothing.
    if (s.name === 'ExpressionStatement' && !/\.build\s*\(/.test(src.replace(/super\([^)]*\)\.build/, ''))) continue;
    // A branch that only fills values in (PixelCNN's mask) changes no weight or shape.
    if (s.name === 'IfStatement' && !/add_weight|add_variable|Variable\s*\(|layers\.|\.build\s*\(|self\.\w+\s*=[^=]/.test(src)) continue;
    return `its build has ${statementName(s)} ConvLens does not follow`;
  }
  return undefined;
}

/** `compute_output_shape(self, input_shape)`: a tuple of sizes or an input's shape. */
function readOutputShape(fn: SyntaxNode, reader: CallReader): ShapeExpr | string {
  // One parameter: the input's shape, or a list of shapes (not followed) when the layer gets several.
  const params = reader.parameters(fn);
  params.forEach((name, i) => reader.bind(name, { t: 'shapeOf', of: { kind: 'input', index: i, ...(params.length === 1 ? { onlyInput: true } : {}) } }));
  const r = reader.returned(fn);
  if (r.t === 'shapeOf') return r.of;
  if (r.t === 'unknown') return r.reason;
  if (r.t !== 'tuple') return 'it does not return a shape';
  const dims: DimExpr[] = [];
  for (const d of r.items) {
    if (d.t !== 'dim') return `it returns a shape with ${d.t === 'unknown' ? d.reason : 'a size that is not a number'}`;
    dims.push(d.dim);
  }
  return { kind: 'dims', dims };
}

/** What one instance of a Layer subclass builds, once its `__init__` has run, or why ConvLens cannot say. */
export function readCustomLayer(classNode: SyntaxNode, text: string, moduleValue: (name: string) => Value | undefined,
  instance: LayerInstance, evaluateWithSelf?: EvaluateWithSelf): CustomLayerSpec | string {
  const defs = methods(classNode, text);
  const selfAttrs = new Map<string, Sym>();
  for (const [k, v] of instance.attrs) selfAttrs.set(k, attributeSym(v, instance));
  const weights: WeightExpr[] = instance.weights.map((w) => ({ dims: w.dims.map((value) => ({ kind: 'value', value })), trainable: w.trainable }));
  const build = defs.get('build');
  const builtByHand: string[] = [];
  if (build) {
    const reader = new CallReader(text, moduleValue, selfAttrs);
    // build(self, input_shape): Keras passes the shape of call's first argument — a list of
    // shapes when that one argument is a list of tensors, which is not followed.
    const [param] = reader.parameters(build);
    const callTakes = defs.get('call') ? reader.parameters(defs.get('call')!).length : 1;
    if (param) reader.bind(param, { t: 'shapeOf', of: { kind: 'input', index: 0, ...(callTakes === 1 ? { onlyInput: true } : {}) } });
    const why = readBuild(build, reader, weights, builtByHand, moduleValue, evaluateWithSelf);
    if (why) return why;
  }
  const call = defs.get('call');
  const helpers = new Map([...defs].filter(([name]) => !['__init__', 'build', 'call', 'compute_output_shape'].includes(name)));
  const reader = new CallReader(text, moduleValue, selfAttrs, [], helpers);
  const fromCallAll = call ? reader.readOutputs(call) : 'it has no call method';
  const fromCall = typeof fromCallAll === 'string' ? fromCallAll : fromCallAll[0];
  const declared = defs.get('compute_output_shape');
  const fromDeclared = declared ? readOutputShape(declared, new CallReader(text, moduleValue, selfAttrs)) : undefined;
  // Keras 3 takes the shape from compute_output_shape when the class has one; the sublayers'
  // weights exist only once call has run on them, so a call that cannot be followed leaves
  // them, and the layer, unknown.
  const hasSublayers = [...selfAttrs.values()].some(function layerIn(s: Sym): boolean {
    return s.t === 'layer' || (s.t === 'tuple' && s.items.some(layerIn));
  });
  if (typeof fromCall === 'string' && (hasSublayers || !fromDeclared || typeof fromDeclared === 'string')) {
    return typeof fromDeclared === 'string' ? `its compute_output_shape: ${fromDeclared}; its call: ${fromCall}` : fromCall;
  }
  // A sublayer built by hand in build is counted where call applies it (to the same input, as
  // Keras' examples do); one call never applies would be counted nowhere.
  for (const name of builtByHand) {
    const sym = selfAttrs.get(name);
    if (sym?.t !== 'layer' || !reader.sublayers.includes(sym.target)) return `its build builds self.${name}, which its call does not apply`;
  }
  const several = typeof fromCallAll === 'string' || fromCallAll.length === 1 ? undefined : fromCallAll;
  // compute_output_shape's tuple of shapes is not read, so one shape there cannot stand for several outputs.
  if (several && fromDeclared && typeof fromDeclared !== 'string') return `its call returns ${several.length} tensors but compute_output_shape is read as one shape`;
  const output = fromDeclared && typeof fromDeclared !== 'string' ? fromDeclared : fromCall as ShapeExpr;
  if ((several ?? [output]).reduce((n, o) => n + expressionSize(o, MAX_EXPRESSION), 0) > MAX_EXPRESSION) return 'its call is too large an expression to evaluate';
  if ((several ?? [output]).some((o) => expressionDepth(o) > MAX_DEPTH)) return 'its call nests too many steps to evaluate';
  instance.sublayers = reader.sublayers;
  return { output, ...(several ? { outputs: several } : {}), weights, sublayers: reader.sublayers.map((s) => sublayerSpec(s, 'python')) };
}
