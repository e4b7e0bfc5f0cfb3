// Builds ConvLens: one Node bundle for the CLI, one for the extension host (when present),
// and (from the editor issue on) one browser bundle per webview panel.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Packages loaded from node_modules at run time instead of bundled: large, native or optional. */
const nodeExternals = ['vscode', 'typescript', '@tensorflow/*', 'sharp'];

const nodeBundles = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['src/core/index.ts'], outfile: 'dist/core.js' },
  // The training worker runs in its own thread: its own bundle, found next to the others.
  { entryPoints: ['src/core/engine/train/worker.ts'], outfile: 'dist/trainWorker.js' },
  { entryPoints: ['src/core/viz/previewWorker.ts'], outfile: 'dist/previewWorker.js' },
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
].filter((b) => fs.existsSync(b.entryPoints[0]));

const webviewDir = 'webview';
const webviewBundles = fs.existsSync(webviewDir)
  ? fs.readdirSync(webviewDir)
      .filter((f) => /^[a-z][\w-]*\.ts$/.test(f))
      .map((f) => ({ entryPoints: [path.join(webviewDir, f)], outfile: `dist/webview/${path.basename(f, '.ts')}.js` }))
  : [];

async function main() {
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };
  const configs = [
    ...nodeBundles.map((b) => ({ ...common, ...b, platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals })),
    ...webviewBundles.map((b) => ({ ...common, ...b, platform: 'browser', format: 'iife', target: 'es2022' })),
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
