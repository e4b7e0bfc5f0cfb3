/**
 * Desktop runner, for machines that can download VS Code (or have one installed): runs the
 * integration suite (index.ts) in a desktop VS Code through @vscode/test-electron.
 *
 *   npx tsc -p tsconfig.test.json && node out/test/integration/runElectron.js
 *
 * VSCODE_EXECUTABLE_PATH=/path/to/code uses a local install instead of downloading one;
 * VSCODE_VERSION picks the version to download (default: the one engines.vscode names,
 * so the suite runs against the oldest VS Code the extension claims to support).
 * Offline, use scripts/test-integration.js (code-server + Chromium) instead.
 */
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  // out/test/integration/runElectron.js → repository root
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const extensionDevelopmentPath = repoRoot;
  const extensionTestsPath = path.resolve(__dirname, 'index.js');
  const examplesDir = path.join(repoRoot, 'examples');
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;
  const version = vscodeExecutablePath ? undefined : process.env.VSCODE_VERSION || '1.100.3';

  const code = await runTests({
    extensionDevelopmentPath,
    extensionTestsPath,
    vscodeExecutablePath,
    version,
    launchArgs: [examplesDir, '--disable-extensions', '--disable-workspace-trust'],
    // Screenshots and webview DOM reads are only available under the offline runner.
    extensionTestsEnv: { CONVLENS_TEST_RESULTS: '' },
  });
  process.exitCode = code;
}

main().catch((err: unknown) => {
  console.error('Integration tests failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
