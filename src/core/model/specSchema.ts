/**
 * The model specification as a valibot schema, for requests that carry a ModelSpec across a
 * thread or webview boundary: the receiver checks the whole spec (nested models, config
 * values included) before building a model from it. Typed against spec.ts, so the two
 * cannot drift apart.
 */
import * as v from 'valibot';
import type { CustomLayerSpec, DimExpr, IndexExpr, ShapeExpr, TestExpr } from './customLayer';
import type { CompileSpec, ConfigValue, Diagnostic, LayerSpec, ModelSpec, SourceRange } from './spec';

const Position = v.object({ line: v.number(), column: v.number() });
export const SourceRangeSchema: v.GenericSchema<SourceRange> = v.object({ start: Position, end: Position });

const DiagnosticSchema: v.GenericSchema<Diagnostic> = v.object({
  severity: v.picklist(['error', 'warning', 'info', 'hint']),
  message: v.string(),
  range: SourceRangeSchema,
  code: v.optional(v.string()),
});

/** Config values may be NaN (TF.js code can say `NaN`), which a worker message keeps as is. */
const AnyNumber = v.union([v.number(), v.nan()]);

export const ConfigValueSchema: v.GenericSchema<ConfigValue> = v.lazy(() =>
  v.union([AnyNumber, v.string(), v.boolean(), v.null(), v.array(ConfigValueSchema), v.record(v.string(), ConfigValueSchema)]),
);

const CompileSchema: v.GenericSchema<CompileSpec> = v.object({
  optimizer: v.optional(v.string()),
  learningRate: v.optional(v.number()),
  loss: v.optional(v.string()),
  fromLogits: v.optional(v.boolean()),
  metrics: v.optional(v.array(v.string())),
  range: SourceRangeSchema,
});

const Index = v.pipe(v.number(), v.safeInteger());

const LayerSchema: v.GenericSchema<LayerSpec> = v.object({
  className: v.string(),
  config: v.record(v.string(), ConfigValueSchema),
  name: v.string(),
  tfjsName: v.string(),
  range: SourceRangeSchema,
  argRanges: v.record(v.string(), SourceRangeSchema),
  inbound: v.array(Index),
  inboundOutputs: v.optional(v.array(Index)),
  unresolved: v.optional(v.string()),
  sharedWith: v.optional(Index),
  weightsId: v.optional(Index),
  nested: v.optional(v.lazy(() => ModelSpecSchema)),
  custom: v.optional(v.lazy(() => CustomLayerSchema)),
});

/**
 * A custom layer's shape expression (customLayer.ts), checked node by node. It is a DAG, not a
 * tree: `x = x + block(x)` in a loop refers to the previous step twice, so a recursive schema
 * would check (and valibot's output would copy) 2^steps nodes. Here each node's own fields are
 * checked by its schema, while its child expressions are only collected (DimExprSchema and
 * ShapeExprSchema below) and checked once each by `checkDag`, which also refuses a cycle (a
 * worker message's structured clone could carry one; evaluation would never end). The output
 * is the input itself, sharing kept.
 */
let collecting: [unknown, v.GenericSchema][] | undefined;

function child<T>(node: () => v.GenericSchema<T>): v.GenericSchema<T> {
  return v.custom<T>((x) => {
    if (typeof x !== 'object' || x === null) return false;
    if (collecting) { collecting.push([x, node()]); return true; }
    return checkDag(x, node());
  });
}

/** Checks every distinct node reachable from `root` once, depth first; false on a bad node or a cycle. */
function checkDag(root: unknown, schema: v.GenericSchema): boolean {
  const checked = new Map<object, Set<v.GenericSchema>>();
  const onPath = new Set<object>();
  const frames: { node: object; children: [unknown, v.GenericSchema][] }[] = [];
  const enter = (node: unknown, s: v.GenericSchema): boolean => {
    if (typeof node !== 'object' || node === null) return false;
    if (onPath.has(node)) return false;
    if (checked.get(node)?.has(s)) return true;
    const outer = collecting;
    const children: [unknown, v.GenericSchema][] = [];
    collecting = children;
    try {
      if (!v.is(s, node)) return false;
    } finally {
      collecting = outer;
    }
    const seen = checked.get(node) ?? new Set();
    checked.set(node, seen.add(s));
    onPath.add(node);
    frames.push({ node, children: children.reverse() });
    return true;
  };
  if (!enter(root, schema)) return false;
  while (frames.length > 0) {
    const top = frames[frames.length - 1];
    const next = top.children.pop();
    if (!next) { onPath.delete(top.node); frames.pop(); continue; }
    if (!enter(...next)) return false;
  }
  return true;
}

const DimExprSchema: v.GenericSchema<DimExpr> = child(() => DimNode);
const ShapeExprSchema: v.GenericSchema<ShapeExpr> = child(() => ShapeNode);
const Axes = v.nullable(v.array(Index));
const TestExprSchema: v.GenericSchema<TestExpr> = v.object({
  op: v.picklist(['==', '!=', '<', '<=', '>', '>=']), a: DimExprSchema, b: DimExprSchema,
});
const DimNode: v.GenericSchema<DimExpr> = v.variant('kind', [
  v.object({ kind: v.literal('value'), value: v.nullable(v.number()) }),
  v.object({ kind: v.literal('axis'), of: ShapeExprSchema, axis: Index, rank: v.optional(Index) }),
  v.object({ kind: v.literal('rank'), of: ShapeExprSchema }),
  v.object({ kind: v.literal('op'), op: v.picklist(['+', '-', '*', '//', 'ceildiv', '/', '%', '**']), a: DimExprSchema, b: DimExprSchema }),
  v.object({ kind: v.literal('fn'), fn: v.picklist(['int', 'floor', 'ceil', 'round', 'sqrt']), a: DimExprSchema }),
  v.object({ kind: v.literal('select'), test: TestExprSchema, then: DimExprSchema, else: DimExprSchema }),
  v.object({ kind: v.literal('agree'), parts: v.array(DimExprSchema) }),
]);
const Bound = v.nullable(DimExprSchema);
const IndexExprSchema: v.GenericSchema<IndexExpr> = v.variant('kind', [
  v.object({ kind: v.literal('at'), at: DimExprSchema }),
  v.object({ kind: v.literal('range'), start: Bound, stop: Bound, step: Bound }),
  v.object({ kind: v.literal('newaxis') }),
  v.object({ kind: v.literal('ellipsis') }),
]);
const AxisOrNone = v.nullable(v.pipe(v.number(), v.integer()));
const ShapeNode: v.GenericSchema<ShapeExpr> = v.variant('kind', [
  v.object({ kind: v.literal('input'), index: Index, listItem: v.optional(v.boolean()), onlyInput: v.optional(v.boolean()) }),
  v.object({ kind: v.literal('raises') }),
  v.object({ kind: v.literal('scalar') }),
  v.object({ kind: v.literal('broadcast'), parts: v.array(ShapeExprSchema) }),
  v.object({ kind: v.literal('dims'), dims: v.array(DimExprSchema) }),
  v.object({ kind: v.literal('sublayer'), index: Index, args: v.array(ShapeExprSchema) }),
  v.object({ kind: v.literal('reshape'), of: ShapeExprSchema, dims: v.array(DimExprSchema) }),
  v.object({ kind: v.literal('concat'), parts: v.array(ShapeExprSchema), axis: Index }),
  v.object({ kind: v.literal('stack'), parts: v.array(ShapeExprSchema), axis: Index }),
  v.object({ kind: v.literal('matmul'), a: ShapeExprSchema, b: ShapeExprSchema, transposeA: v.boolean(), transposeB: v.boolean() }),
  v.object({ kind: v.literal('reduce'), of: ShapeExprSchema, axes: Axes, keepdims: v.boolean() }),
  v.object({ kind: v.literal('transpose'), of: ShapeExprSchema, perm: Axes }),
  v.object({ kind: v.literal('expand'), of: ShapeExprSchema, axis: Index }),
  v.object({ kind: v.literal('squeeze'), of: ShapeExprSchema, axes: Axes }),
  v.object({ kind: v.literal('oneHot'), of: ShapeExprSchema, depth: DimExprSchema }),
  v.object({ kind: v.literal('index'), of: ShapeExprSchema, items: v.array(IndexExprSchema) }),
  v.object({ kind: v.literal('axes'), of: ShapeExprSchema, start: AxisOrNone, stop: AxisOrNone }),
  v.object({ kind: v.literal('fill'), value: DimExprSchema, count: DimExprSchema }),
  v.object({ kind: v.literal('join'), parts: v.array(ShapeExprSchema) }),
  v.object({ kind: v.literal('reshapeTo'), of: ShapeExprSchema, target: ShapeExprSchema }),
  v.object({ kind: v.literal('tile'), of: ShapeExprSchema, reps: ShapeExprSchema }),
  v.object({ kind: v.literal('gather'), of: ShapeExprSchema, indices: ShapeExprSchema, axis: AxisOrNone }),
  v.object({ kind: v.literal('pad'), of: ShapeExprSchema, widths: v.array(v.pipe(v.tuple([DimExprSchema, DimExprSchema]))) }),
  v.object({ kind: v.literal('split'), of: ShapeExprSchema, axis: Index, count: v.pipe(v.number(), v.integer(), v.minValue(1)), piece: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.object({ kind: v.literal('resize'), of: ShapeExprSchema, size: v.tuple([DimExprSchema, DimExprSchema]), channelsFirst: v.boolean() }),
  v.object({ kind: v.literal('einsum'), equation: v.string(), parts: v.array(ShapeExprSchema) }),
  v.object({ kind: v.literal('select'), test: TestExprSchema, then: ShapeExprSchema, else: ShapeExprSchema }),
  v.object({ kind: v.literal('agree'), parts: v.array(ShapeExprSchema) }),
]);
const CustomLayerSchema: v.GenericSchema<CustomLayerSpec> = v.object({
  output: ShapeExprSchema,
  outputs: v.optional(v.array(ShapeExprSchema)),
  weights: v.array(v.object({ dims: v.array(DimExprSchema), trainable: v.boolean() })),
  sublayers: v.array(LayerSchema),
});

export const ModelSpecSchema: v.GenericSchema<ModelSpec> = v.object({
  name: v.string(),
  kerasName: v.string(),
  kind: v.picklist(['sequential', 'functional']),
  language: v.picklist(['python', 'typescript']),
  dialect: v.picklist(['keras', 'tfjs']),
  range: SourceRangeSchema,
  layers: v.array(LayerSchema),
  inputShape: v.optional(v.array(v.nullable(v.number()))),
  inputShapeUnknown: v.optional(v.string()),
  inputs: v.array(Index),
  outputs: v.array(Index),
  compile: v.optional(CompileSchema),
  trainable: v.optional(v.boolean()),
  pretrained: v.optional(v.object({ application: v.string(), file: v.string(), url: v.optional(v.string()) })),
  weightsFile: v.optional(v.string()),
  undecidedBranches: v.optional(v.array(v.string())),
  diagnostics: v.array(DiagnosticSchema),
});
