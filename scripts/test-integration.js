#!/usr/bin/env node
// Offline integration runner: runs the mocha suite out/test/integration/index.js inside a
// real VS Code extension host (code-server 4.100.3 = VS Code 1.100.3) with this repository
// loaded as a development extension, the workbench shown in Debian's Chromium driven by
// playwright-core. Needs no internet. Build first:
//
//   node esbuild.js && npx tsc -p tsconfig.test.json && node scripts/test-integration.js
//
// Exits with the suite's code (0 = all passed). Results in test-results/integration/:
//   code-server.log    the server's output (offline noise such as open-vsx.org ENOTFOUND is expected)
//   workbench.log      everything the workbench logged (codeAutomationLog + browser console)
//   mocha.log          the suite's reporter output (written by index.ts)
//   screenshots/*.png  screenshots the suite asked for (test/integration/helpers/screenshots.ts)
//
// Environment: CONVLENS_IT_TIMEOUT_MS (overall limit, default 15 min), CONVLENS_TEST_GREP
// (mocha --grep for the suite), CONVLENS_IT_VERBOSE=1 (print every workbench log line).
//
// --installed: the extension as users get it instead of this source folder. Builds the VSIX
// (scripts/package.js), installs it into a clean code-server with --install-extension, opens
// a workspace outside the repository (copies of two examples) and runs the `*.installed.js`
// files (test/integration/installed.installed.ts) beside an empty development extension
// (VS Code runs tests only next to one; test/integration/installed-host). Results go to
// test-results/installed/.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const cs = require('./lib/code-server');

const INSTALLED = process.argv.includes('--installed');
const RESULTS_DIR = path.join(cs.REPO_ROOT, 'test-results', INSTALLED ? 'installed' : 'integration');
const REQUESTS_DIR = path.join(RESULTS_DIR, 'requests');
const RESPONSES_DIR = path.join(RESULTS_DIR, 'responses');
const SCREENSHOTS_DIR = path.join(RESULTS_DIR, 'screenshots');
const TIMEOUT_MS = Number(process.env.CONVLENS_IT_TIMEOUT_MS) || 15 * 60 * 1000;
const VERBOSE = process.env.CONVLENS_IT_VERBOSE === '1';
const VIEWPORT = { width: 1400, height: 900 };
const SUMMARY_LINE = /^\d+ passed, \d+ failed$/;

const state = { interrupted: null, server: null, browserServer: null, browser: null, dataDir: null, workspace: null, cleaning: null };

function log(msg) {
  process.stdout.write(`[integration] ${msg}\n`);
}

function checkBuilt() {
  const missing = [
    path.join(cs.REPO_ROOT, 'dist', 'extension.js'),
    path.join(cs.REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
  ].filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new Error(
      `missing ${missing.map((f) => path.relative(cs.REPO_ROOT, f)).join(', ')}: ` +
        'run `node esbuild.js && npx tsc -p tsconfig.test.json` first',
    );
  }
}

/** Stops chromium and code-server (by process group) and removes the temp profile. Idempotent. */
function cleanup() {
  if (!state.cleaning) {
    state.cleaning = (async () => {
      if (state.browser) await withTimeout(state.browser.close().catch(() => {}), 5000).catch(() => {});
      if (state.browserServer) {
        const proc = state.browserServer.process();
        await withTimeout(state.browserServer.close().catch(() => {}), 5000).catch(() => {});
        await cs.stopProcessGroup(proc, 2000);
      }
      if (state.server) await state.server.stop();
      if (state.dataDir) fs.rmSync(state.dataDir, { recursive: true, force: true, maxRetries: 3 });
      if (state.workspace) fs.rmSync(state.workspace, { recursive: true, force: true, maxRetries: 3 });
    })();
  }
  return state.cleaning;
}

/** Synchronous last resort if the process exits without cleanup() having finished. */
process.on('exit', () => {
  if (state.browserServer) cs.killProcessGroupNow(state.browserServer.process()?.pid);
  if (state.server) cs.killProcessGroupNow(state.server.child.pid);
  if (state.dataDir) {
    try {
      fs.rmSync(state.dataDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    state.interrupted = signal;
    log(`${signal}: stopping code-server and Chromium`);
    cleanup().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 10000).unref();
  });
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Answers one request file written by test/integration/helpers/screenshots.ts. */
async function handleRequest(page, file) {
  const full = path.join(REQUESTS_DIR, file);
  let req;
  try {
    req = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    log(`unreadable request ${file}: ${err.message}`);
    fs.rmSync(full, { force: true });
    return;
  }
  const id = req.id || path.basename(file, '.json');
  let response;
  try {
    if (req.kind === 'screenshot') {
      const name = String(req.name).replace(/[^\w.-]+/g, '_');
      const png = path.join(SCREENSHOTS_DIR, `${name}.png`);
      const tmp = path.join(SCREENSHOTS_DIR, `.${name}.tmp.png`);
      fs.mkdirSync(SCREENSHOTS_DIR, { recursive: true });
      await page.screenshot({ path: tmp, type: 'png', timeout: 15000 });
      fs.renameSync(tmp, png);
      log(`screenshot ${path.relative(cs.REPO_ROOT, png)}`);
      response = { ok: true, path: png };
    } else if (req.kind === 'queryWebview') {
      response = { ok: true, ...(await queryWebview(page, String(req.target ?? ''), req.selectors || [])) };
    } else {
      response = { ok: false, error: `unknown request kind ${JSON.stringify(req.kind)}` };
    }
  } catch (err) {
    response = { ok: false, error: err && err.message ? err.message : String(err) };
  }
  fs.mkdirSync(RESPONSES_DIR, { recursive: true });
  const tmp = path.join(RESPONSES_DIR, `.${id}.json.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(response));
  fs.renameSync(tmp, path.join(RESPONSES_DIR, `${id}.json`));
  fs.rmSync(full, { force: true });
}

/**
 * Finds the webview frame for `target` and reads `selectors` in it. Webview content lives in
 * nested iframes (workbench → webview host `index.html?id=…&extensionId=…&purpose=…` → the
 * panel's document `fake.html`): a frame matches when its URL, its parent's URL or its
 * document title contains `target`; among matches, the one with most selectors present wins.
 */
async function queryWebview(page, target, selectors) {
  const main = page.mainFrame();
  let best = { score: -1, result: null, frameUrl: null };
  for (const frame of page.frames()) {
    if (frame === main || frame.isDetached()) continue;
    let info;
    try {
      info = await withTimeout(
        frame.evaluate((sels) => {
          const result = {};
          let score = 0;
          for (const s of sels) {
            let el;
            try {
              el = document.querySelector(s);
            } catch {
              el = null;
            }
            result[s] = el ? (el.textContent || '').trim() : null;
            if (el) score++;
          }
          return { title: document.title || '', result, score };
        }, selectors),
        5000,
      );
    } catch {
      continue; // detached or navigating frame
    }
    const parentUrl = frame.parentFrame() ? frame.parentFrame().url() : '';
    const matches =
      !target || frame.url().includes(target) || parentUrl.includes(target) || info.title.includes(target);
    if (matches && info.score > best.score) best = { score: info.score, result: info.result, frameUrl: frame.url() };
  }
  if (best.score <= 0) {
    const empty = {};
    for (const s of selectors) empty[s] = null;
    return { result: empty, frameUrl: best.frameUrl };
  }
  return { result: best.result, frameUrl: best.frameUrl };
}

/** Polls the requests folder until `done` resolves. Requests are answered one at a time. */
function serveRequests(page, done) {
  let stopped = false;
  done.finally(() => {
    stopped = true;
  });
  return (async () => {
    while (!stopped) {
      let files = [];
      try {
        files = fs.readdirSync(REQUESTS_DIR).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
      } catch {
        /* folder not there yet */
      }
      for (const f of files.sort()) {
        if (stopped) break;
        await handleRequest(page, f);
      }
      await cs.sleep(200);
    }
  })();
}

/**
 * --installed: the VSIX built and installed into this run's code-server profile, and a
 * workspace outside the repository. Returns the workspace and the empty development extension.
 */
function installedSetup(dataDir) {
  const { execFileSync } = require('child_process');
  const vsix = path.join(dataDir, 'convlens.vsix');
  log('building the VSIX (scripts/package.js)');
  execFileSync(process.execPath, [path.join(cs.REPO_ROOT, 'scripts', 'package.js'), '--out', vsix], { cwd: cs.REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  log(`installing ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB) into a clean code-server profile`);
  execFileSync(cs.CODE_SERVER_BIN, ['--extensions-dir', path.join(dataDir, 'ext'), '--user-data-dir', path.join(dataDir, 'user'), '--install-extension', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-installed-ws-'));
  for (const f of ['lenet5.py', 'chollet_mnist_convnet.py']) fs.copyFileSync(path.join(cs.EXAMPLES_DIR, 'keras', f), path.join(workspace, f));
  state.workspace = workspace;
  return { workspace, developmentPath: path.join(cs.REPO_ROOT, 'test', 'integration', 'installed-host') };
}

async function main() {
  const started = Date.now();
  checkBuilt();
  cs.ensureSetup();
  const { chromium } = require('playwright-core');

  fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
  for (const d of [REQUESTS_DIR, RESPONSES_DIR, SCREENSHOTS_DIR]) fs.mkdirSync(d, { recursive: true });
  state.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-it-'));

  const target = INSTALLED ? installedSetup(state.dataDir) : undefined;
  const port = await cs.freePort();
  log(`starting code-server on 127.0.0.1:${port}`);
  state.server = await cs.startCodeServer({
    port,
    dataDir: state.dataDir,
    logFile: path.join(RESULTS_DIR, 'code-server.log'),
    // The extension host inherits code-server's environment.
    env: { CONVLENS_TEST_RESULTS: RESULTS_DIR, ...(INSTALLED ? { CONVLENS_IT_SUFFIX: '.installed.js' } : {}) },
    workspace: target?.workspace,
  });
  await cs.waitForHttp(state.server);
  log(`code-server answers (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  state.browserServer = await chromium.launchServer({
    executablePath: cs.CHROMIUM,
    args: cs.CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  state.browser = await chromium.connect(state.browserServer.wsEndpoint());
  const context = await state.browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();

  const workbenchLog = fs.createWriteStream(path.join(RESULTS_DIR, 'workbench.log'));
  const mochaLog = followFile(path.join(RESULTS_DIR, 'mocha.log'));
  let resolveExit;
  const exited = new Promise((resolve) => {
    resolveExit = resolve;
  });

  // Everything the workbench logs (its own messages and the extension host's console, which
  // arrive unprefixed through its log service) goes to workbench.log; stdout gets the suite's
  // reporter output by following mocha.log, which index.ts writes.
  await page.exposeFunction('codeAutomationLog', (type, message) => {
    const text = Array.isArray(message) ? message.join(' ') : String(message);
    workbenchLog.write(`[${type}] ${text}\n`);
    if (VERBOSE) process.stdout.write(`[workbench ${type}] ${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    resolveExit({ code: typeof code === 'number' ? code : Number(code) || 0 });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    // '%c'-styled lines repeat what codeAutomationLog already received.
    if (!text.startsWith('%c ')) workbenchLog.write(`[browser ${msg.type()}] ${text}\n`);
  });
  page.on('pageerror', (err) => workbenchLog.write(`[pageerror] ${err.message}\n`));
  page.on('crash', () => resolveExit({ error: 'the workbench page crashed' }));
  state.server.child.on('exit', (code, signal) =>
    resolveExit({ error: `code-server exited during the run (${code ?? signal}); see code-server.log` }),
  );

  const url = cs.workbenchUrl(port, target?.workspace ?? cs.EXAMPLES_DIR, {
    extensionDevelopmentPath: target?.developmentPath ?? cs.REPO_ROOT,
    extensionTestsPath: path.join(cs.REPO_ROOT, 'out', 'test', 'integration', 'index.js'),
  });
  log(`opening ${url}`);
  const remaining = TIMEOUT_MS - (Date.now() - started);
  const timer = setTimeout(
    () =>
      resolveExit({
        error:
          `timed out after ${Math.round(TIMEOUT_MS / 1000)} s without the workbench reporting the suite's end ` +
          '(codeAutomationExit never called); see test-results/integration/workbench.log',
      }),
    Math.max(remaining, 1000),
  );
  const requests = serveRequests(page, exited);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 }).catch((err) => {
    resolveExit({ error: `could not open the workbench: ${err.message}` });
  });

  const outcome = await exited;
  clearTimeout(timer);
  await requests.catch(() => {});
  await new Promise((resolve) => workbenchLog.end(resolve));

  mochaLog.stop();
  if (state.interrupted) return new Promise(() => {}); // the signal handler exits
  if (!mochaLog.sawSummary()) {
    log('the suite printed no closing `N passed, N failed` line; last lines of workbench.log:');
    const lines = fs.readFileSync(path.join(RESULTS_DIR, 'workbench.log'), 'utf8').trimEnd().split('\n');
    process.stdout.write(lines.slice(-40).join('\n') + '\n');
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (outcome.error) {
    log(`FAILED: ${outcome.error}`);
    return 1;
  }
  log(`suite exited with code ${outcome.code} after ${seconds} s`);
  return outcome.code === 0 ? 0 : outcome.code || 1;
}

/** Copies what is appended to `file` to stdout (polling), and notes the closing summary line. */
function followFile(file) {
  let offset = 0;
  let summary = false;
  let pending = '';
  const pump = () => {
    let fd;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return; // not written yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) offset = 0; // truncated: index.ts starts it afresh
      if (size > offset) {
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        offset = size;
        const text = pending + buf.toString('utf8');
        const cut = text.lastIndexOf('\n') + 1;
        pending = text.slice(cut);
        const complete = text.slice(0, cut);
        if (complete) {
          process.stdout.write(complete);
          if (complete.split('\n').some((l) => SUMMARY_LINE.test(l.trim()))) summary = true;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const timer = setInterval(pump, 200);
  return {
    stop() {
      clearInterval(timer);
      pump();
      if (pending) {
        process.stdout.write(pending + '\n');
        if (SUMMARY_LINE.test(pending.trim())) summary = true;
        pending = '';
      }
    },
    sawSummary: () => summary,
  };
}

main()
  .catch((err) => {
    log(`FAILED: ${err && err.message ? err.message : err}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
