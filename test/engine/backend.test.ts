/**
 * Backend selection (src/core/engine/backend/select.ts). On this machine the native packages
 * (@tensorflow/tfjs-node, -gpu) are not installed, so 'auto' must land on wasm. The native
 * paths are exercised with a stand-in loader that registers a backend the way tfjs-node does
 * (in the shared engine).
 */

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  probeBackends,
  selectBackend,
  wasmBinaryDir,
} from '../../src/core/engine/backend/select';

/** Node's require, except for the ids given, which throw or return what `fakes` says. */
function loaderWith(fakes: Record<string, () => unknown>): (id: string) => unknown {
  const nodeRequire: NodeRequire = require;
  return (id) => (id in fakes ? fakes[id]() : (nodeRequire(id) as unknown));
}

describe('backend selection', function () {
  this.timeout(60000);
  after(async () => {
    await tf.setBackend('cpu');
  });

  it('auto picks wasm here and says why the native backends were skipped', async () => {
    const lines: string[] = [];
    const info = await selectBackend(tf, 'auto', { log: (l) => lines.push(l) });
    assert.strictEqual(info.name, 'wasm');
    assert.strictEqual(info.tfBackend, 'wasm');
    assert.strictEqual(tf.getBackend(), 'wasm');
    assert.deepStrictEqual(info.tried.map((t) => t.name), ['tensorflow-gpu', 'tensorflow']);
    assert.match(info.tried[0].error, /@tensorflow\/tfjs-node-gpu is not installed/);
    assert.match(info.tried[1].error, /@tensorflow\/tfjs-node is not installed \(its install step downloads libtensorflow/);
    assert.match(info.reason ?? '', /tensorflow-gpu, tensorflow unavailable/);
    assert.ok(lines.some((l) => l.startsWith('TF.js backend: wasm')), lines.join('\n'));
    // It computes.
    const y = tf.tidy(() => tf.conv2d(tf.ones<tf.Rank.R4>([1, 4, 4, 1]), tf.ones<tf.Rank.R4>([3, 3, 1, 1]), 1, 'valid'));
    assert.deepStrictEqual(Array.from(await y.data()), [9, 9, 9, 9]);
    y.dispose();
  });

  it('a forced native backend that is not installed rejects with one clear line', async () => {
    await assert.rejects(selectBackend(tf, 'tensorflow'), (e: unknown) => {
      assert.ok(e instanceof BackendUnavailableError);
      assert.strictEqual(e.backend, 'tensorflow');
      assert.match(e.message, /^Backend "tensorflow" is not available: @tensorflow\/tfjs-node is not installed .*; use "wasm" or "cpu", or run "ConvLens: Install Native Backend"$/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
    await assert.rejects(selectBackend(tf, 'tensorflow-gpu'), /Backend "tensorflow-gpu" is not available: @tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('a native package that fails to load (libtensorflow missing) reports the first line of the error', async () => {
    const requireModule = loaderWith({
      '@tensorflow/tfjs-node': () => {
        throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions..node');
      },
    });
    await assert.rejects(selectBackend(tf, 'tensorflow', { requireModule }),
      /^BackendUnavailableError: Backend "tensorflow" is not available: @tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2: cannot open shared object file: No such file or directory; use/);
  });

  it('a native package that registers its backend in the shared engine is selected on the tf given', async () => {
    // What tfjs-node does on require: registerBackend('tensorflow', ...) in the global engine.
    // A cpu backend instance stands in for the native one.
    const cpuFactory = tf.findBackendFactory('cpu');
    const requireModule = loaderWith({
      '@tensorflow/tfjs-node-gpu': () => {
        const e = new Error("Cannot find module '@tensorflow/tfjs-node-gpu'") as Error & { code: string };
        e.code = 'MODULE_NOT_FOUND';
        throw e;
      },
      '@tensorflow/tfjs-node': () => {
        if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', cpuFactory, 3);
        return { version: { 'tfjs-core': tf.version['tfjs-core'] } };
      },
    });
    try {
      const info = await selectBackend(tf, 'auto', { requireModule });
      assert.strictEqual(info.name, 'tensorflow');
      assert.strictEqual(info.tfBackend, 'tensorflow');
      assert.strictEqual(tf.getBackend(), 'tensorflow');
      assert.deepStrictEqual(info.tried.map((t) => t.name), ['tensorflow-gpu']);
      const probes = probeBackends(tf, { requireModule });
      assert.deepStrictEqual(probes.map((p) => [p.name, p.available]),
        [['tensorflow-gpu', false], ['tensorflow', true], ['wasm', true], ['cpu', true]]);
    } finally {
      await tf.setBackend('cpu');
      tf.removeBackend('tensorflow');
    }
  });

  it('a native package that loads but registers nothing visible to this tf is refused', async () => {
    const requireModule = loaderWith({ '@tensorflow/tfjs-node': () => ({}) });
    await assert.rejects(selectBackend(tf, 'tensorflow', { requireModule }), /registered no "tensorflow" backend in this TF.js engine/);
  });

  it('forcing cpu works', async () => {
    const info = await selectBackend(tf, 'cpu');
    assert.deepStrictEqual(info, { name: 'cpu', tfBackend: 'cpu', reason: 'forced by the setting', tried: [] });
    assert.strictEqual(tf.getBackend(), 'cpu');
  });

  it('forcing wasm works and can be repeated after the backend is initialised', async () => {
    await selectBackend(tf, 'wasm');
    await tf.setBackend('cpu');
    const info = await selectBackend(tf, 'wasm');
    assert.strictEqual(info.tfBackend, 'wasm');
  });

  it('probeBackends lists availability without switching the active backend', async () => {
    await tf.setBackend('cpu');
    const probes = probeBackends(tf);
    assert.strictEqual(tf.getBackend(), 'cpu');
    const byName = Object.fromEntries(probes.map((p) => [p.name, p]));
    assert.deepStrictEqual(probes.map((p) => p.name), ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    assert.strictEqual(byName['tensorflow-gpu'].available, false);
    assert.strictEqual(byName.tensorflow.available, false);
    assert.match(byName.tensorflow.reason ?? '', /@tensorflow\/tfjs-node is not installed/);
    assert.strictEqual(byName.wasm.available, true);
    assert.strictEqual(byName.cpu.available, true);
  });

  it('finds the wasm binaries from the package location at run time', () => {
    const dir = wasmBinaryDir();
    assert.ok(dir.endsWith(path.sep));
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) assert.ok(fs.existsSync(path.join(dir, f)), f);
  });

  it('rejects an unknown preference', async () => {
    await assert.rejects(selectBackend(tf, 'webgpu' as never), /Unknown backend "webgpu"/);
  });

  it('importing the module loads no TF.js package', () => {
    const mod = require.resolve('../../src/core/engine/backend/select');
    const script = `require(${JSON.stringify(mod)}); console.log(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length)`;
    assert.strictEqual(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim(), '0');
  });
});
