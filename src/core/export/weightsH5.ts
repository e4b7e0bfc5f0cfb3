/**
 * model.weights.h5 as Keras 3 writes it (keras/src/saving/saving_lib.py, H5IOStore): for
 * each saveable a group `<path>/vars` whose datasets `0`, `1`, … are its variables in
 * Keras' order (trainable, then non-trainable: a Conv2D's kernel then bias, a
 * BatchNormalization's gamma, beta, moving mean, moving variance) and whose `name` attribute
 * is the layer's name (Keras ≥ 3.6); a model's layers under `<path>/layers/<key>`; the
 * top model's own (empty) `vars` at the root. Written with h5wasm (the HDF5 C library in
 * WebAssembly), whose Node build writes real paths, so the file goes to a private temporary
 * folder and comes back as bytes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type * as H5 from 'h5wasm';
import type { Saveable } from './kerasConfig';

/** One variable's values and shape (C order, as TF.js and Keras both store them): float32, or int64 for an optimizer's iteration count. */
export interface Variable {
  shape: number[];
  values: Float32Array | BigInt64Array;
}

type H5Module = typeof H5;

type ImportModule = (specifier: string) => Promise<unknown>;

/**
 * h5wasm is an ES module; `import()` kept out of reach of the CommonJS transform (tsc and
 * esbuild would turn a plain import() into require(), which the Node 20 of VS Code's Electron
 * cannot do for ES modules). The CLI's loader (bin/codeCache.js) runs the bundle from a V8
 * code cache, where Node 20 has no import() at all, so it lends its own under this symbol.
 * Only ever imports h5wasm's own entry file.
 */
function importModule(specifier: string): Promise<unknown> {
  const lent = (globalThis as Record<symbol, ImportModule | undefined>)[Symbol.for('convlens.importModule')];
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return (lent ?? (new Function('specifier', 'return import(specifier)') as ImportModule))(specifier);
}
let loaded: Promise<H5Module> | undefined;

/** h5wasm's Node build as a file URL, found where `require` would look, so the import does not depend on the host's idea of the importing module. */
function h5wasmEntry(): string {
  for (const dir of require.resolve.paths('h5wasm') ?? []) {
    const file = path.join(dir, 'h5wasm', 'dist', 'node', 'hdf5_hl.js');
    if (fs.existsSync(file)) return pathToFileURL(file).href;
  }
  return 'h5wasm/node';
}

async function h5wasm(): Promise<H5Module> {
  loaded ??= (async () => {
    const module = (await importModule(h5wasmEntry())) as H5Module;
    await module.ready;
    return module;
  })();
  return loaded;
}

function writeSaveable(group: H5.Group, saveable: Saveable, variables: (name: string) => Variable[]): void {
  const vars = group.create_group('vars');
  vars.create_attribute('name', saveable.name);
  if (saveable.layers) {
    const layers = group.create_group('layers');
    for (const child of saveable.layers) writeSaveable(layers.create_group(child.key), child, variables);
    return;
  }
  writeVariables(vars, variables(saveable.name));
}

function writeVariables(vars: H5.Group, variables: Variable[]): void {
  variables.forEach((v, i) => {
    vars.create_dataset({ name: String(i), data: v.values, shape: v.shape, dtype: v.values instanceof BigInt64Array ? '<q' : '<f' });
  });
}

/** An optimizer's variables, as Keras saves `model.optimizer`: `optimizer/vars/0`, `1`, … */
export interface OptimizerVariables {
  name: string;
  variables: Variable[];
}

/** The bytes of a Keras 3 model.weights.h5 for `model` (its layers' variables by layer name). */
export async function kerasWeightsH5(model: Saveable, variables: (layer: string) => Variable[], optimizer?: OptimizerVariables): Promise<Uint8Array> {
  const h5 = await h5wasm();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-export-'));
  const file = path.join(dir, 'model.weights.h5');
  try {
    const out = new h5.File(file, 'w');
    try {
      writeSaveable(out, model, variables);
      if (optimizer) {
        const vars = out.create_group('optimizer').create_group('vars');
        vars.create_attribute('name', optimizer.name);
        writeVariables(vars, optimizer.variables);
      }
    } finally {
      out.close();
    }
    return new Uint8Array(fs.readFileSync(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
