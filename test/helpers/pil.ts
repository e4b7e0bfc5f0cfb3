/**
 * /usr/bin/python3 with PIL as an independent reference (CI installs python3-pil: .ci/run):
 * whether it is there (tests skip, saying why, only when it is not), and byte comparisons.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export const PYTHON = '/usr/bin/python3';

/** null when /usr/bin/python3 can import `modules`; else why not. */
export function pythonMissing(modules: string): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', `import ${modules}`]);
  return r.status === 0 ? null : `${PYTHON} lacks ${modules}: ${String(r.stderr).trim().split('\n').pop()}`;
}

/** The largest difference between two byte images of the same length. */
export function maxByteDiff(a: Uint8Array, b: Uint8Array): number {
  assert.strictEqual(a.length, b.length, 'sizes differ');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
