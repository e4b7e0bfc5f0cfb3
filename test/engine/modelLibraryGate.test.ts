/**
 * Quiet for non-ML code: a file that never mentions Keras or TF.js is not parsed at all,
 * and every file that has a model (the examples, the snippets below) still reads it.
 * It runs with the engine tests, from tsc's out/: it counts calls of the readers by wrapping
 * their CommonJS exports, which tsx's read-only exports would not allow.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource, languageForFile, mentionsModelLibrary, readSource } from '../../src/core/analysis';
import type { SourceLanguage } from '../../src/core/model/spec';

const ROOT = path.resolve(__dirname, '../../..');

function exampleFiles(): string[] {
  const dir = path.join(ROOT, 'examples');
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => languageForFile(f) !== undefined);
}

/** Counts the calls of a module's exported function (the compiled modules are CommonJS, so calls go through `exports`). */
function countCalls(modulePath: string, name: string): { readonly count: number; restore(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(modulePath) as Record<string, (...args: unknown[]) => unknown>;
  const original = module[name];
  let count = 0;
  module[name] = (...args) => {
    count++;
    return original(...args);
  };
  return { get count() { return count; }, restore: () => { module[name] = original; } };
}

/** A long Python module of ordinary code: classes, comprehensions, numpy, file reading. */
function ordinaryPython(lines: number): string {
  const block = (i: number) => [
    'import json', 'import numpy as np', '',
    `class Record${i}:`, `    """Row ${i} of a CSV export."""`, '    def __init__(self, values):', '        self.values = [float(v) for v in values if v]',
    '    def mean(self):', '        return sum(self.values) / max(1, len(self.values))', '',
    `def load_${i}(path):`, '    with open(path) as f:', `        return [Record${i}(line.split(",")) for line in f]`, '',
    `TABLE_${i} = np.zeros((${i % 7 + 2}, 3))`, `print(json.dumps({"n": ${i}, "shape": TABLE_${i}.shape}))`, '',
  ];
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) out.push(...block(i));
  return out.join('\n');
}

/** ConvLens' own extension sources that do not touch TF.js: real TypeScript, several thousand lines. */
function ordinaryTypeScript(): string {
  const dirs = ['src/editor', 'src/host', 'src/panels', 'src/protocol', 'src/core/shapes', 'src/core/source/python'].map((d) => path.join(ROOT, d));
  const files = dirs.flatMap((d) => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).map((f) => path.join(d, f))).filter((f) => f.endsWith('.ts'));
  return files.map((f) => fs.readFileSync(f, 'utf8')).filter((t) => !mentionsModelLibrary(t, 'typescript')).join('\n');
}

describe('model library gate (quiet for non-ML code)', () => {
  it('reads every example exactly as the reader does without the gate', () => {
    const files = exampleFiles();
    assert.ok(files.length >= 15, `found ${files.length} examples`);
    for (const file of files) {
      const language = languageForFile(file)!;
      const text = fs.readFileSync(file, 'utf8');
      const read = readSource(text, language, file);
      const analysis = analyzeSource(text, language, file);
      assert.ok(read.models.length > 0, `${file} has a model`);
      assert.deepStrictEqual(analysis.specs, read.models, file);
      assert.deepStrictEqual(analysis.diagnostics, read.diagnostics, file);
    }
  });

  describe('does not parse a large file that never mentions Keras or TF.js', () => {
    const cases: [SourceLanguage, string, string, () => string, string][] = [
      ['python', 'python/reader', 'readPython', () => ordinaryPython(20000), 'import keras\n'],
      ['typescript', 'typescript/reader', 'readTypeScript', ordinaryTypeScript, "import * as tf from '@tensorflow/tfjs';\n"],
    ];
    for (const [language, reader, name, make, importLine] of cases) {
      it(language, () => {
        const text = make();
        assert.ok(text.split('\n').length > 3000, `the ordinary ${language} file has ${text.split('\n').length} lines`);
        const calls = countCalls(path.join(ROOT, 'out', 'src', 'core', 'source', reader), name);
        try {
          assert.deepStrictEqual(analyzeSource(text, language), { language, specs: [], models: [], diagnostics: [] });
          assert.strictEqual(calls.count, 0, `${name} was not called`);
          // The same text with the library imported is parsed: the count above measures the reader.
          analyzeSource(importLine + text, language);
          assert.strictEqual(calls.count, 1, `${name} was called once the library is imported`);
        } finally {
          calls.restore();
        }
      });
    }
  });

  it('reads every spelling of the import that the readers understand', () => {
    const dense = 'Sequential([layers.Dense(4, input_shape=(8,))])';
    const python = [
      `import keras\nfrom keras import layers\nm = keras.${dense}\n`,
      `from tensorflow import keras\nfrom tensorflow.keras import layers\nm = keras.${dense}\n`,
      `import tensorflow as tf\nlayers = tf.keras.layers\nm = tf.keras.${dense}\n`,
    ];
    for (const text of python) assert.strictEqual(analyzeSource(text, 'python').models.length, 1, text);
    const model = 'tf.sequential({layers: [tf.layers.dense({units: 4, inputShape: [8]})]})';
    const typescript = [
      `import * as tf from '@tensorflow/tfjs';\nconst m = ${model};\n`,
      `const tf = require('@tensorflow/tfjs-node');\nconst m = ${model};\n`,
      `const tf = await import("@tensorflow/tfjs");\nconst m = ${model};\n`,
    ];
    for (const text of typescript) assert.strictEqual(analyzeSource(text, 'typescript').models.length, 1, text);
  });

  it('skips only what the readers could not read anyway: `tf.` without an import, TensorFlow without Keras', () => {
    const globalTf = 'const m = tf.sequential({layers: [tf.layers.dense({units: 4, inputShape: [8]})]});\n';
    assert.strictEqual(mentionsModelLibrary(globalTf, 'typescript'), false);
    assert.strictEqual(readSource(globalTf, 'typescript').models.length, 0);
    const tensorflowOnly = 'import tensorflow as tf\nx = tf.constant([[1.0, 2.0]])\ny = tf.nn.relu(x)\n';
    assert.strictEqual(mentionsModelLibrary(tensorflowOnly, 'python'), false);
    assert.strictEqual(readSource(tensorflowOnly, 'python').models.length, 0);
  });
});
