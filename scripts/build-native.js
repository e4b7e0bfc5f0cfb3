#!/usr/bin/env node
// Builds ConvLens' native kernels (native/: oneDNN convolutions and a max-pooling gradient for
// the TF.js wasm backend) with node-gyp. They are optional: without oneDNN's headers
// (Debian: apt-get install libdnnl-dev) this prints one line and exits 0, and training runs on
// the plain wasm kernels. CONVLENS_REQUIRE_NATIVE=1 (CI) turns a failed build into exit 1;
// CONVLENS_SKIP_NATIVE=1 skips the build.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const NATIVE = path.join(ROOT, 'native');
const HEADER_DIRS = ['/usr/include', '/usr/local/include', process.env.DNNL_ROOT && path.join(process.env.DNNL_ROOT, 'include')].filter(Boolean);
const required = process.env.CONVLENS_REQUIRE_NATIVE === '1';

function giveUp(reason) {
  const line = `ConvLens native kernels not built: ${reason}; training uses the plain wasm kernels`;
  if (required) {
    console.error(`${line} (CONVLENS_REQUIRE_NATIVE=1)`);
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.env.CONVLENS_SKIP_NATIVE === '1') giveUp('CONVLENS_SKIP_NATIVE=1');
const headerDir = HEADER_DIRS.find((d) => fs.existsSync(path.join(d, 'oneapi', 'dnnl', 'dnnl.hpp')));
if (!headerDir) giveUp('oneDNN headers not found (apt-get install libdnnl-dev)');

// The kernels are written against oneDNN 2.x (Debian 12's libdnnl-dev 2.6, the version
// PyTorch 1.13 ships); 3.x changed the primitive-descriptor API they use. Say so before a
// compiler error would, rather than failing with a page of C++.
const versionHeader = path.join(headerDir, 'oneapi', 'dnnl', 'dnnl_version.h');
const major = fs.existsSync(versionHeader) ? /#define DNNL_VERSION_MAJOR (\d+)/.exec(fs.readFileSync(versionHeader, 'utf8'))?.[1] : undefined;
if (major !== undefined && major !== '2') giveUp(`oneDNN ${major}.x is installed, and the kernels need oneDNN 2.x (its API changed in 3.0): install libdnnl-dev 2.x, or point DNNL_ROOT at a 2.x install`);

let nodeGyp;
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [ROOT] });
} catch {
  giveUp('node-gyp is not installed (npm install)');
}

// Build against the headers of the Node that runs this (N-API: the addon also loads in
// Electron's). Machines without internet cannot let node-gyp download them.
const nodeDir = process.env.npm_config_nodedir || path.resolve(process.execPath, '..', '..');
const args = [nodeGyp, 'rebuild', '--loglevel=warn'];
if (fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);

const started = Date.now();
const result = spawnSync(process.execPath, args, { cwd: NATIVE, encoding: 'utf8' });
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n');
  console.error(output.slice(-20).join('\n'));
  giveUp(`node-gyp failed (exit ${result.status})`);
}
console.log(`ConvLens native kernels built in ${((Date.now() - started) / 1000).toFixed(1)} s: native/build/Release/convlens_native.node`);
