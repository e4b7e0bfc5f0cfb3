#!/usr/bin/env node
'use strict';
// The CLI is bundled by esbuild.js into dist/cli.js (`npm run build`), and loaded through a
// V8 code cache kept per command (see codeCache.js): most of a short command's time would
// otherwise go to compiling the bundle.
const path = require('path');
const { requireWithCodeCache } = require('./codeCache.js');

const argv = process.argv.slice(2);
const { runCli } = requireWithCodeCache(path.join(__dirname, '..', 'dist', 'cli.js'), argv[0] ?? '').exports;
process.exitCode = runCli(argv);
