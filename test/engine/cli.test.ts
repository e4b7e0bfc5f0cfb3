/**
 * The `convlens` CLI: run in-process through runCli for most cases, and once as a real
 * process through bin/convlens.js (built by `npm run build`) to check exit codes end to end.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import type { JsonReport } from '../../src/core/report/json';

const ROOT = path.resolve(__dirname, '../../..');
const example = (p: string): string => path.join(ROOT, 'examples', p);

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

describe('convlens CLI', () => {
  it('prints a Keras-style summary with totals and formulas', () => {
    const r = run(['summary', example('keras/chollet_mnist_convnet.py')]);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /Model: "sequential"/);
    assert.match(r.out, /│ conv2d \(Conv2D\)\s+│ \(None, 26, 26, 32\)\s+│\s+320 │/);
    assert.match(r.out, /│ dense_1 \(Dense\)\s+│ \(None, 10\)\s+│\s+650 │/);
    assert.match(r.out, / Total params: 93,322 \(364\.54 KB\)/);
    assert.match(r.out, / Non-trainable params: 0 \(0\.00 B\)/);
    assert.match(r.out, /params: \(3·3·1 \+ 1\)·32 = 320/);
    assert.match(r.out, /height, width: ⌊\(28 − 3 \+ 2·0\)\/1⌋ \+ 1 = 26/);
  });

  it('prints JSON in the documented shape', () => {
    const r = run(['summary', example('keras/chollet_mnist_convnet.py'), '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const report = JSON.parse(r.out) as JsonReport;
    assert.strictEqual(report.models.length, 1);
    const m = report.models[0];
    assert.strictEqual(m.name, 'model');
    assert.strictEqual(m.totalParams, 93322);
    assert.strictEqual(m.trainableParams, 93322);
    assert.strictEqual(m.nonTrainableParams, 0);
    assert.strictEqual(m.complete, true);
    assert.ok(!('totalParamsAtLeast' in m), 'a lower bound only when the total is unknown');
    assert.deepStrictEqual(m.diagnostics, []);
    const conv = m.layers[0];
    assert.deepStrictEqual(Object.keys(conv).sort(), ['className', 'formula', 'name', 'nonTrainableParams', 'outputShape', 'params', 'range', 'trainableParams'].sort());
    assert.deepStrictEqual(conv.outputShape, [null, 26, 26, 32]);
    assert.strictEqual(conv.name, 'conv2d');
    assert.ok(conv.range.start.line >= 1 && conv.range.start.column >= 1);
    assert.ok(m.range.start.line >= 1);
  });

  it('prints an unknown total as null with its lower bound beside it, never as a number', () => {
    // keras.io's siamese network with a contrastive loss, shortened, its distance function
    // imported from a module ConvLens does not read: the Lambda's output shape cannot be
    // known statically, so neither can the Dense after it, nor the siamese model's totals.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-'));
    const file = path.join(tmp, 'siamese.py');
    fs.writeFileSync(file, [
      'import keras',
      'from keras import layers',
      'from distances import euclidean_distance',
      'input = layers.Input((28, 28, 1))',
      'x = layers.Conv2D(4, (5, 5), activation="tanh")(input)',
      'x = layers.AveragePooling2D(pool_size=(2, 2))(x)',
      'x = layers.Flatten()(x)',
      'x = layers.Dense(10, activation="tanh")(x)',
      'embedding = keras.Model(input, x, name="embedding")',
      'input_1 = layers.Input((28, 28, 1))',
      'input_2 = layers.Input((28, 28, 1))',
      'merge = layers.Lambda(euclidean_distance)([embedding(input_1), embedding(input_2)])',
      'siamese = keras.Model(inputs=[input_1, input_2], outputs=layers.Dense(1)(merge))',
    ].join('\n'));
    const report = JSON.parse(run(['summary', file, '--json']).out) as JsonReport;
    const [embedding, siamese] = report.models;
    // Conv2D(4, 5×5) on 1 channel: (5·5·1 + 1)·4 = 104; 28 → 24, pool → 12, flatten 12·12·4 = 576;
    // Dense(10) on 576: (576 + 1)·10 = 5,770. Total 104 + 5,770 = 5,874, float32: 4 bytes each.
    assert.deepStrictEqual(
      [embedding.complete, embedding.totalParams, embedding.trainableParams, embedding.nonTrainableParams, embedding.sizeBytes, embedding.totalParamsAtLeast],
      [true, 5874, 5874, 0, 5874 * 4, undefined]);
    // The siamese model counts the tower once (not 2·5,874) and the rest is unknown.
    assert.deepStrictEqual(
      [siamese.complete, siamese.totalParams, siamese.trainableParams, siamese.nonTrainableParams, siamese.sizeBytes],
      [false, null, null, null, null]);
    assert.deepStrictEqual(
      [siamese.totalParamsAtLeast, siamese.trainableParamsAtLeast, siamese.nonTrainableParamsAtLeast, siamese.sizeBytesAtLeast],
      [5874, 5874, 0, 5874 * 4]);
  });

  it('uses TF.js names and layout with --style tfjs', () => {
    const r = run(['summary', example('tfjs/chollet_mnist_convnet.ts'), '--style', 'tfjs']);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /conv2d_Conv2D1 \(Conv2D\)\s+\[null,26,26,32\]\s+320/);
    assert.match(r.out, /Total params: 93322/);
  });

  it('gives the same summary for the Keras and TF.js versions of one net', () => {
    const py = JSON.parse(run(['summary', example('keras/chollet_mnist_convnet.py'), '--json']).out) as JsonReport;
    const ts = JSON.parse(run(['summary', example('tfjs/chollet_mnist_convnet.ts'), '--json']).out) as JsonReport;
    const strip = (r: JsonReport): unknown => r.models.map((m) => ({
      total: m.totalParams, layers: m.layers.map((l) => [l.className, l.outputShape, l.params, l.formula]),
    }));
    assert.deepStrictEqual(strip(ts), strip(py));
  });

  it('exits 0 with diagnostics for a broken model', () => {
    const r = run(['summary', example('broken/kernel_too_big.py')]);
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /Diagnostics:\n.*kernel_too_big\.py:\d+:\d+: error: .*larger than the input/);
  });

  it('reads what it can from a file with a syntax error', () => {
    const r = run(['summary', example('broken/syntax_error.py'), '--json']);
    assert.strictEqual(r.code, 0);
    const report = JSON.parse(r.out) as JsonReport;
    assert.ok(report.models.length >= 1, 'the model before the error is still read');
    assert.ok(report.diagnostics.some((d) => d.severity === 'error' && /syntax/i.test(d.message)));
  });

  it('exits 2 with one line for a missing file, a directory and an unsupported language', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-'));
    const txt = path.join(tmp, 'model.txt');
    fs.writeFileSync(txt, 'hello');
    for (const [args, pattern] of [
      [['summary', path.join(tmp, 'nope.py')], /^convlens: no such file: .*nope\.py\n$/],
      [['summary', tmp], /^convlens: .* is a directory/],
      [['summary', txt], /^convlens: unsupported file type: .*model\.txt/],
    ] as [string[], RegExp][]) {
      const r = run(args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.err, pattern);
      assert.strictEqual(r.err.trim().split('\n').length, 1);
      assert.strictEqual(r.out, '');
    }
  });

  it('exits 2 on bad usage', () => {
    assert.strictEqual(run(['summary']).code, 2);
    assert.strictEqual(run(['summary', 'x.py', '--style', 'pytorch']).code, 2);
    assert.strictEqual(run(['frobnicate']).code, 2);
  });

  it('works as a real process through bin/convlens.js', function () {
    this.timeout(20000);
    const bin = path.join(ROOT, 'bin', 'convlens.js');
    const ok = spawnSync(process.execPath, [bin, 'summary', example('keras/vgg16.py'), '--json'], { encoding: 'utf8' });
    assert.strictEqual(ok.status, 0, ok.stderr);
    assert.strictEqual((JSON.parse(ok.stdout) as JsonReport).models[0].totalParams, 138357544);
    // The summary path never loads tfjs (bench/report-rss.js reports what was required).
    const probe = spawnSync(process.execPath, ['--require', path.join(ROOT, 'bench', 'report-rss.js'), bin, 'summary', example('tfjs/vgg16.js')], { encoding: 'utf8' });
    assert.strictEqual(probe.status, 0, probe.stderr);
    assert.match(probe.stderr, /BENCH_LOADED_TFJS false/);
    const missing = spawnSync(process.execPath, [bin, 'summary', 'does-not-exist.py'], { encoding: 'utf8' });
    assert.strictEqual(missing.status, 2);
    assert.strictEqual(missing.stderr, 'convlens: no such file: does-not-exist.py\n');
  });

  it('prints the same through its code cache as without one (bin/codeCache.js)', function () {
    this.timeout(30000);
    const bin = path.join(ROOT, 'bin', 'convlens.js');
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-cli-cache-'));
    try {
      const summary = (env: Record<string, string>): string => {
        const r = spawnSync(process.execPath, [bin, 'summary', example('keras/residual_functional.py')], { encoding: 'utf8', env: { ...process.env, CONVLENS_CACHE: cacheDir, ...env } });
        assert.strictEqual(r.status, 0, r.stderr);
        return r.stdout;
      };
      const compiled = summary({ CONVLENS_NO_CODE_CACHE: '1' });
      assert.match(compiled, /Total params: /);
      assert.strictEqual(summary({}), compiled); // compiles, and writes the cache at exit
      assert.deepStrictEqual(fs.readdirSync(path.join(cacheDir, 'v8')).map((f) => f.split('-')[2]), ['summary']);
      assert.strictEqual(summary({}), compiled); // runs the bundle from the cache
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
