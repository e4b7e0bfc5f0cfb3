/**
 * Mocha entry point loaded by VS Code's extension host (`extensionTestsPath`), under both
 * runners: scripts/test-integration.js (code-server + Chromium, offline) and
 * runElectron.ts (desktop VS Code through @vscode/test-electron).
 *
 * Every `*.test.js` file under this directory (compiled from test/integration/**\/*.test.ts)
 * is added. The spec reporter's lines go to the console (which the extension host forwards
 * to the runner) and, when CONVLENS_TEST_RESULTS is set, are also appended to
 * `<CONVLENS_TEST_RESULTS>/mocha.log`. The last line is always `N passed, N failed`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

/** Which files form the suite: `.test.js` (the tests), or `.bench.js` for the benchmarks (bench/panel-open.js). */
const SUFFIX = process.env.CONVLENS_IT_SUFFIX ?? '.test.js';

/** Every suite file below `dir`, sorted so the order is the same on every machine. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') found.push(...findTestFiles(full));
    } else if (entry.isFile() && entry.name.endsWith(SUFFIX)) {
      found.push(full);
    }
  }
  return found.sort();
}

/** Sends reporter output to the console and, when a results folder is given, to mocha.log. */
function teeReporterOutput(): () => void {
  const resultsDir = process.env.CONVLENS_TEST_RESULTS;
  const logFile = resultsDir ? path.join(resultsDir, 'mocha.log') : undefined;
  if (logFile) {
    fs.mkdirSync(resultsDir!, { recursive: true });
    fs.writeFileSync(logFile, '');
  }
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    // Formatted here: the web workbench forwards console arguments joined, not formatted.
    const line = util.format(...args);
    original(line);
    if (logFile) {
      try {
        fs.appendFileSync(logFile, line + '\n');
      } catch {
        // The log file is a convenience; the console copy is the primary one.
      }
    }
  };
  return () => {
    base.consoleLog = original;
  };
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  const grep = process.env.CONVLENS_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of findTestFiles(__dirname)) mocha.addFile(file);

  const restore = teeReporterOutput();
  const log = (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog;
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passed = runner.stats?.passes ?? 0;
        // A plain closing line on its own, read by CI and by scripts/test-integration.js.
        log(`${passed} passed, ${failures} failed`);
        restore();
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
    } catch (err) {
      log(`0 passed, 1 failed`);
      restore();
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
