/**
 * The public surface of the analysis core, bundled as dist/core.js for benchmarks,
 * the training worker and other Node consumers. Never imports `vscode`.
 */
export { analyzeSource, allDiagnostics, languageForFile, languageForId, readSource, type FileAnalysis } from './analysis';
export { analyzeModel } from './shapes/analyze';
export { analyzeWithInputSize, withInputSize } from './shapes/whatIf';
export { formatModelText, type SummaryStyle } from './report/text';
export { toJsonReport, type JsonReport } from './report/json';
export { buildTfjsModel } from './engine/build';
export type * from './model/spec';
export type * from './shapes/types';
