/**
 * Imports and `require()`: the TF.js packages become library references ('tfjs', 'tfjs.layers',
 * ...) that the runtime understands; every other module is opaque to ConvLens.
 */
import { canonicalPath, type ModelRuntime } from '../runtime';
import { unknown, type Value } from '../values';

/** Packages whose exports are the TF.js API (tfjs-node re-exports @tensorflow/tfjs). */
const TFJS_MODULES = new Set([
  '@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-core',
]);

/** The value of a whole module: `import * as tf from ...`, `require(...)`, `await import(...)`. */
export function moduleValue(specifier: string): Value {
  if (TFJS_MODULES.has(specifier)) return { kind: 'ref', path: canonicalPath('tfjs') };
  return unknown(`'${specifier}' is a module ConvLens does not read`);
}

/**
 * One export of a module: `import { layers } from ...` or `const { layers } = require(...)`.
 * A default import of TF.js is the namespace itself (what esModuleInterop bundlers give).
 */
export function moduleMember(module: Value, name: string, runtime: ModelRuntime): Value {
  if (name === 'default') return module;
  if (module.kind === 'ref') return runtime.getAttribute(module, name);
  return unknown(`'${name}' comes from a module ConvLens does not read`);
}
