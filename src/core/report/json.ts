/**
 * The JSON form of a file's analysis (`convlens summary --json`): a stable, documented
 * shape for scripts and CI. Ranges are 1-based line and column. A total that is not known
 * (some layer could not be counted) is `null`, never a number a script could take for the
 * real one; what was counted is beside it as `…AtLeast`, a lower bound. A model that depends
 * on a condition ConvLens cannot decide has null totals, no bound, and `undecidedBranches`.
 */
import type { FileAnalysis } from '../analysis';
import type { Diagnostic, SourceRange } from '../model/spec';
import type { LayerSummary, ModelSummary } from '../shapes/types';

export interface JsonLayer {
  name: string;
  className: string;
  outputShape: (number | null)[] | null;
  /** Every output's shape, when the layer gives several tensors. */
  outputShapes?: (number | null)[][];
  params: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  formula: string;
  range: SourceRange;
  unknownReason?: string;
}

export interface JsonModel {
  name: string;
  kerasName: string;
  kind: 'sequential' | 'functional';
  range: SourceRange;
  layers: JsonLayer[];
  /** Null when `complete` is false: the exact figure is unknown. */
  totalParams: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  sizeBytes: number | null;
  /** Only when `complete` is false: what the layers that could be counted add up to. */
  totalParamsAtLeast?: number;
  trainableParamsAtLeast?: number;
  nonTrainableParamsAtLeast?: number;
  sizeBytesAtLeast?: number;
  complete: boolean;
  /**
   * Conditions ConvLens cannot decide whose other branch builds this model differently: the totals
   * are null and the …AtLeast fields absent, because the first branch's figures bound nothing.
   */
  undecidedBranches?: string[];
  diagnostics: Diagnostic[];
}

export interface JsonReport {
  file?: string;
  language: string;
  models: JsonModel[];
  diagnostics: Diagnostic[];
}

function jsonLayer(l: LayerSummary, tfjsNames: boolean): JsonLayer {
  return {
    name: tfjsNames ? l.tfjsName : l.name, className: l.className, outputShape: l.outputShape, params: l.params,
    trainableParams: l.trainableParams, nonTrainableParams: l.nonTrainableParams, formula: l.formula, range: l.range,
    ...(l.outputShapes ? { outputShapes: l.outputShapes } : {}),
    ...(l.unknownReason ? { unknownReason: l.unknownReason } : {}),
  };
}

type Totals = Pick<JsonModel, 'totalParams' | 'trainableParams' | 'nonTrainableParams' | 'sizeBytes' |
  'totalParamsAtLeast' | 'trainableParamsAtLeast' | 'nonTrainableParamsAtLeast' | 'sizeBytesAtLeast'>;

function totals(m: ModelSummary): Totals {
  if (m.complete) {
    return { totalParams: m.totalParams, trainableParams: m.trainableParams, nonTrainableParams: m.nonTrainableParams, sizeBytes: m.sizeBytes };
  }
  if (m.undecidedBranches) return { totalParams: null, trainableParams: null, nonTrainableParams: null, sizeBytes: null };
  return {
    totalParams: null, trainableParams: null, nonTrainableParams: null, sizeBytes: null,
    totalParamsAtLeast: m.totalParams, trainableParamsAtLeast: m.trainableParams,
    nonTrainableParamsAtLeast: m.nonTrainableParams, sizeBytesAtLeast: m.sizeBytes,
  };
}

function jsonModel(m: ModelSummary, tfjsNames: boolean): JsonModel {
  return {
    name: m.name, kerasName: m.kerasName, kind: m.kind, range: m.range,
    layers: m.layers.map((l) => jsonLayer(l, tfjsNames)),
    ...totals(m), complete: m.complete,
    ...(m.undecidedBranches ? { undecidedBranches: m.undecidedBranches } : {}),
    diagnostics: m.diagnostics,
  };
}

export function toJsonReport(analysis: FileAnalysis, file?: string, style: 'keras' | 'tfjs' = 'keras'): JsonReport {
  return {
    ...(file ? { file } : {}),
    language: analysis.language,
    models: analysis.models.map((m) => jsonModel(m, style === 'tfjs')),
    diagnostics: analysis.diagnostics,
  };
}
