/**
 * The Python source reader: parses with @lezer/python (error-tolerant, so a file being
 * edited still yields the models before the error), interprets the safe subset of Python
 * that builds Keras models, and converts what the runtime built into ModelSpecs.
 * Nothing the user wrote is ever executed, and no input makes it throw or hang.
 */
import { parser } from '@lezer/python';
import type { Diagnostic, ReadResult } from '../../model/spec';
import { ModelRuntime } from '../runtime';
import { toModelSpecs } from '../toSpec';
import { Interpreter } from './interpreter';
import { resetAllocation } from './limits';
import { LineIndex } from './ranges';
import { syntaxDiagnostics, type Tree } from './syntax';
import { markUndecidedModels, type Reading } from '../undecidedBranches';

export function readPython(text: string): ReadResult {
  const tree = parseOrError(text);
  const first = readOnce(text, tree, new Map());
  markUndecidedModels(first, (overrides) => readOnce(text, tree, overrides));
  return first.result;
}

function parseOrError(text: string): Tree | Error {
  try {
    return parser.parse(text);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** One reading of the file, taking each undecided condition as `overrides` says (default: the first branch). */
function readOnce(text: string, tree: Tree | Error, overrides: ReadonlyMap<number, boolean>): Reading & { result: ReadResult } {
  resetAllocation();
  const lines = new LineIndex(text);
  const runtime = new ModelRuntime('python');
  const diagnostics: Diagnostic[] = [];
  let interpreter: Interpreter | undefined;
  try {
    if (tree instanceof Error) throw tree;
    diagnostics.push(...syntaxDiagnostics(tree, text, lines));
    interpreter = new Interpreter(text, lines, runtime);
    interpreter.branchOverrides = overrides;
    interpreter.run(tree.topNode);
  } catch (e) {
    diagnostics.push(internalError(e, lines));
  }
  let models: ReadResult['models'] = [];
  try {
    models = toModelSpecs(runtime.models, 'python');
  } catch (e) {
    diagnostics.push(internalError(e, lines));
  }
  const generators = runtime.generators.specs();
  const result: ReadResult = {
    language: 'python',
    models,
    ...(generators.length > 0 ? { generators } : {}),
    diagnostics: [...diagnostics, ...(interpreter?.diagnostics ?? []), ...runtime.diagnostics, ...runtime.generators.diagnostics],
  };
  return { result, models, undecided: interpreter?.undecided ?? new Map() };
}

function internalError(e: unknown, lines: LineIndex): Diagnostic {
  return {
    severity: 'warning',
    message: `ConvLens stopped reading this file (internal error: ${e instanceof Error ? e.message : String(e)})`,
    range: lines.range(0, 0),
  };
}
