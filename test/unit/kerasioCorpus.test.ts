/**
 * Issue #11: the keras.io examples as a corpus. Expected totals are Keras' own summaries,
 * copied from the cited pages (test/corpus/kerasio/expected.json). The hard rule: a model
 * ConvLens shows as complete must have exactly Keras' numbers; one it cannot read fully
 * must be shown incomplete, with a reason. The exact fraction is printed against the
 * issue's bar of 95%.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import type { ModelSummary } from '../../src/core/shapes/types';

interface Expected {
  file: string;
  model: string;
  total: number;
  trainable: number;
  nonTrainable: number;
  source: string;
  commit: string;
}

const ROOT = path.join(__dirname, '../corpus/kerasio');
const EXPECTED = (JSON.parse(fs.readFileSync(path.join(ROOT, 'expected.json'), 'utf8')) as { models: Expected[] }).models;

type Outcome = { kind: 'exact' } | { kind: 'incomplete'; reason: string } | { kind: 'wrong'; got: string } | { kind: 'missing'; why: string };

const cache = new Map<string, ModelSummary[]>();
function modelsOf(file: string): ModelSummary[] | undefined {
  const full = path.join(ROOT, 'src', file);
  if (!fs.existsSync(full)) return undefined;
  if (!cache.has(file)) cache.set(file, analyzeSource(fs.readFileSync(full, 'utf8'), 'python', full).models);
  return cache.get(file);
}

function outcome(e: Expected): Outcome {
  const models = modelsOf(e.file);
  if (!models) return { kind: 'missing', why: `src/${e.file} is not present` };
  const m = models.find((x) => x.name === e.model);
  if (!m) return { kind: 'missing', why: `no model '${e.model}' read from ${e.file}` };
  if (!m.complete) {
    const reasons = m.layers.map((l) => l.unknownReason).filter((r): r is string => r !== undefined);
    return { kind: 'incomplete', reason: reasons[0] ?? 'incomplete' };
  }
  const same = m.totalParams === e.total && m.trainableParams === e.trainable && m.nonTrainableParams === e.nonTrainable;
  return same ? { kind: 'exact' } : { kind: 'wrong', got: `${m.totalParams}/${m.trainableParams}/${m.nonTrainableParams}` };
}

describe('keras.io corpus (#11)', function () {
  const results = EXPECTED.map((e) => ({ e, o: outcome(e) }));
  const present = results.filter((r) => r.o.kind !== 'missing');

  before(function () {
    // The pages' code is not in git (test/corpus/kerasio/README.md says why and how to make
    // src/): without it there is nothing to check, and the suite says so instead of passing.
    if (present.length === 0) {
      console.log('      skipping the keras.io corpus: test/corpus/kerasio/src/ is absent (see its README)');
      this.skip();
    }
  });

  it('shows no model complete with numbers that differ from Keras\' summary', () => {
    const wrong = results.filter((r) => r.o.kind === 'wrong')
      .map((r) => `${r.e.file}:${r.e.model} read ${(r.o as { got: string }).got}, Keras ${r.e.total}/${r.e.trainable}/${r.e.nonTrainable} (${r.e.source})`);
    assert.deepStrictEqual(wrong, []);
  });

  it('gives every incomplete model a reason', () => {
    for (const r of results) if (r.o.kind === 'incomplete') assert.ok(r.o.reason.length > 0, `${r.e.file}:${r.e.model}`);
  });

  it('reads at least 95% of the models exactly (the issue\'s bar)', () => {
    const exact = present.filter((r) => r.o.kind === 'exact').length;
    const lines = results.map((r) => `  ${r.o.kind.padEnd(10)} ${r.e.file}:${r.e.model}` +
      (r.o.kind === 'incomplete' ? ` — ${r.o.reason}` : r.o.kind === 'missing' ? ` — ${r.o.why}` : ''));
    console.log(`    keras.io corpus: ${exact}/${present.length} exact (${(100 * exact / present.length).toFixed(1)}%)\n${lines.join('\n')}`);
    assert.ok(exact / present.length >= 0.95, `${exact}/${present.length} exact`);
  });
});
