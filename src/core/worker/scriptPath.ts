/**
 * Where a worker's script is, for every worker alike. workers.json names each worker and
 * its entry source; esbuild.js bundles each to dist/<name>.js from the same file, so the
 * bundler and this lookup cannot disagree about a name.
 */
import * as fs from 'fs';
import * as path from 'path';
import workers from './workers.json';

export type WorkerName = keyof typeof workers;

/** The environment variable that overrides a worker's script: trainWorker → CONVLENS_TRAIN_WORKER. */
export function workerEnvVar(name: WorkerName): string {
  return `CONVLENS_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/**
 * $CONVLENS_<NAME>_WORKER when set; else `<name>.js` next to the running bundle (dist/, where
 * every Node bundle lives); else tsc's output of the entry source (out/src/…/*.js, this file
 * being out/src/core/worker/scriptPath.js). When neither exists, the bundle's path, which
 * the "script is missing" error then names.
 */
export function workerScriptPath(name: WorkerName): string {
  const fromEnv = process.env[workerEnvVar(name)];
  if (fromEnv) return fromEnv;
  const bundled = path.join(__dirname, `${name}.js`);
  const compiled = path.join(__dirname, '..', '..', '..', workers[name].replace(/\.ts$/, '.js'));
  return [bundled, compiled].find((c) => fs.existsSync(c)) ?? bundled;
}
