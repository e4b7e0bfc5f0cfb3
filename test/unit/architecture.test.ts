/**
 * Boundaries the design relies on, checked from the import graph (TypeScript's own
 * pre-processor lists each file's imports): the analysis core never imports `vscode` or
 * editor code (only itself and the pure protocol definitions, which import only valibot and
 * core's model and shape types), and nothing in core loads tfjs at module level (it is passed in).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const CORE = path.join(ROOT, 'src', 'core');
const PROTOCOL = path.join(ROOT, 'src', 'protocol');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

interface Import {
  /** The module specifier; a `require('x')` call reads 'x (lazy require)'. */
  spec: string;
  /** `import type` or `export type`: erased from the JavaScript. */
  typeOnly: boolean;
}

function imports(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'require' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push({ spec: `${node.arguments[0].text} (lazy require)`, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Runtime imports of a file: `import type` and `export type` are erased and do not count. */
function runtimeImports(file: string): string[] {
  return imports(file).filter((i) => !i.typeOnly).map((i) => i.spec);
}

/** Where a relative import points (absolute, without extension); undefined for a package. */
function target(file: string, spec: string): string | undefined {
  return spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/ \(lazy require\)$/, '')) : undefined;
}

const inside = (dir: string, file: string): boolean => file.startsWith(dir + path.sep);

describe('architecture', () => {
  const coreFiles = tsFiles(CORE);

  it('finds the core sources', () => {
    assert.ok(coreFiles.length > 20);
  });

  it('core never imports vscode or editor/panel code: only core and the protocol definitions', () => {
    for (const file of coreFiles) {
      for (const spec of runtimeImports(file)) {
        assert.ok(!/^vscode\b/.test(spec), `${path.relative(ROOT, file)} imports ${spec}`);
        const to = target(file, spec);
        if (to) assert.ok(inside(CORE, to) || inside(PROTOCOL, to), `${path.relative(ROOT, file)} imports ${spec} outside core and protocol`);
      }
    }
  });

  it('the protocol imports only valibot, itself, and (as types) the model and shapes of core', () => {
    const protocolFiles = tsFiles(PROTOCOL);
    assert.ok(protocolFiles.length > 0);
    for (const file of protocolFiles) {
      for (const { spec, typeOnly } of imports(file)) {
        const to = target(file, spec);
        const allowed = spec === 'valibot' || (to !== undefined && (inside(PROTOCOL, to) || (typeOnly && (inside(path.join(CORE, 'model'), to) || inside(path.join(CORE, 'shapes'), to)))));
        assert.ok(allowed, `${path.relative(ROOT, file)} imports ${typeOnly ? 'type ' : ''}${spec}`);
      }
    }
  });

  it('core loads tfjs only where it is asked to (no top-level tfjs import)', () => {
    for (const file of coreFiles) {
      for (const spec of runtimeImports(file)) {
        if (spec.endsWith('(lazy require)')) continue;
        assert.ok(!spec.startsWith('@tensorflow/'), `${path.relative(ROOT, file)} imports ${spec} at load time`);
      }
    }
  });

  it('activating the extension loads neither tfjs nor the TypeScript compiler (bench/activation.js, built dist/)', function () {
    this.timeout(30000);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'activation.js')], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /tfjs loaded: false; TypeScript compiler loaded: false/);
    assert.match(r.stdout, /activate\(\): [\d.]+ ms \(\d+ disposables registered\)/);
  });
});
