/**
 * Boundaries the design relies on, checked from the import graph (TypeScript's own
 * pre-processor lists each file's imports): the analysis core never imports `vscode` or
 * editor code (only itself and the pure protocol definitions), the protocol imports only
 * valibot and pure parts of core, nothing in core loads tfjs at module level (it is passed
 * in), and the pure analysis half of core uses no Node-only module, so it can run in a
 * browser (vscode.dev).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
const CORE = path.join(ROOT, 'src', 'core');
/** Reading code and computing shapes, parameters and reports: no files, processes or threads. */
const PURE_CORE = ['model', 'source', 'shapes', 'report'].map((d) => path.join(CORE, d));
const PROTOCOL = path.join(ROOT, 'src', 'protocol');
/** The dataset descriptors the pages list (no imports at all), which the protocol may use at run time. */
const DATASET_CATALOG = path.join(CORE, 'engine', 'data', 'catalog');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

interface RuntimeImport {
  spec: string;
  lazy: boolean;
  /** `import type` or `export type`: erased from the JavaScript. */
  typeOnly: boolean;
}

/** Every import of a file, type-only ones marked. */
function allImports(file: string): RuntimeImport[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: RuntimeImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, lazy: false, typeOnly: node.importClause?.isTypeOnly === true });
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, lazy: false, typeOnly: node.isTypeOnly });
    }
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'require' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push({ spec: node.arguments[0].text, lazy: true, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Runtime imports of a file: `import type` and `export type` are erased and do not count. */
function runtimeImports(file: string): RuntimeImport[] {
  return allImports(file).filter((i) => !i.typeOnly);
}

/** Node's own globals: a browser has none of them. */
const NODE_GLOBALS = new Set(['process', 'Buffer', '__dirname', '__filename', 'global', 'setImmediate']);

/** Uses of Node's globals as values (`process.env`, `Buffer.from`), not property or declaration names that happen to match. */
function nodeGlobalUses(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent)) &&
          parent.name === node) ||
        ts.isTypeReferenceNode(parent);
      if (!isName) out.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

const isNodeBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
const within = (dir: string, target: string): boolean => target === dir || target.startsWith(dir + path.sep);
const describeImport = (file: string, i: RuntimeImport): string => `${path.relative(ROOT, file)} imports ${i.spec}${i.lazy ? ' (lazy require)' : ''}`;

describe('architecture', () => {
  const coreFiles = tsFiles(CORE);
  const pureFiles = coreFiles.filter((f) => PURE_CORE.some((dir) => within(dir, f)));

  it('finds the core sources', () => {
    assert.ok(coreFiles.length > 20);
    assert.ok(pureFiles.length > 10 && pureFiles.length < coreFiles.length);
  });

  it('core never imports vscode or editor/panel code: only core and the protocol definitions', () => {
    for (const file of coreFiles) {
      for (const i of runtimeImports(file)) {
        assert.ok(!/^vscode\b/.test(i.spec), describeImport(file, i));
        if (i.spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), i.spec);
          assert.ok(within(CORE, target) || within(PROTOCOL, target), `${describeImport(file, i)}, outside core and protocol`);
        }
      }
    }
  });

  it('the protocol imports only valibot, itself and the dataset catalog at run time (types from anywhere in core)', () => {
    const protocolFiles = tsFiles(PROTOCOL);
    assert.ok(protocolFiles.length > 0);
    for (const file of protocolFiles) {
      for (const i of allImports(file)) {
        const target = i.spec.startsWith('.') ? path.resolve(path.dirname(file), i.spec) : undefined;
        const allowed = i.spec === 'valibot' || (target !== undefined && (within(PROTOCOL, target) || target === DATASET_CATALOG
          || (i.typeOnly && within(CORE, target))));
        assert.ok(allowed, `${describeImport(file, i)}${i.typeOnly ? ' (type)' : ''}`);
      }
    }
    assert.deepStrictEqual(allImports(`${DATASET_CATALOG}.ts`), [], 'the dataset catalog stays free of imports, so pages can bundle it');
  });

  it('core loads tfjs only where it is asked to (no top-level tfjs import)', () => {
    for (const file of coreFiles) {
      for (const i of runtimeImports(file)) {
        if (i.lazy) continue;
        assert.ok(!i.spec.startsWith('@tensorflow/'), `${describeImport(file, i)} at load time`);
      }
    }
  });

  it('knows the Node built-ins by name, with and without the node: prefix', () => {
    for (const spec of ['fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'events', 'util', 'url', 'stream', 'node:fs']) {
      assert.ok(isNodeBuiltin(spec), spec);
    }
    for (const spec of ['typescript', '@lezer/python', './values', '../model/spec']) assert.ok(!isNodeBuiltin(spec), spec);
  });

  it('the pure analysis half of core uses no Node global (process, Buffer, __dirname, ...)', () => {
    for (const file of pureFiles) assert.deepStrictEqual(nodeGlobalUses(file), [], path.relative(ROOT, file));
  });

  it('the pure analysis half of core (model, source, shapes, report) uses no Node-only module, so it can run in a browser', () => {
    for (const file of pureFiles) {
      for (const i of runtimeImports(file)) {
        assert.ok(!isNodeBuiltin(i.spec), `${describeImport(file, i)}: a Node-only module`);
        // A relative import leaving the pure half could bring Node in through the other half.
        if (i.spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), i.spec);
          assert.ok(
            PURE_CORE.some((dir) => within(dir, target)),
            `${describeImport(file, i)}, outside model/source/shapes/report`,
          );
        }
      }
    }
  });
});
