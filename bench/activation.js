// Benchmark: how much of the extension host's time ConvLens' activation takes — loading
// dist/extension.js and running activate() — against a stand-in `vscode` module whose every
// API is a no-op (so only ConvLens' own work is timed). Also checks that activating does not
// load tfjs or the TypeScript compiler. Target (issue #3): under 100 ms.
//   npm run bench:activation
//   node bench/activation.js <folder>   (an unpacked VSIX's extension/ folder, say)
'use strict';
const Module = require('module');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** The extension measured: this repository's build, or the folder given. */
const EXTENSION = path.resolve(process.argv[2] ?? ROOT);

/** A value that accepts any property access, call or `new`, returning more of itself. */
function anything() {
  const fn = function () {};
  return new Proxy(fn, {
    get: (_t, prop) => {
      if (prop === 'dispose') return () => {};
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () {};
      return anything();
    },
    set: () => true, // `item.name = ...` on a stand-in is accepted and forgotten
    apply: () => anything(),
    construct: () => anything(),
  });
}

/** Every top-level export of the real API (read from @types/vscode), each a stand-in. */
function vscodeStub() {
  const ts = require('typescript');
  const file = require.resolve('@types/vscode/index.d.ts', { paths: [ROOT] });
  const source = ts.createSourceFile(file, require('fs').readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const api = {};
  const moduleDecl = source.statements.find((s) => ts.isModuleDeclaration(s) && s.name.text === 'vscode');
  for (const s of moduleDecl.body.statements) {
    if (s.name && ts.isIdentifier(s.name)) api[s.name.text] = anything();
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) api[d.name.text] = anything();
  }
  return api;
}

const stub = vscodeStub();
// Loading the TypeScript compiler for the stand-in is not ConvLens' cost: forget it before timing.
for (const key of Object.keys(require.cache)) if (key.includes(`${path.sep}typescript${path.sep}`)) delete require.cache[key];
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'vscode') return stub;
  return originalLoad.call(this, request, parent, isMain);
};

const t0 = performance.now();
const ext = require(path.join(EXTENSION, 'dist/extension.js'));
const loaded = performance.now();
const storage = { fsPath: require('os').tmpdir() };
const context = { subscriptions: [], extensionUri: anything(), extensionPath: EXTENSION, globalState: anything(), workspaceState: anything(), storageUri: storage, globalStorageUri: storage };
ext.activate(context);
const activated = performance.now();

const modules = Object.keys(require.cache);
const loadedTfjs = modules.some((m) => m.includes(`${path.sep}@tensorflow${path.sep}`));
const loadedTs = modules.some((m) => m.includes(`${path.sep}typescript${path.sep}lib${path.sep}`));
console.log(`load dist/extension.js: ${(loaded - t0).toFixed(1)} ms`);
console.log(`activate(): ${(activated - loaded).toFixed(1)} ms (${context.subscriptions.length} disposables registered)`);
console.log(`total: ${(activated - t0).toFixed(1)} ms (target < 100 ms); tfjs loaded: ${loadedTfjs}; TypeScript compiler loaded: ${loadedTs}`);
