/**
 * Schemas several protocols share: source ranges, diagnostics and the shape engine's model
 * summary. Each is typed against the core interface it describes (`GenericSchema<T>`), so a
 * field added to the core type without its schema is a compile error, not a silent gap in
 * the checks.
 */
import type { Diagnostic, Severity, SourcePosition, SourceRange } from '../core/model/spec';
import type { LayerFormulas, LayerSummary, ModelSummary, Shape } from '../core/shapes/types';
import * as v from 'valibot';
import { Count, Int } from './define';

const Line = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
export const SourcePositionSchema: v.GenericSchema<SourcePosition> = v.object({ line: Line, column: Line });
export const SourceRangeSchema: v.GenericSchema<SourceRange> = v.object({ start: SourcePositionSchema, end: SourcePositionSchema });
export const SeveritySchema: v.GenericSchema<Severity> = v.picklist(['error', 'warning', 'info', 'hint']);
export const DiagnosticSchema: v.GenericSchema<Diagnostic> = v.object({
  severity: SeveritySchema, message: v.string(), range: SourceRangeSchema, code: v.optional(v.string()),
});

export const ShapeSchema: v.GenericSchema<Shape> = v.array(v.nullable(v.number()));
const ParamCount = v.nullable(Count);
const FormulasSchema: v.GenericSchema<LayerFormulas> = v.object({ params: v.optional(v.string()), shape: v.array(v.string()) });

export const LayerSummarySchema: v.GenericSchema<LayerSummary> = v.object({
  index: Count,
  name: v.string(),
  tfjsName: v.string(),
  className: v.string(),
  outputShape: v.nullable(ShapeSchema),
  outputShapes: v.optional(v.array(ShapeSchema)),
  params: ParamCount,
  trainableParams: ParamCount,
  nonTrainableParams: ParamCount,
  formulas: FormulasSchema,
  formula: v.string(),
  unknownReason: v.optional(v.string()),
  inbound: v.array(Int),
  inboundOutputs: v.optional(v.array(Count)),
  range: SourceRangeSchema,
  sharedWith: v.optional(Count),
  sharedWeights: v.optional(v.array(v.object({ id: Int, trainable: Count, nonTrainable: Count }))),
  nested: v.optional(v.lazy(() => ModelSummarySchema)),
});

export const ModelSummarySchema: v.GenericSchema<ModelSummary> = v.object({
  name: v.string(),
  kerasName: v.string(),
  kind: v.picklist(['sequential', 'functional']),
  range: SourceRangeSchema,
  inputShapes: v.array(v.nullable(ShapeSchema)),
  layers: v.array(LayerSummarySchema),
  totalParams: Count,
  trainableParams: Count,
  nonTrainableParams: Count,
  sizeBytes: Count,
  complete: v.boolean(),
  diagnostics: v.array(DiagnosticSchema),
});
