/**
 * Telling a saved model file from source code by its name, apart from the readers: the CLI
 * asks this of every file it is given, and the readers (zip, HDF5) cost a few milliseconds
 * to load, which a `convlens summary model.py` should not pay.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Whether ConvLens opens this path as a model file (by its name). */
export function isModelFile(file: string): boolean {
  return /\.(keras|h5|hdf5)$/i.test(file) || path.basename(file).toLowerCase() === 'model.json' || /\.json$/i.test(file) && looksLikeTfjs(file);
}

function looksLikeTfjs(file: string): boolean {
  try {
    const head = fs.readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 4096);
    return head.includes('"modelTopology"');
  } catch {
    return false;
  }
}
