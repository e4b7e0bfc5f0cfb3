/**
 * Fine-tuning choices on a spec (core/model/trainable.ts), read back through the shape engine:
 * Chollet's frozen VGG16 base unfrozen as a whole, a head layer frozen, and `--freeze-until`.
 * The figures are the example's own (examples/keras/transfer_learning_vgg16.py: base 14,714,688,
 * head 3,277,056 + 257).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource } from '../../src/core/analysis';
import { freezeUntil, withTrainable } from '../../src/core/model/trainable';
import { analyzeModel } from '../../src/core/shapes/analyze';

const source = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'keras', 'transfer_learning_vgg16.py'), 'utf8');
const model = () => {
  const analysis = analyzeSource(source, 'python');
  return analysis.specs[analysis.specs.length - 1];
};
const totals = (spec: ReturnType<typeof model>) => {
  const s = analyzeModel(spec);
  return [s.trainableParams, s.nonTrainableParams];
};

describe('fine-tuning choices: which layers train', () => {
  it('as written: the VGG16 base frozen, the head trained', () => {
    assert.deepStrictEqual(totals(model()), [3277313, 14714688]);
  });

  it('unfreezes a nested base as a whole, as Keras\' conv_base.trainable = True does', () => {
    const spec = withTrainable(model(), { vgg16: true });
    assert.deepStrictEqual(totals(spec), [17992001, 0]);
    const base = spec.layers.find((l) => l.name === 'vgg16')!.nested!;
    assert.strictEqual(base.trainable, undefined);
    assert.ok(base.layers.every((l) => l.config.trainable === true), 'every layer inside the base trains');
  });

  it('freezes a head layer, and leaves the layers it was not told about as they were', () => {
    assert.deepStrictEqual(totals(withTrainable(model(), { dense: false })), [257, 14714688 + 3277056]);
    assert.strictEqual(withTrainable(model(), {}).layers.length, model().layers.length);
  });

  it('--freeze-until: that layer and every one before it frozen; an unknown layer is undefined', () => {
    const spec = model();
    const flags = freezeUntil(spec, 'dense')!;
    assert.deepStrictEqual(Object.keys(flags), ['input_layer_1', 'sequential', 'preprocess_input', 'vgg16', 'flatten', 'dense']);
    assert.ok(Object.values(flags).every((f) => !f));
    assert.deepStrictEqual(totals(withTrainable(spec, flags)), [257, 17991744]);
    assert.strictEqual(freezeUntil(spec, 'no_such_layer'), undefined);
  });
});
