/**
 * Boundaries the design relies on, checked from the import graph (TypeScript's own
 * pre-processor lists each file's imports): the analysis core never imports `vscode` or
 * editor code, and nothing in core loads tfjs at module level (it is passed in).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Runtime imports of a file: `import type` and `export type` are erased and do not count. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'require' && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(`${node.arguments[0].text} (lazy require)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('architecture', () => {
  const coreFiles = tsFiles(path.join(ROOT, 'src', 'core'));

  it('finds the core sources', () => {
    assert.ok(coreFiles.length > 20);
  });

  it('core never imports vscode or editor/panel code', () => {
    for (const file of coreFiles) {
      for (const spec of runtimeImports(file)) {
        assert.ok(!/^vscode\b/.test(spec), `${path.relative(ROOT, file)} imports ${spec}`);
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec.replace(/ \(lazy require\)$/, ''));
          assert.ok(target.startsWith(path.join(ROOT, 'src', 'core')), `${path.relative(ROOT, file)} imports ${spec} outside core`);
        }
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
