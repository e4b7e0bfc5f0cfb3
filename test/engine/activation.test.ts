/** Activation stays cheap: checked on the built bundle (dist/extension.js) by bench/activation.js. */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');

describe('activation (built dist/)', () => {
  it('activating the extension loads neither tfjs nor the TypeScript compiler (bench/activation.js)', function () {
    this.timeout(30000);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'activation.js')], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /tfjs loaded: false; TypeScript compiler loaded: false/);
    assert.match(r.stdout, /activate\(\): [\d.]+ ms \(\d+ disposables registered\)/);
  });
});
