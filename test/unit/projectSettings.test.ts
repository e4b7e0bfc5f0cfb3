/** convlens.json training settings: common values, per-model overrides, bad input ignored. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readProjectChoices } from '../../src/training/projectSettings';

describe('convlens.json training settings', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-project-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads common settings and lets a model override them', () => {
    fs.writeFileSync(path.join(root, 'convlens.json'), JSON.stringify({
      training: { data: 'mnist', epochs: 5, batchSize: 64, models: { cnn: { epochs: 10, data: 'data/cats_vs_dogs', stepsPerEpoch: 100, validationSteps: 50 } } },
    }));
    assert.deepStrictEqual(readProjectChoices(root, 'other'), { choices: { data: 'mnist', epochs: 5, batchSize: 64 } });
    assert.deepStrictEqual(readProjectChoices(root, 'cnn'), { choices: { data: 'data/cats_vs_dogs', epochs: 10, batchSize: 64, stepsPerEpoch: 100, validationSteps: 50 } });
  });

  it('ignores wrong types, and reports invalid JSON without failing', () => {
    fs.writeFileSync(path.join(root, 'convlens.json'), JSON.stringify({ training: { epochs: 'ten', seed: 7, batchSize: null } }));
    assert.deepStrictEqual(readProjectChoices(root, 'm'), { choices: { seed: 7 } });
    fs.writeFileSync(path.join(root, 'convlens.json'), '{ "training": ');
    const bad = readProjectChoices(root, 'm');
    assert.deepStrictEqual(bad.choices, {});
    assert.match(bad.error ?? '', /convlens\.json is not valid JSON/);
  });

  it('is empty without a file or a workspace', () => {
    assert.deepStrictEqual(readProjectChoices(root, 'm'), { choices: {} });
    assert.deepStrictEqual(readProjectChoices(undefined, 'm'), { choices: {} });
  });
});
