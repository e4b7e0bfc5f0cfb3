// npm run package: the VSIX for this machine's platform (linux-x64 here), with
//   - the production bundles (esbuild.js --production: minified, no source maps, TF.js'
//     JavaScript bundled, the wasm backend's binaries in dist/wasm/), the MNIST digits;
//   - the repository's files that .vscodeignore admits (listed by `vsce ls`);
//   - the runtime packages the production bundles leave external and that are installed
//     here (sharp with its platform binaries, the TypeScript compiler's parser), copied
//     into a staging folder with their dependencies, so vsce packages exactly those.
// Then prints the VSIX's size and what takes the space, and puts the development build back
// (dist/ as `npm run build` leaves it), so the tests keep running on it, and removes the
// staging folder.
//   node scripts/package.js [--out file.vsix]
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { zipEntries } = require('./lib/zip');
const { productionExternals } = require('../esbuild');

const ROOT = path.resolve(__dirname, '..');
const STAGE = path.join(ROOT, '.cache', 'vsix');
const TARGET = `${process.platform}-${process.arch}`;
const VSCE = path.join(ROOT, 'node_modules', '.bin', 'vsce');

/** Files of the runtime packages that the extension never loads (TypeScript: only its parser runs); licences and READMEs (libvips lists its libraries' licences there) stay. */
const PACKAGE_JUNK = [
  'node_modules/**/*.map',
  'node_modules/**/*.d.ts',
  'node_modules/**/*.d.mts',
  'node_modules/**/*.d.cts',
  'node_modules/typescript/bin/**',
  'node_modules/typescript/lib/*/**',
  'node_modules/typescript/lib/_*.js',
  'node_modules/typescript/lib/tsc.js',
  'node_modules/typescript/lib/tsserver*.js',
  'node_modules/typescript/lib/typingsInstaller.js',
  'node_modules/typescript/lib/watchGuard.js',
  'node_modules/typescript/lib/*.json',
  'node_modules/sharp/src/**',
  'node_modules/sharp/install/**',
  // h5wasm: only its Node build runs (the export's HDF5 writer); the browser builds are 10 MB.
  'node_modules/h5wasm/dist/esm/**',
  'node_modules/h5wasm/dist/iife/**',
  'node_modules/h5wasm/src/**',
  'node_modules/h5wasm/test/**',
];

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

/** The folder of an installed package as Node resolves it from `from` (a folder). */
function packageDir(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The installed runtime packages and everything they depend on, by name: dependencies must
 * be installed; optional ones (sharp's other platforms) are taken when they are.
 */
function runtimeClosure() {
  const roots = productionExternals.filter((name) => name !== 'vscode' && packageDir(name, ROOT));
  const found = new Map();
  const queue = roots.map((name) => ({ name, from: ROOT, optional: false }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift();
    const dir = packageDir(name, from);
    if (!dir) {
      if (optional) continue;
      throw new Error(`package: ${name}, needed at run time, is not installed (npm install)`);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const seen = found.get(name);
    if (seen) {
      if (seen.version !== pkg.version)
        throw new Error(`package: two versions of ${name} needed (${seen.version}, ${pkg.version}); the staging folder is flat`);
      continue;
    }
    found.set(name, { dir, version: pkg.version });
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
  }
  return { roots, packages: found };
}

function stage() {
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(STAGE, { recursive: true });
  const files = run(VSCE, ['ls', '--no-dependencies']).split('\n').filter(Boolean);
  for (const f of [...files, 'LICENSE', 'CHANGELOG.md']) {
    if (!fs.existsSync(path.join(ROOT, f))) continue;
    fs.mkdirSync(path.dirname(path.join(STAGE, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(STAGE, f));
  }
  // The project has no public repository yet, so vsce cannot turn the README's relative links
  // into URLs: the packaged README names each picture and file in words instead (they stay in the repo).
  const readme = path.join(STAGE, 'README.md');
  if (fs.existsSync(readme)) {
    fs.writeFileSync(readme, fs.readFileSync(readme, 'utf8').replace(/!\[([^\]]*)\]\((?!https?:)[^)]*\)/g, '*(screenshot: $1)*').replace(/\[([^\]]*)\]\((?!https?:|#)[^)]*\)/g, '$1'));
  }
  stageNativeLibraries();
  const { roots, packages } = runtimeClosure();
  for (const [name, { dir }] of packages)
    fs.cpSync(dir, path.join(STAGE, 'node_modules', name), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}node_modules${path.sep}`, dir.length),
    });
  // The installed extension's manifest: its runtime dependencies only (vsce packages what
  // `npm list --production` names); no scripts, nothing optional to install.
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  manifest.dependencies = Object.fromEntries(roots.map((name) => [name, packages.get(name).version]));
  for (const key of ['devDependencies', 'optionalDependencies', 'scripts']) delete manifest[key];
  fs.writeFileSync(path.join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(path.join(STAGE, '.vscodeignore'), `${PACKAGE_JUNK.join('\n')}\n`);
  return packages;
}

/**
 * The shared libraries the native addon links that a user's machine may lack (oneDNN, and the
 * OpenCL loader Debian's oneDNN build needs), copied next to it: the addon is linked with
 * rpath $ORIGIN, so it finds them there without apt-get. Their licences go beside them.
 */
const BUNDLED_LIBRARIES = [
  { soname: /^libdnnl\.so\.\d+$/, notice: '/usr/share/doc/libdnnl2/copyright', what: 'oneDNN (Apache-2.0)' },
  { soname: /^libOpenCL\.so\.1$/, notice: '/usr/share/doc/ocl-icd-libopencl1/copyright', what: 'ocl-icd OpenCL loader (BSD-2-Clause)' },
];

function stageNativeLibraries() {
  const addon = path.join(STAGE, 'native', 'build', 'Release', 'convlens_native.node');
  if (!fs.existsSync(addon) || process.platform !== 'linux') return;
  const linked = run('ldd', [addon]).split('\n').map((l) => /^\s*(\S+) => (\/\S+)/.exec(l)).filter(Boolean);
  const notices = [];
  for (const lib of BUNDLED_LIBRARIES) {
    const found = linked.find((m) => lib.soname.test(m[1]));
    if (!found) continue;
    fs.copyFileSync(fs.realpathSync(found[2]), path.join(path.dirname(addon), found[1]));
    const notice = fs.existsSync(lib.notice) ? fs.readFileSync(lib.notice, 'utf8') : `(licence text not found at ${lib.notice})`;
    notices.push(`${found[1]}: ${lib.what}, from ${found[2]}\n\n${notice}`);
  }
  if (notices.length > 0) fs.writeFileSync(path.join(path.dirname(addon), 'THIRD-PARTY-NOTICES.txt'), notices.join(`\n${'='.repeat(72)}\n\n`));
}

/** Where the space goes: compressed bytes by part of the package. */
function report(vsix) {
  const entries = zipEntries(fs.readFileSync(vsix));
  const partOf = (name) => {
    const p = name.replace(/^extension\//, '').split('/');
    if (p[0] === 'node_modules') return p.slice(0, p[1].startsWith('@') ? 3 : 2).join('/');
    if (p[0] === 'dist' && p.length > 2) return `dist/${p[1]}/`;
    if (p[0] === 'dist' || p[0] === 'native') return p.join('/');
    return p.length > 1 ? `${p[0]}/` : '(top-level files)';
  };
  const parts = new Map();
  for (const e of entries) {
    const part = parts.get(partOf(e.name)) ?? { compressed: 0, size: 0, files: 0 };
    part.compressed += e.compressedSize;
    part.size += e.size;
    part.files += 1;
    parts.set(partOf(e.name), part);
  }
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`.padStart(9);
  console.log(`\n${vsix}: ${mb(fs.statSync(vsix).size).trim()} (${entries.length} files); compressed / unpacked by part:`);
  for (const [name, p] of [...parts].sort((a, b) => b[1].compressed - a[1].compressed)) console.log(`${mb(p.compressed)} ${mb(p.size)}  ${name} (${p.files})`);
}

function main() {
  const outArg = process.argv.indexOf('--out');
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(ROOT, `${name}-${version}-${TARGET}.vsix`));
  run(process.execPath, ['scripts/build-mnist.js'], { stdio: 'inherit' });
  run(process.execPath, ['esbuild.js', '--production'], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(ROOT, 'native', 'build', 'Release', 'convlens_native.node'))) {
    console.warn('package: the native kernels are not built (npm run build:native): this package trains on the TF.js wasm kernels only');
  }
  try {
    stage();
    run(VSCE, ['package', '--allow-missing-repository', '--target', TARGET, '--out', vsix], { cwd: STAGE, stdio: 'inherit' });
  } finally {
    // Back to the development build the tests run on.
    run(process.execPath, ['esbuild.js'], { stdio: 'inherit' });
    fs.rmSync(path.join(ROOT, 'dist', 'wasm'), { recursive: true, force: true });
    fs.rmSync(STAGE, { recursive: true, force: true });
  }
  report(vsix);
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
