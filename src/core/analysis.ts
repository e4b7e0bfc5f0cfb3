/**
 * The analysis core's front door: source text in, model summaries out. Used by the CLI,
 * the editor features and the tests alike. Never executes the user's code.
 */
import * as path from 'path';
import type { DataGeneratorSpec, Diagnostic, ModelSpec, ReadResult, SourceLanguage } from './model/spec';
import { analyzeModel } from './shapes/analyze';
import type { ModelSummary } from './shapes/types';
import { readPython } from './source/python/reader';
import type * as TypeScriptReader from './source/typescript/reader';

export interface FileAnalysis {
  language: SourceLanguage;
  /** What the reader found, index-aligned with `models` (for what-if re-analysis and training). */
  specs: ModelSpec[];
  models: ModelSummary[];
  /** The ImageDataGenerators the file defines (Python), in source order; absent: none. */
  generators?: DataGeneratorSpec[];
  /** Problems not tied to a model: syntax errors, unreadable constructs. */
  diagnostics: Diagnostic[];
}

const EXTENSIONS: Record<string, SourceLanguage> = {
  '.py': 'python', '.pyw': 'python',
  '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.js': 'typescript', '.jsx': 'typescript', '.mjs': 'typescript', '.cjs': 'typescript',
};

/** The language ConvLens reads a file as, from its extension; undefined when unsupported. */
export function languageForFile(file: string): SourceLanguage | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/** VS Code language ids ConvLens reads. */
export function languageForId(languageId: string): SourceLanguage | undefined {
  if (languageId === 'python') return 'python';
  if (['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].includes(languageId)) return 'typescript';
  return undefined;
}

export function readSource(text: string, language: SourceLanguage, fileName?: string): ReadResult {
  if (language === 'python') return readPython(text);
  // Loaded on first use: the TypeScript compiler is large, and Python users never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('./source/typescript/reader') as typeof TypeScriptReader;
  return ts.readTypeScript(text, fileName ?? 'model.ts');
}

/**
 * The text every file with a readable model contains, per language. The readers only
 * evaluate library values that come from an import, so:
 * - Python: every API the reader knows lies under `keras` once spelled canonically
 *   (`tensorflow.keras` and `tf.keras` are `keras`), and no spelling reaches it without the
 *   word `keras` in the file (`import keras`, `from tensorflow import keras`, `tf.keras.layers`);
 *   `import tensorflow as tf` alone gives nothing the reader evaluates.
 * - TypeScript/JavaScript: TF.js values come only from importing or requiring one of the
 *   `@tensorflow/tfjs*` packages; a global `tf` (a script tag) is not read, so `tf.` proves nothing.
 * A plain substring search, so a mention in a comment also counts: it may parse a file
 * needlessly, but never skips one that has a model.
 */
const MODEL_LIBRARY_MARKER: Record<SourceLanguage, string> = {
  python: 'keras',
  typescript: '@tensorflow/tfjs',
};

/** Whether the text could contain a model ConvLens reads: a scan far cheaper than parsing. */
export function mentionsModelLibrary(text: string, language: SourceLanguage): boolean {
  return text.includes(MODEL_LIBRARY_MARKER[language]);
}

/**
 * Models and problems in one file. A file that never mentions Keras or TF.js is not parsed
 * at all, so editing ordinary Python or TypeScript costs nothing and shows nothing.
 */
export function analyzeSource(text: string, language: SourceLanguage, fileName?: string): FileAnalysis {
  if (!mentionsModelLibrary(text, language)) return { language, specs: [], models: [], diagnostics: [] };
  const read = readSource(text, language, fileName);
  const models = read.models.map((m) => analyzeModel(m));
  return { language, specs: read.models, models: models.map((m) => asUsedInside(m, models)), ...(read.generators ? { generators: read.generators } : {}), diagnostics: read.diagnostics };
}

/**
 * A model without an input shape that another model applies to a tensor (Chollet's
 * `data_augmentation = keras.Sequential([...])`, then `x = data_augmentation(inputs)`)
 * gets its shapes from that first use, as Keras builds it there.
 */
function asUsedInside(own: ModelSummary, all: ModelSummary[]): ModelSummary {
  if (own.inputShapes.every((s) => s !== null)) return own;
  for (const outer of all) {
    for (const layer of outer.layers) {
      const used = layer.nested;
      const same = used?.name === own.name && used.range.start.line === own.range.start.line && used.range.start.column === own.range.start.column;
      if (same && used.inputShapes.every((s) => s !== null)) return used;
    }
  }
  return own;
}

/** All diagnostics of a file, file-level first, then each model's. */
export function allDiagnostics(analysis: FileAnalysis): Diagnostic[] {
  return [...analysis.diagnostics, ...analysis.models.flatMap((m) => m.diagnostics)];
}
