/**
 * The CLI as an npm package: `npm pack` builds the tarball (its `prepare` builds dist/), which
 * installs with `npm install -g` into a temporary prefix (dependencies from the registry or
 * npm's cache: TF.js, sharp, TypeScript), and the installed `convlens` command reads a Keras
 * file and trains on MNIST from there, far from this repository's node_modules.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The test's folder: the installed CLI's cache (its code cache) goes there, not to the user's. */
let cacheHome: string | undefined;

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  // No ConvLens overrides leak in: the installed package must find everything itself. Its
  // cache goes to the test's folder.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONVLENS_'))), ...(cacheHome ? { XDG_CACHE_HOME: cacheHome } : {}) };
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env, timeout: 240000 });
}

describe('the CLI package (npm pack, npm install -g)', function () {
  this.timeout(300000);
  let tmp: string;
  let convlens: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-npm-'));
    cacheHome = path.join(tmp, 'cache');
    const pack = run(NPM, ['pack', '--pack-destination', tmp, '--silent'], ROOT);
    assert.strictEqual(pack.status, 0, pack.stderr);
    const tarball = path.join(tmp, pack.stdout.trim().split('\n').pop() ?? '');
    assert.ok(fs.existsSync(tarball), tarball);
    const prefix = path.join(tmp, 'prefix');
    const install = run(NPM, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], tmp);
    assert.strictEqual(install.status, 0, install.stderr);
    convlens = path.join(prefix, 'bin', 'convlens');
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('installs a convlens command that reads a Keras file', () => {
    assert.ok(fs.existsSync(convlens), 'bin/convlens linked into the prefix');
    const model = path.join(tmp, 'lenet5.py');
    fs.copyFileSync(path.join(ROOT, 'examples', 'keras', 'lenet5.py'), model);
    const r = run(convlens, ['summary', model], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /Total params: 61,706/);
  });

  it('trains on MNIST from the installed package (its digits, TF.js and wasm binaries)', () => {
    const model = path.join(tmp, 'chollet_mnist_convnet.py');
    fs.copyFileSync(path.join(ROOT, 'examples', 'keras', 'chollet_mnist_convnet.py'), model);
    const r = run(convlens, ['train', model, '--data', 'mnist', '--epochs', '1', '--json'], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { status: string; runDir: string };
    assert.strictEqual(summary.status, 'completed');
    assert.ok(summary.runDir.startsWith(tmp), 'the run folder is beside the model');
  });
});
