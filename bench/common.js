// What the bench scripts share: their command-line options, medians, and a Python with torch.
'use strict';
const { spawnSync } = require('child_process');

/** The value after `--name` on the command line, else `fallback`. */
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The first Python that imports torch: $PYTHON, the one on PATH, then Debian's (python3-torch
 * installs into /usr/bin/python3, which a pyenv on PATH may shadow). `{ python }`, or
 * `{ missing }` with the last one's error line.
 */
function torchPython() {
  let missing = 'python3 not found';
  for (const candidate of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const r = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return { python: candidate };
    missing = (r.stderr || r.error?.message || `${candidate} failed`).trim().split('\n').pop();
  }
  return { missing };
}

module.exports = { arg, median, torchPython };
