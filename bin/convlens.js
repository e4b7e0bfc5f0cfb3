#!/usr/bin/env node
'use strict';
// The CLI is bundled by esbuild.js into dist/cli.js (`npm run build`).
process.exitCode = require('../dist/cli.js').runCli(process.argv.slice(2));
