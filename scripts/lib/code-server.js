// Shared by scripts/test-integration.js and scripts/run.js: locating, installing, starting
// and stopping code-server (VS Code 1.100.3 in a Node server, shown in a browser) on
// loopback, with this repository loaded as a development extension. Plain CommonJS.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const { cacheRoot } = require('../../bin/codeCache.js');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const CACHE_DIR = cacheRoot();
const CODE_SERVER_BIN = path.join(CACHE_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CONVLENS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Runs scripts/setup-code-server.sh (idempotent: quick when everything is installed). */
function ensureSetup() {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'setup-code-server.sh')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (r.error) throw new Error(`could not run setup-code-server.sh: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`scripts/setup-code-server.sh failed (exit ${r.status ?? r.signal})`);
  if (!fs.existsSync(CODE_SERVER_BIN)) throw new Error(`code-server is missing after setup: ${CODE_SERVER_BIN}`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is missing after setup: ${CHROMIUM}`);
}

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:port. */
function portInUse(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** User settings that keep a fresh profile quiet and offline. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.commandCenter': false,
};

/**
 * Starts code-server in its own process group (so it and its children — extension host,
 * file watcher, pty host — can be stopped together) and returns
 * { port, url, child, logFile, stop() }.
 */
async function startCodeServer({ port, dataDir, logFile, env = {}, workspace = EXAMPLES_DIR, extraArgs = [] }) {
  fs.mkdirSync(path.join(dataDir, 'ext'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'user', 'User'), { recursive: true });
  const settingsFile = path.join(dataDir, 'user', 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(QUIET_SETTINGS, null, 2));
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = fs.openSync(logFile, 'w');
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir',
    path.join(dataDir, 'ext'),
    '--user-data-dir',
    path.join(dataDir, 'user'),
    ...extraArgs,
    workspace,
  ];
  const child = spawn(CODE_SERVER_BIN, args, {
    cwd: REPO_ROOT,
    detached: true, // own process group: stop() signals all of it
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...env },
  });
  fs.closeSync(logFd);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const url = `http://127.0.0.1:${port}/`;
  const stop = () => stopProcessGroup(child);
  return { port, url, child, logFile, stop, exitInfo: () => exited };
}

/** Waits until code-server answers HTTP (any status below 500), or throws. */
async function waitForHttp(server, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const info = server.exitInfo();
    if (info) throw new Error(`code-server exited early (${info.code ?? info.signal}); see ${server.logFile}`);
    const status = await new Promise((resolve) => {
      const req = http.get(server.url, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.setTimeout(15000, () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status && status < 500) return;
    await sleep(250);
  }
  throw new Error(`code-server did not answer on ${server.url} within ${timeoutMs} ms; see ${server.logFile}`);
}

/** SIGTERM to a process group, SIGKILL after `graceMs` if it is still there. Never throws. */
async function stopProcessGroup(child, graceMs = 3000) {
  if (!child || !child.pid) return;
  const alive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) killProcessGroupNow(child.pid);
}

/** Synchronous last resort (for process.on('exit')): SIGKILL to the group of `pid`. */
function killProcessGroupNow(pid) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** The workbench URL that opens `folder` with extra launch options (development extension, tests). */
function workbenchUrl(port, folder, payload) {
  const authority = `127.0.0.1:${port}`;
  const remote = (p) => `vscode-remote://${authority}${p.split(path.sep).join('/')}`;
  const entries = Object.entries(payload).map(([k, v]) => [k, remote(v)]);
  let url = `http://${authority}/?folder=${encodeURIComponent(folder)}`;
  if (entries.length) url += `&payload=${encodeURIComponent(JSON.stringify(entries))}`;
  return url;
}

module.exports = {
  REPO_ROOT,
  EXAMPLES_DIR,
  CACHE_DIR,
  CODE_SERVER_BIN,
  CHROMIUM,
  CHROMIUM_ARGS,
  ensureSetup,
  freePort,
  portInUse,
  sleep,
  startCodeServer,
  waitForHttp,
  stopProcessGroup,
  killProcessGroupNow,
  workbenchUrl,
};
