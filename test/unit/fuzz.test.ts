/**
 * Robustness: the readers and the shape engine get truncated, mutated and random sources
 * and must neither throw nor hang. Seeds are the real example files, so mutations land in
 * code that reaches deep into the evaluator. fast-check makes the runs reproducible (seeded).
 */
import * as assert from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource, readSource } from '../../src/core/analysis';
import type { SourceLanguage } from '../../src/core/model/spec';
import { PATCH_ENCODER, RESIDUAL_BLOCK, SIAMESE_TOWERS, TRANSFORMER_CLASSIFIER } from '../fixtures/customLayers';
import { CLASS_TOKEN, EINSUM_ATTENTION, HEADS, PATCH_MERGE, UP_PAD } from '../fixtures/customShapeLayers';

const ROOT = path.resolve(__dirname, '../..');

function examples(dir: string): string[] {
  const full = path.join(ROOT, 'examples', dir);
  return fs.readdirSync(full).filter((f) => /\.(py|ts|js)$/.test(f)).map((f) => fs.readFileSync(path.join(full, f), 'utf8'));
}

/** No single read may take this long: a generous bound that only a hang (or a runaway loop) reaches. */
const HANG_MS = 3000;

function mustSurvive(text: string, language: SourceLanguage): void {
  const t0 = Date.now();
  let result;
  try {
    const fileName = language === 'python' ? 'fuzz.py' : 'fuzz.ts';
    // The reader itself, also on text that analyzeSource skips for not mentioning Keras or TF.js.
    readSource(text, language, fileName);
    result = analyzeSource(text, language, fileName);
  } catch (e) {
    assert.fail(`reader threw ${String(e)} on:\n${text.slice(0, 400)}`);
  }
  const elapsed = Date.now() - t0;
  assert.ok(elapsed < HANG_MS, `read took ${elapsed} ms on:\n${text.slice(0, 400)}`);
  assert.ok(Array.isArray(result.models) && Array.isArray(result.diagnostics));
  JSON.stringify(result); // summaries must stay serialisable (they cross to webviews and the CLI)
}

const PY_TOKENS = ['model', '=', 'keras', '.', 'layers', 'Conv2D', '(', ')', '[', ']', ',', ':', '\n', '    ', 'for', 'in', 'range',
  'def', 'return', 'x', '32', '3', '-1', '**', 'add', 'Sequential', 'Input', 'shape', '(28, 28, 1)', 'while', 'True', 'if', 'else', 'lambda', '"same"', '#'];
const TS_TOKENS = ['const', 'model', '=', 'tf', '.', 'layers', 'conv2d', '(', ')', '{', '}', '[', ']', ',', ':', ';', '\n', 'for', 'of',
  'let', 'i', '<', '++', 'function', 'return', 'x', '32', 'apply', 'sequential', 'input', 'shape', 'while', 'true', '=>', 'filters', 'kernelSize', '/*', '`'];

function cases(seeds: string[], tokens: string[]): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  const truncated = fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => s.slice(0, Math.floor(s.length * f)));
  const mutated = fc.tuple(seed, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 6 }))
    .map(([s, edits]) => edits.reduce((acc, [at, del, ins]) => {
      const i = acc.length === 0 ? 0 : at % acc.length;
      return acc.slice(0, i) + ins + acc.slice(i + del);
    }, s));
  const tokenSoup = fc.array(fc.constantFrom(...tokens), { maxLength: 200 }).map((t) => t.join(' '));
  const random = fc.string({ unit: 'binary', maxLength: 500 });
  return fc.oneof(truncated, mutated, tokenSoup, random);
}

describe('reader robustness (fuzz)', function () {
  this.timeout(300000);

  it('never throws or hangs on truncated, mutated and random Python', () => {
    fc.assert(fc.property(cases(examples('keras').concat(examples('broken')), PY_TOKENS), (text) => mustSurvive(text, 'python')), { numRuns: 400, seed: 2024 });
  });

  it("never throws or hangs on mutated custom layers (their call's shape code, slices and branches)", () => {
    const model = 'inputs = keras.Input((16, 8))\nx = PatchMerge((4, 4), 8)(inputs)\nmodel = keras.Model(inputs, x)\n';
    const seeds = [PATCH_MERGE, [...CLASS_TOKEN, ...HEADS], EINSUM_ATTENTION, UP_PAD, RESIDUAL_BLOCK, PATCH_ENCODER, SIAMESE_TOWERS, TRANSFORMER_CLASSIFIER]
      .map((lines) => ['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n') + '\n' + model);
    fc.assert(fc.property(cases(seeds, PY_TOKENS.concat(['len', 'shape', 'training', 'ops.einsum', '...', 'None', '::2', 'raise'])), (text) => mustSurvive(text, 'python')), { numRuns: 300, seed: 2026 });
  });

  it('never throws or hangs on truncated, mutated and random TypeScript/JavaScript', () => {
    fc.assert(fc.property(cases(examples('tfjs'), TS_TOKENS), (text) => mustSurvive(text, 'typescript')), { numRuns: 400, seed: 2024 });
  });

  it('terminates runaway loops and recursion with a diagnostic', () => {
    const py = analyzeSource('import keras\ndef f(n):\n    return f(n + 1)\nf(0)\nwhile True:\n    pass\nfor i in range(10**12):\n    x = i\n', 'python');
    assert.ok(py.diagnostics.length > 0);
    const ts = analyzeSource("import * as tf from '@tensorflow/tfjs';\n" + 'function f(n) { return f(n + 1); }\nf(0);\nwhile (true) {}\nfor (let i = 0; i < 1e12; i++) {}\n', 'typescript');
    assert.ok(ts.diagnostics.length > 0);
  });
});
