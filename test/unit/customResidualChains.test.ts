/**
 * Custom layers whose call is a long residual chain (`x = x + block(x)` in a loop over sublayers
 * made in __init__): each step refers to the previous one twice, so the shape expression is a
 * DAG whose tree size doubles per step. Read as a tree (before), 12 blocks hit the size limit;
 * evaluated and checked per distinct node, a 50-block chain reads at once. Tests that would
 * never finish if any walk were exponential (2^50 nodes); no timings are asserted (bench/ has none
 * either: `node bin/convlens.js summary` on the 50-block file prints in about 0.1 s).
 *
 * Counts: Dense(64) on 64 features has 64·64 + 64 = 4,160 weights; the head Dense(10) has
 * (64 + 1)·10 = 650. test/engine/customLayerCrossCheck.test.ts builds the same tower in TF.js.
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { analyzeSource } from '../../src/core/analysis';
import type { ShapeExpr } from '../../src/core/model/customLayer';
import { ModelSpecSchema } from '../../src/core/model/specSchema';
import { toJsonReport } from '../../src/core/report/json';
import { analyzeModel } from '../../src/core/shapes/analyze';
import { buildPayload } from '../../src/panels/payload';
import { layerOf as layer, readPython as read, residualTower } from '../fixtures/customLayers';

const BLOCK = 64 * 64 + 64;
const HEAD = (64 + 1) * 10;

function specOf(lines: string[]): ReturnType<typeof analyzeSource>['specs'][number] {
  return analyzeSource(['import keras', 'import tensorflow as tf', 'from keras import layers, ops', ...lines].join('\n') + '\n', 'python').specs[0];
}

describe('custom layers with long residual chains', () => {
  for (const depth of [24, 50]) {
    it(`reads a ${depth}-block residual tower exactly, each Dense counted once under its Keras name`, () => {
      const [m] = read(...residualTower(depth, 64));
      assert.strictEqual(m.complete, true);
      const residual = layer(m, 'Residual');
      assert.deepStrictEqual([residual.outputShape, residual.params], [[null, 64], depth * BLOCK]);
      // Keras names the blocks dense … dense_{depth-1} as __init__ makes them; the head comes after.
      const names = [...(residual.formulas.params ?? '').matchAll(/(dense(?:_\d+)?) 4,160/g)].map((x) => x[1]);
      assert.deepStrictEqual(names, Array.from({ length: depth }, (_, i) => (i === 0 ? 'dense' : `dense_${i}`)));
      assert.deepStrictEqual([m.layers[2].name, m.layers[2].params], [`dense_${depth}`, HEAD]);
      assert.strictEqual(m.totalParams, depth * BLOCK + HEAD);
    });
  }

  it('24 blocks total 100,490 parameters (worked by hand: 24 · 4,160 + 650)', () => {
    assert.strictEqual(read(...residualTower(24, 64))[0].totalParams, 100_490);
  });

  it('reads steps that use a block output twice, and layers.add inside call', () => {
    const squared = read(...residualTower(50, 64, 'y = block(x)\nx = x + y * y'))[0];
    assert.deepStrictEqual([squared.complete, layer(squared, 'Residual').outputShape, squared.totalParams], [true, [null, 64], 50 * BLOCK + HEAD]);
    const added = read(...residualTower(50, 64, 'x = layers.add([x, block(x)])'))[0];
    assert.deepStrictEqual([added.complete, layer(added, 'Residual').outputShape, added.totalParams], [true, [null, 64], 50 * BLOCK + HEAD]);
    // x + x + block(x): three references per step, tree size 3^50.
    const triple = read(...residualTower(50, 64, 'x = (x + x + block(x)) / 3'))[0];
    assert.deepStrictEqual([triple.complete, triple.totalParams], [true, 50 * BLOCK + HEAD]);
  });

  it("reads 50 steps that each branch on training (both branches kept, as Keras decides them only when the model runs)", () => {
    const lines = residualTower(50, 64, 'if training:\n    x = x + self.drop(block(x))\nelse:\n    x = x + block(x)')
      .map((l) => l.replace('    def call(self, x):', '    def call(self, x, training=False):'));
    lines.splice(4, 0, '        self.drop = layers.Dropout(0.1)');
    const [m] = read(...lines);
    // Dropout has no weights, so applying it in one branch only changes no count.
    assert.deepStrictEqual([m.complete, layer(m, 'Residual').outputShape, m.totalParams], [true, [null, 64], 50 * BLOCK + HEAD]);
  });

  it('a mismatch deep in the chain is still found: a block of other width cannot be added to x', () => {
    const [m] = read(...residualTower(50, 64).map((l) => l.replace('layers.Dense(units, activation="relu") for _ in range(depth)', 'layers.Dense(units if i < 40 else 32) for i in range(depth)')));
    assert.strictEqual(m.complete, false);
    // Block 41 on: Dense(32) gives (None, 32), which cannot be added to the (None, 64) running sum.
    assert.match(layer(m, 'Residual').unknownReason ?? '', /shapes \(None, 64\) and \(None, 32\) do not broadcast/);
  });

  it('sends a 50-block chain across the worker boundary (structured clone), sharing kept, and refuses a cycle or a bad shared node', () => {
    const spec = specOf(residualTower(50, 64));
    const sent = structuredClone(spec);
    const received = v.parse(ModelSpecSchema, sent);
    // The schema's output is the message itself: its shared nodes are not copied out into a tree.
    assert.strictEqual(received.layers[1].custom?.output, sent.layers[1].custom?.output);
    assert.strictEqual(analyzeModel(received).totalParams, 50 * BLOCK + HEAD);

    const cyclic = structuredClone(spec);
    const top = cyclic.layers[1].custom!.output as Extract<ShapeExpr, { kind: 'broadcast' }>;
    (top.parts[0] as Extract<ShapeExpr, { kind: 'broadcast' }>).parts[0] = top;
    assert.strictEqual(v.safeParse(ModelSpecSchema, cyclic).success, false);

    const broken = structuredClone(spec);
    let node = broken.layers[1].custom!.output as Extract<ShapeExpr, { kind: 'broadcast' }>;
    for (let i = 0; i < 40; i++) node = node.parts[0] as typeof node;
    (node.parts[1] as { index: unknown }).index = 'block';
    assert.strictEqual(v.safeParse(ModelSpecSchema, broken).success, false);
  });

  it('keeps the expression out of what is sent as JSON: `summary --json` and the summary webview', () => {
    // JSON would write the DAG out as a tree (2^50 nodes); these carry the summary, not the spec.
    const analysis = analyzeSource(['import keras', 'from keras import layers', ...residualTower(50, 64)].join('\n') + '\n', 'python');
    for (const sent of [toJsonReport(analysis, 'deep.py'), buildPayload('file:///deep.py', 'deep.py', analysis, 0)]) {
      const text = JSON.stringify(sent);
      assert.ok(text.length < 200_000, `${text.length} characters`);
      assert.match(text, /208,?650/);
    }
  });

  it('still gives up, with the reason, on a chain too large or too deep to evaluate', () => {
    const deep = read(...residualTower(1000, 64))[0];
    assert.strictEqual(deep.complete, false);
    assert.match(layer(deep, 'Residual').unknownReason ?? '', /nests too many steps to evaluate/);
    const large = read(...residualTower(8000, 4, 'x = (x + x + block(x)) / 3'))[0];
    assert.match(layer(large, 'Residual').unknownReason ?? '', /too large an expression to evaluate/);
  });
});
