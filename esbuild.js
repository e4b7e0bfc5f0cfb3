// Builds ConvLens: Node bundles for the CLI, the core, the extension host and each worker
// thread, and one browser bundle per webview page. Every entry is listed here (the workers
// in src/core/worker/workers.json, which the run-time script lookup reads too); a listed
// entry that does not exist fails the build.
const esbuild = require('esbuild');
const fs = require('fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Packages loaded from node_modules at run time instead of bundled: large, native or optional. */
const nodeExternals = ['vscode', 'typescript', '@tensorflow/*', 'sharp'];

/** Worker threads by bundle name (dist/<name>.js): the same file tells WorkerClient where to find them. */
const workers = require('./src/core/worker/workers.json');

const nodeBundles = [
  { entry: 'src/cli/main.ts', out: 'cli' },
  { entry: 'src/core/index.ts', out: 'core' },
  { entry: 'src/extension.ts', out: 'extension' },
  ...Object.entries(workers).map(([name, entry]) => ({ entry, out: name })),
];

const webviewBundles = ['summary', 'training', 'augment', 'inspect', 'testHooks'].map((page) => ({ entry: `webview/${page}.ts`, out: `webview/${page}` }));

function files({ entry, out }) {
  return { entryPoints: [entry], outfile: `dist/${out}.js` };
}

async function main() {
  const missing = [...nodeBundles, ...webviewBundles].map((b) => b.entry).filter((entry) => !fs.existsSync(entry));
  if (missing.length > 0) throw new Error(`esbuild.js: missing entry point${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
  const configs = [
    ...nodeBundles.map((b) => ({ ...common, ...files(b), platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals })),
    ...webviewBundles.map((b) => ({ ...common, ...files(b), platform: 'browser', format: 'iife', target: 'es2022' })),
  ];
  if (watch) {
    for (const c of configs) await (await esbuild.context(c)).watch();
    return;
  }
  await Promise.all(configs.map((c) => esbuild.build(c)));
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
