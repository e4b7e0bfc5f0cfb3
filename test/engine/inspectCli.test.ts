/**
 * `convlens activations | filters | gradcam`: the --json shapes of issue 9, the PNG files they
 * write, `<model>` as a run folder or a source file + --model, and exit 2 with one line for
 * each bad input (no such run, unreadable image, a layer that is not a conv layer, a model
 * without conv layers). In-process through runInspectCli, on the cpu backend.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runInspectCli } from '../../src/cli/inspect';
import { loadSharp } from '../../src/core/engine/data/sharp';
import { trainedRun, type TrainedRun } from './inspectFixture';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInspectCli([...args, '--backend', 'cpu'], { out: (s) => { out += `${s}\n`; }, err: (s) => { err += `${s}\n`; } });
  return { code, out, err };
}

async function pngSize(file: string): Promise<[number, number]> {
  const meta = await loadSharp()(file).metadata();
  return [meta.height ?? 0, meta.width ?? 0];
}

function assertOneLineUsage(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  assert.strictEqual(r.code, 2, r.err);
  assert.strictEqual(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, pattern);
}

describe('convlens activations / filters / gradcam (CLI)', function () {
  this.timeout(120000);
  let t: TrainedRun;
  let out: string;
  before(async () => {
    t = await trainedRun();
    out = path.join(t.dir, 'cli-out');
  });

  it('filters: a PNG per filter at the input size and the JSON of issue 9', async () => {
    const r = await run(['filters', t.runDir, '--layer', 'conv2d', '--filters', '0,3,7', '--steps', '5', '--seed', '2', '--out', path.join(out, 'f'), '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { model: string; layer: string; steps: number; filters: { index: number; file: string; activation: number; startActivation: number }[] };
    assert.deepStrictEqual(Object.keys(json), ['model', 'layer', 'steps', 'filters']);
    assert.deepStrictEqual([json.model, json.layer, json.steps], ['shapes', 'conv2d', 5]);
    assert.deepStrictEqual(json.filters.map((f) => f.index), [0, 3, 7]);
    for (const f of json.filters) {
      assert.deepStrictEqual(Object.keys(f), ['index', 'file', 'activation', 'startActivation']);
      assert.ok(path.isAbsolute(f.file) && f.file.startsWith(path.join(out, 'f')));
      assert.deepStrictEqual(await pngSize(f.file), [24, 24]);
    }
  });

  it('filters: a source file + --model means its latest run; --count takes the first N', async () => {
    const r = await run(['filters', t.file, '--model', 'shapes', '--layer', 'conv2d_1', '--count', '2', '--steps', '2', '--out', path.join(out, 'g'), '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { filters: { index: number }[] };
    assert.deepStrictEqual(json.filters.map((f) => f.index), [0, 1]);
  });

  it('activations: a PNG per channel and the JSON of issue 9', async () => {
    const r = await run(['activations', t.runDir, '--image', 'synthetic', '--index', '2', '--layer', 'conv2d', '--layer', 'max_pooling2d', '--out', path.join(out, 'a'), '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { model: string; image: string; input: Record<string, unknown>; predicted: Record<string, unknown>; layers: { name: string; className: string; shape: number[]; channels: { index: number; mean: number; max: number; file: string }[] }[] };
    assert.deepStrictEqual(Object.keys(json), ['model', 'image', 'input', 'predicted', 'layers']);
    assert.deepStrictEqual(Object.keys(json.predicted), ['index', 'label', 'probability']);
    assert.strictEqual(json.input['pixelScale'], 1);
    assert.deepStrictEqual(json.layers.map((l) => [l.name, l.className, l.shape]), [['conv2d', 'Conv2D', [22, 22, 8]], ['max_pooling2d', 'MaxPooling2D', [11, 11, 8]]]);
    for (const layer of json.layers) {
      assert.strictEqual(layer.channels.length, 8);
      for (const c of layer.channels) {
        assert.deepStrictEqual(Object.keys(c), ['index', 'mean', 'max', 'file']);
        assert.ok(c.max >= c.mean && fs.existsSync(c.file));
      }
    }
  });

  it('gradcam: the overlay PNG and the JSON of issue 9, the heatmap at the input size', async () => {
    const png = path.join(out, 'cam.png');
    const r = await run(['gradcam', t.runDir, '--image', 'synthetic', '--index', '1', '--class', 'square', '--out', png, '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { layer: string; class: { index: number; label: string }; heatmap: { width: number; height: number; values: number[][] }; peak: { x: number; y: number } };
    assert.deepStrictEqual(Object.keys(json), ['model', 'layer', 'image', 'input', 'predicted', 'class', 'heatmap', 'peak']);
    assert.strictEqual(json.layer, 'conv2d_1');
    assert.deepStrictEqual([json.class.index, json.class.label], [1, 'square']);
    assert.deepStrictEqual([json.heatmap.height, json.heatmap.width, json.heatmap.values.length, json.heatmap.values[0].length], [24, 24, 24, 24]);
    assert.ok(json.heatmap.values.flat().every((v) => v >= 0 && v <= 1));
    assert.strictEqual(json.heatmap.values[json.peak.y][json.peak.x], Math.max(...json.heatmap.values.flat()));
    assert.ok(fs.existsSync(png));
  });

  it('exit 2 with one line: no such run, no run of a model, an unreadable image', async () => {
    assertOneLineUsage(await run(['filters', path.join(t.dir, 'nope'), '--layer', 'conv2d']), /^convlens: no such run folder, model\.json or source file: /);
    const empty = path.join(t.dir, 'empty-run');
    fs.mkdirSync(empty, { recursive: true });
    assertOneLineUsage(await run(['gradcam', empty, '--image', 'synthetic']), /^convlens: no model\.json in /);
    // Runs are looked for beside the file and above it: a folder of its own has none.
    const lonelyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-lonely-'));
    const other = path.join(lonelyDir, 'lonely.py');
    fs.writeFileSync(other, fs.readFileSync(t.file, 'utf8'));
    try {
      assertOneLineUsage(await run(['filters', other, '--model', 'shapes', '--layer', 'conv2d']), /no trained run of model 'shapes'/);
    } finally {
      fs.rmSync(lonelyDir, { recursive: true, force: true });
    }
    const bad = path.join(t.dir, 'bad.png');
    fs.writeFileSync(bad, 'not a PNG');
    assertOneLineUsage(await run(['activations', t.runDir, '--image', bad]), /^convlens: .*bad\.png/);
    assertOneLineUsage(await run(['gradcam', t.runDir, '--image', path.join(t.dir, 'missing.png')]), /no such image file/);
  });

  it('gradcam --layer takes a pooling layer, as the panel does', async () => {
    const png = path.join(out, 'cam-pool.png');
    const r = await run(['gradcam', t.runDir, '--image', 'synthetic', '--layer', 'max_pooling2d', '--out', png, '--json']);
    assert.strictEqual(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { layer: string; heatmap: { width: number; height: number } };
    assert.strictEqual(json.layer, 'max_pooling2d');
    assert.ok(fs.statSync(png).size > 0);
  });

  it('exit 2 with one line: a layer that is not a conv layer (listing those that are), a model without one', async () => {
    assertOneLineUsage(await run(['filters', t.runDir, '--layer', 'flatten']), /^convlens: 'flatten' \(Flatten\) is not a conv layer; the conv layers are conv2d, conv2d_1\n$/);
    assertOneLineUsage(await run(['gradcam', t.runDir, '--image', 'mnist', '--layer', 'dense']), /'dense' is not a conv or pooling layer; those are conv2d, max_pooling2d, conv2d_1/);
    assertOneLineUsage(await run(['activations', t.runDir, '--image', 'synthetic', '--layer', 'dense']), /'dense' is not a conv or pooling layer; those are conv2d, max_pooling2d, conv2d_1/);
    assertOneLineUsage(await run(['filters', t.denseRunDir, '--layer', 'dense']), /^convlens: dense_only has no conv layer/);
    assertOneLineUsage(await run(['gradcam', t.denseRunDir, '--image', 'synthetic']), /^convlens: dense_only has no conv layer/);
    assertOneLineUsage(await run(['activations', t.denseRunDir, '--image', 'synthetic']), /^convlens: dense_only has no conv layer/);
  });
});
