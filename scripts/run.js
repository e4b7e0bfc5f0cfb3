#!/usr/bin/env node
// Opens VS Code on examples/ with this repository loaded as a development extension.
// Builds nothing: run `npm run build` first (dist/extension.js must exist).
//
//   node scripts/run.js [--port 8080] [--no-code]
//
// With a desktop VS Code (`code` on PATH): `code --extensionDevelopmentPath=<repo> <repo>/examples`.
// Otherwise (or with --no-code): installs code-server on demand (scripts/setup-code-server.sh),
// serves VS Code on http://127.0.0.1:<port>/ and prints the address to open in a browser;
// that address carries the development extension, so open that one (not the bare address).
// Runs until Ctrl-C, then stops code-server and everything it started.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const cs = require('./lib/code-server');

function usage(code) {
  process.stdout.write('usage: node scripts/run.js [--port N] [--no-code]\n');
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { port: 8080, useCode: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port' || a.startsWith('--port=')) {
      const v = a.includes('=') ? a.slice('--port='.length) : argv[++i];
      opts.port = Number(v);
      if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
        process.stderr.write(`run: bad port ${JSON.stringify(v)}\n`);
        usage(2);
      }
    } else if (a === '--no-code') {
      opts.useCode = false;
    } else if (a === '-h' || a === '--help') {
      usage(0);
    } else {
      process.stderr.write(`run: unknown argument ${a}\n`);
      usage(2);
    }
  }
  return opts;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(cs.REPO_ROOT, 'dist', 'extension.js'))) {
    process.stderr.write('run: dist/extension.js is missing: run `npm run build` first.\n');
    process.exit(1);
  }

  if (opts.useCode && onPath('code')) {
    const args = [`--extensionDevelopmentPath=${cs.REPO_ROOT}`, cs.EXAMPLES_DIR];
    process.stdout.write(`run: code ${args.join(' ')}\n`);
    const child = spawn('code', args, { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    child.on('error', (err) => {
      process.stderr.write(`run: could not start code: ${err.message}\n`);
      process.exit(1);
    });
    return;
  }

  cs.ensureSetup();
  if (await cs.portInUse(opts.port)) {
    process.stderr.write(`run: port ${opts.port} on 127.0.0.1 is in use; pass --port N\n`);
    process.exit(1);
  }
  // A persistent profile in the cache folder: settings and UI state survive restarts.
  const dataDir = path.join(cs.CACHE_DIR, 'run-profile');
  const logFile = path.join(dataDir, 'code-server.log');
  const server = await cs.startCodeServer({ port: opts.port, dataDir, logFile });

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nrun: stopping code-server\n');
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  process.on('SIGHUP', () => stop(0));
  process.on('exit', () => cs.killProcessGroupNow(server.child.pid));
  server.child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`run: code-server exited (${code ?? signal}); see ${logFile}\n`);
    process.exit(code || 1);
  });

  try {
    await cs.waitForHttp(server);
  } catch (err) {
    process.stderr.write(`run: ${err.message}\n`);
    await stop(1);
    return;
  }
  const url = cs.workbenchUrl(opts.port, cs.EXAMPLES_DIR, { extensionDevelopmentPath: cs.REPO_ROOT });
  process.stdout.write(
    [
      '',
      'ConvLens is loaded as a development extension in VS Code (code-server) at:',
      '',
      `  ${url}`,
      '',
      `Open that address in a browser on this machine (the server listens on 127.0.0.1 only; from`,
      `elsewhere forward the port, e.g. ssh -L ${opts.port}:127.0.0.1:${opts.port}). The bare`,
      `http://127.0.0.1:${opts.port}/ opens VS Code without the extension. After \`npm run build\`,`,
      'reload the page (or run "Developer: Reload Window") to pick up changes.',
      `Server log: ${logFile}. Press Ctrl-C to stop.`,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`run: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
