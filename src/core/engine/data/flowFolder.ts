/**
 * The image folder that a fit() on `datagen.flow_from_directory(directory, ...)` reads, as a
 * ConvLens data setting, when that folder exists. Keras resolves the directory against the
 * working directory; ConvLens tries the bases it is given (the workspace or the current
 * directory, then the source file's folder) in order.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FitSpec } from '../../model/spec';

const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export function flowFolder(fit: FitSpec | undefined, bases: readonly string[]): string | undefined {
  const dir = fit?.data?.generator?.flow?.directory;
  if (!dir) return undefined;
  for (const base of bases) {
    const full = path.resolve(base, dir);
    if (!isDir(full)) continue;
    // Chollet's layout, .../train beside .../validation: the parent holds both splits, and ConvLens' folder data set reads them as given.
    // Not when the code splits the folder itself (validation_split + subset): then it is the classes' folder.
    if (fit?.data?.generator?.flow?.subset !== undefined) return full;
    const parent = path.dirname(full);
    if (path.basename(full) === 'train' && (isDir(path.join(parent, 'validation')) || isDir(path.join(parent, 'val')))) return parent;
    return full;
  }
  return undefined;
}
