/**
 * The arguments of a call as the readers hand them to the runtime (positional and keyword
 * values with where each was written), and the canonical spelling of library paths.
 */
import type { SourceRange } from '../model/spec';
import type { Value } from './values';

export interface CallArgs {
  positional: Value[];
  positionalRanges: SourceRange[];
  keyword: Map<string, Value>;
  keywordRanges: Map<string, SourceRange>;
}

export function callArgs(positional: Value[] = [], positionalRanges: SourceRange[] = []): CallArgs {
  return { positional, positionalRanges, keyword: new Map(), keywordRanges: new Map() };
}

/** TF.js passes one config object; spread it into keyword arguments. */
export function dictToKeyword(config: Value | undefined, fallback: SourceRange | undefined): CallArgs {
  const args = callArgs();
  if (config?.kind !== 'dict') return args;
  for (const [k, v] of config.entries) {
    args.keyword.set(k, v);
    const r = config.ranges?.get(k) ?? fallback;
    if (r) args.keywordRanges.set(k, r);
  }
  return args;
}

/**
 * Canonical library paths: every spelling of Keras becomes 'keras.…'
 * (tensorflow.keras, tf.keras, keras.api), every TF.js package 'tfjs.…'.
 */
export function canonicalPath(path: string): string {
  return path
    .replace(/^tensorflow(?=\.|$)/, 'tf')
    .replace(/^tf\.keras(?=\.|$)/, 'keras')
    .replace(/^keras\.(api|src)(?=\.)/, 'keras')
    // TF 2.3–2.5 spelling of the preprocessing layers (keras.io examples still use it).
    .replace(/^keras\.layers\.experimental\.preprocessing(?=\.)/, 'keras.layers')
    .replace(/^keras\.layers\.(core|convolutional|pooling|merge|normalization|preprocessing)(?=\.)/, 'keras.layers');
}
