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
import { syntaxDiagnostics } from './syntax';

export function readPython(text: string): ReadResult {
  resetAllocation();
  const lines = new LineIndex(text);
  const runtime = new ModelRuntime('python');
  const diagnostics: Diagnostic[] = [];
  let interpreter: Interpreter | undefined;
  try {
    const tree = parser.parse(text);
    diagnostics.push(...syntaxDiagnostics(tree, text, lines));
    interpreter = new Interpreter(text, lines, runtime);
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
  return {
    language: 'python',
    models,
    ...(generators.length > 0 ? { generators } : {}),
    diagnostics: [...diagnostics, ...(interpreter?.diagnostics ?? []), ...runtime.diagnostics, ...runtime.generators.diagnostics],
  };
}

function internalError(e: unknown, lines: LineIndex): Diagnostic {
  return {
    severity: 'warning',
    message: `ConvLens stopped reading this file (internal error: ${e instanceof Error ? e.message : String(e)})`,
    range: lines.range(0, 0),
  };
}
