// Builds ConvLens: Node bundles for the CLI, the core, the extension host and each worker
// thread, and one browser bundle per webview page. Every entry is listed here (the workers
// in src/core/worker/workers.json, which the run-time script lookup reads too); a listed
// entry that does not exist fails the build.
//
// `--production` (npm run package) builds what the VSIX ships: minified, no source maps, and
// TF.js' JavaScript bundled in (its packages are 286 MB installed); only the .wasm binaries of
// @tensorflow/tfjs-backend-wasm are copied, to dist/wasm/, where the backend looks first. The
// development build keeps every external below, as the tests expect.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Packages loaded from node_modules at run time instead of bundled: large, native or optional. */
const nodeExternals = ['vscode', 'typescript', '@tensorflow/*', 'sharp', 'h5wasm'];

/**
 * The production build's externals: `vscode` (the host provides it), the TypeScript compiler
 * (loaded lazily by the reader), sharp (native binaries) and the optional native TF.js
 * backends (installed on demand into the extension's storage). scripts/package.js ships the
 * installed ones among them with the VSIX.
 */
const productionExternals = ['vscode', 'typescript', 'sharp', 'h5wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** The wasm backend's binaries, copied next to the production bundles (dist/wasm/). */
function copyWasmBinaries() {
  const from = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const to = path.join('dist', 'wasm');
  fs.mkdirSync(to, { recursive: true });
  const binaries = fs.readdirSync(from).filter((f) => f.endsWith('.wasm'));
  if (binaries.length === 0) throw new Error(`esbuild.js: no .wasm files in ${from}`);
  for (const f of binaries) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

/** Worker threads by bundle name (dist/<name>.js): the same file tells WorkerClient where to find them. */
const workers = require('./src/core/worker/workers.json');

const nodeBundles = [
  { entry: 'src/cli/main.ts', out: 'cli' },
  { entry: 'src/core/index.ts', out: 'core' },
  { entry: 'src/extension.ts', out: 'extension' },
  ...Object.entries(workers).map(([name, entry]) => ({ entry, out: name })),
];

const webviewBundles = ['summary', 'training', 'augment', 'inspect', 'latent', 'testHooks'].map((page) => ({ entry: `webview/${page}.ts`, out: `webview/${page}` }));

/**
 * commander requires `child_process` when it loads, for executable subcommands, which
 * ConvLens does not use; loading it (with `net` and the rest behind it) was about 4 ms of every
 * `convlens` start. This hands commander a stand-in that requires the real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    const commander = `${path.sep}node_modules${path.sep}commander${path.sep}`;
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(commander) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

/** A development build's source maps would otherwise sit beside the minified bundles. */
function removeSourceMaps() {
  for (const f of fs.readdirSync('dist', { recursive: true })) if (f.endsWith('.js.map')) fs.rmSync(path.join('dist', f));
}

function files({ entry, out }) {
  return { entryPoints: [entry], outfile: `dist/${out}.js` };
}

async function main() {
  const missing = [...nodeBundles, ...webviewBundles].map((b) => b.entry).filter((entry) => !fs.existsSync(entry));
  if (missing.length > 0) throw new Error(`esbuild.js: missing entry point${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
  const configs = [
    ...nodeBundles.map((b) => ({
      ...common,
      ...files(b),
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: production ? productionExternals : nodeExternals,
      plugins: [lazyChildProcessForCommander],
    })),
    ...webviewBundles.map((b) => ({ ...common, ...files(b), platform: 'browser', format: 'iife', target: 'es2022' })),
  ];
  if (watch) {
    for (const c of configs) await (await esbuild.context(c)).watch();
    return;
  }
  await Promise.all(configs.map((c) => esbuild.build(c)));
  if (production) {
    copyWasmBinaries();
    removeSourceMaps();
  }
}

module.exports = { productionExternals };

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
