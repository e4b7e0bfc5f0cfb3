/**
 * Screenshots and webview DOM reads, done from outside the extension host.
 *
 * Code in the extension host can see neither pixels nor webview DOM, so under the offline
 * runner (scripts/test-integration.js) it asks the runner through files in
 * `$CONVLENS_TEST_RESULTS` (which code-server passes on to the extension host):
 *
 *   requests/<id>.json    written here (atomically: a temp name, then rename), one per ask:
 *                         { id, kind: 'screenshot', name }
 *                         { id, kind: 'queryWebview', target, selectors }
 *   screenshots/<name>.png  written by the runner (page.screenshot of the whole workbench)
 *   responses/<id>.json   written by the runner when it is done: { ok: true, ... } or
 *                         { ok: false, error }
 *
 * The runner polls `requests/` about every 200 ms and deletes a request once answered.
 * Under the desktop runner (runElectron.ts) the variable is unset and these helpers
 * return undefined, so tests can still run there (use `canInspectWorkbench()` to skip
 * checks that need them).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { sleep, waitFor } from './vscode';

const POLL_MS = 100;
const DEFAULT_TIMEOUT_MS = 20000;

/** `$CONVLENS_TEST_RESULTS`, or undefined outside the offline runner. */
export function resultsDir(): string | undefined {
  const dir = process.env.CONVLENS_TEST_RESULTS;
  return dir && dir.length > 0 ? dir : undefined;
}

/** Whether screenshots and webview DOM reads are available in this run. */
export function canInspectWorkbench(): boolean {
  return resultsDir() !== undefined;
}

interface ResponseOk {
  ok: true;
  path?: string;
  result?: Record<string, string | null>;
  frameUrl?: string | null;
}
interface ResponseError {
  ok: false;
  error: string;
}
type Response = ResponseOk | ResponseError;

let counter = 0;

function safeName(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
  if (!cleaned) throw new Error(`Unusable screenshot name: ${JSON.stringify(name)}`);
  return cleaned;
}

/** Writes a request, waits for its response file, and removes the response. */
async function ask(dir: string, request: { kind: string } & Record<string, unknown>, timeoutMs: number): Promise<ResponseOk> {
  const id = `${process.pid}-${Date.now()}-${++counter}`;
  const requests = path.join(dir, 'requests');
  const responses = path.join(dir, 'responses');
  fs.mkdirSync(requests, { recursive: true });
  fs.mkdirSync(responses, { recursive: true });
  const responseFile = path.join(responses, `${id}.json`);
  const tmp = path.join(requests, `.${id}.json.tmp`);
  fs.writeFileSync(tmp, JSON.stringify({ id, ...request }));
  fs.renameSync(tmp, path.join(requests, `${id}.json`));

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(responseFile)) {
      const response = JSON.parse(fs.readFileSync(responseFile, 'utf8')) as Response;
      fs.rmSync(responseFile, { force: true });
      if (!response.ok) throw new Error(`Test runner could not do ${request.kind}: ${response.error}`);
      return response;
    }
    await sleep(POLL_MS);
  }
  fs.rmSync(path.join(requests, `${id}.json`), { force: true });
  throw new Error(
    `No answer from the test runner to ${request.kind} within ${timeoutMs} ms ` +
      `(is scripts/test-integration.js driving this run?)`,
  );
}

/**
 * Screenshot of the whole workbench, saved as `<results>/screenshots/<name>.png`.
 * Returns that path, or undefined when no runner can take one (desktop runs).
 */
export async function screenshot(name: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string | undefined> {
  const dir = resultsDir();
  if (!dir) return undefined;
  const file = safeName(name);
  const response = await ask(dir, { kind: 'screenshot', name: file }, timeoutMs);
  const png = response.path ?? path.join(dir, 'screenshots', `${file}.png`);
  if (!fs.existsSync(png)) throw new Error(`The runner answered but ${png} does not exist.`);
  return png;
}

/**
 * Text content of `selectors` in a webview's document. `target` picks the webview: a
 * substring of its frame URL (e.g. the view type or extension id), of its document title,
 * or '' for any webview frame that contains at least one of the selectors. Each selector
 * maps to the trimmed textContent of its first match, or null when nothing matches (or no
 * such webview is open yet, so poll with `waitFor`). Undefined on the desktop runner.
 */
export async function queryWebview(
  target: string,
  selectors: string[],
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Record<string, string | null> | undefined> {
  const dir = resultsDir();
  if (!dir) return undefined;
  const response = await ask(dir, { kind: 'queryWebview', target, selectors }, timeoutMs);
  const result: Record<string, string | null> = {};
  for (const s of selectors) result[s] = response.result?.[s] ?? null;
  return result;
}

const THEMES: [string, string][] = [['light', 'Default Light Modern'], ['dark', 'Default Dark Modern'], ['hc', 'Default High Contrast']];

async function setTheme(theme: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await sleep(800); // the webview receives the new --vscode-* variables asynchronously
}

/** Screenshots of the workbench in each theme (only under the offline runner, which can take them). */
export async function shootThemes(name: string, query: (selectors: string[]) => Promise<Record<string, string | null>>, settleMs = 300): Promise<void> {
  if (!canInspectWorkbench()) return;
  try {
    for (const [suffix, theme] of THEMES) {
      await setTheme(theme);
      // VS Code marks the webview's body with the theme kind once it has restyled it.
      const kind = suffix === 'light' ? 'vscode-light' : suffix === 'dark' ? 'vscode-dark' : 'vscode-high-contrast';
      await waitFor(async () => (await query([`body.${kind}`]))[`body.${kind}`] !== null, 10000, `the webview to switch to ${theme}`);
      await sleep(settleMs);
      const file = await screenshot(`${name}-${suffix}`);
      assert.ok(file, `screenshot ${name}-${suffix}`);
    }
  } finally {
    await setTheme(undefined);
  }
}
