/** Run folders: `<outDir>/.convlens/runs/<ISO-time>-<model>/`. */
import * as fs from 'fs';
import * as path from 'path';

export function runsRoot(outDir: string): string {
  return path.join(outDir, '.convlens', 'runs');
}

/** Creates a fresh run folder (ISO time with ':' made '-', so it is a valid name everywhere). */
export function createRunDir(outDir: string, modelName: string, now: Date = new Date()): string {
  const root = runsRoot(outDir);
  fs.mkdirSync(root, { recursive: true });
  const label = modelName.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '').slice(0, 60) || 'model';
  const base = `${now.toISOString().replace(/:/g, '-')}-${label}`;
  for (let i = 1; ; i++) {
    const dir = path.join(root, i === 1 ? base : `${base}-${i}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
