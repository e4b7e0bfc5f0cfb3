// ESLint for ConvLens: `npm run lint` (CI runs it before the tests; no warning is allowed).
//
// TypeScript (src/, webview/, test/) is linted with type information: a floating promise or
// an `any` flowing in from JSON, a worker message or a webview message is how bugs slip past
// strict tsc here. The plain JavaScript around it (scripts/, bench/, esbuild.js, bin/,
// webview/dev/) gets the non-type-aware rules.
//
// Import cycles: eslint-plugin-import-x's `no-cycle` rather than dependency-cruiser, because
// it runs in the same pass, reports in the editor like every other rule, and the only layering
// rule dependency-cruiser would add is already enforced, with a clearer message, by
// test/unit/architecture.test.ts.
import js from '@eslint/js';
import { createNodeResolver, flatConfigs as importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts'];
const JS_FILES = ['**/*.js', '**/*.mjs'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'native/build/', '.cache/', '.convlens/', 'test-results/', '.vscode-test/', 'examples/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  {
    files: JS_FILES,
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  // Scripts injected into the dev harness' page run in the browser.
  { files: ['webview/dev/fake-vscode.js'], languageOptions: { sourceType: 'script', globals: { ...globals.browser } } },
  // Playwright's page.evaluate callbacks run in the page.
  {
    files: ['scripts/test-integration.js', 'webview/dev/harness.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly', getComputedStyle: 'readonly' } },
  },

  ...[...tseslint.configs.recommendedTypeChecked, ...tseslint.configs.stylisticTypeChecked].map((c) => ({ ...c, files: TS_FILES })),
  {
    files: TS_FILES,
    languageOptions: {
      // Each file is checked against its nearest tsconfig: webview/ has its own (DOM, no Node).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `config['units']` on a Keras config record marks a key that may be absent; fixed fields use dots.
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
      // Assertion messages print shapes and value lists: `${[2, 3]}` reads as 2,3, which is what they mean.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true, allowArray: true }],
      // The Python reader's evaluation caps are thrown as plain objects on purpose (limits.ts:
      // a stack trace per throw would cost more than the evaluation it stops).
      '@typescript-eslint/only-throw-error': [
        'error',
        { allow: [{ from: 'file', name: ['CapExceeded', 'EvaluationStopped'], path: 'src/core/source/python/limits.ts' }] },
      ],
      // An empty string (an unset environment variable, a blank setting) counts as absent: `||` on purpose.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Stylistic choices the code base already makes consistently the other way.
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/consistent-indexed-object-style': 'off',
      '@typescript-eslint/array-type': 'off',
      // `x as T` names the type a value is known to have; the rule would trade it for `x!`, which says less.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
    },
  },

  // Import cycles, across the TypeScript sources (the JavaScript files have no imports of each other's).
  {
    files: TS_FILES,
    plugins: { 'import-x': importX.recommended.plugins['import-x'] },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },

  // Tests build fixtures and reach into results they have just asserted the shape of.
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
