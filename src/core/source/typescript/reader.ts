/**
 * Reads Keras models from TF.js code (TypeScript or JavaScript) without running it.
 *
 * This module imports the `typescript` compiler, which takes a noticeable time to load;
 * it must only be loaded (lazily, by the reader dispatcher) when a TS/JS file is read,
 * so nothing else in core may import it at top level.
 */
import * as ts from 'typescript';
import type { Diagnostic, ModelSpec, ReadResult } from '../../model/spec';
import { ModelRuntime } from '../runtime';
import { toModelSpecs } from '../toSpec';
import { markUndecidedModels, type Reading } from '../undecidedBranches';
import { Interpreter } from './interpreter';
import { FILE_START, scriptKindFor, syntaxDiagnostics } from './ranges';

export function readTypeScript(text: string, fileName = 'model.ts'): ReadResult {
  let sf: ts.SourceFile | Error;
  try {
    // The parser recovers from syntax errors, so whatever parsed is still interpreted.
    sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindFor(fileName));
  } catch (e) {
    sf = e instanceof Error ? e : new Error(String(e));
  }
  const parsed = sf;
  const first = readOnce(parsed, new Map());
  markUndecidedModels(first, (overrides) => readOnce(parsed, overrides));
  return first.result;
}

/** One reading of the file, taking each undecided condition as `overrides` says (default: as assumed). */
function readOnce(sf: ts.SourceFile | Error, overrides: ReadonlyMap<number, boolean>): Reading & { result: ReadResult } {
  const runtime = new ModelRuntime('typescript');
  const diagnostics: Diagnostic[] = [];
  const internal = (what: string, e: unknown): Diagnostic => ({
    severity: 'error', range: FILE_START,
    message: `ConvLens could not ${what}: ${e instanceof Error ? e.message : String(e)}`,
  });
  let interpreter: Interpreter | undefined;
  try {
    if (sf instanceof Error) throw sf;
    diagnostics.push(...syntaxDiagnostics(sf));
    interpreter = new Interpreter(sf, runtime);
    interpreter.branchOverrides = overrides;
    interpreter.run();
    diagnostics.push(...interpreter.diagnostics);
  } catch (e) {
    // run() never throws; this guards the parser itself (a stack overflow on absurd nesting).
    diagnostics.push(e instanceof RangeError
      ? { severity: 'error', range: FILE_START, message: 'ConvLens could not read this file: it is nested too deeply to parse' }
      : internal('read this file', e));
  }
  let models: ModelSpec[] = [];
  try {
    models = toModelSpecs(runtime.models, 'typescript');
  } catch (e) {
    diagnostics.push(internal('describe the models of this file', e));
  }
  const result: ReadResult = { language: 'typescript', models, diagnostics: [...diagnostics, ...runtime.diagnostics] };
  return { result, models, undecided: interpreter?.undecided ?? new Map() };
}
