/** Run folders: `<outDir>/.convlens/runs/<ISO-time>-<model>/`. */
import * as fs from 'fs';
import * as path from 'path';

export function runsRoot(outDir: string): string {
  return path.join(outDir, '.convlens', 'runs');
}

/** The model's part of its run folders' names: safe on every file system, at most 60 characters. */
export function runFolderLabel(modelName: string): string {
  return modelName.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '').slice(0, 60) || 'model';
}

/** Creates a fresh run folder (ISO time with ':' made '-', so it is a valid name everywhere). */
export function createRunDir(outDir: string, modelName: string, now: Date = new Date()): string {
  const root = runsRoot(outDir);
  fs.mkdirSync(root, { recursive: true });
  const label = runFolderLabel(modelName);
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
