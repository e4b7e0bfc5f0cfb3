/**
 * `model.compile(...)` and `model.fit(...)` as the code writes them, kept as values for the
 * Train defaults (engine/train reads them): Keras' positional order or TF.js' config object.
 */
import type { Dialect, SourceRange } from '../model/spec';
import { dictToKeyword, type CallArgs } from './callArgs';
import type { DataGeneratorRecorder } from './dataGenerators';
import { camelToSnake } from '../model/catalog';
import type { CompileCall, FitCall, Value } from './values';

export function readCompileCall(dialect: Dialect, args: CallArgs, range: SourceRange): CompileCall {
  let kw = args.keyword;
  if (dialect === 'tfjs') kw = dictToKeyword(args.positional[0], args.positionalRanges[0]).keyword;
  return {
    optimizer: kw.get('optimizer') ?? (dialect === 'keras' ? args.positional[0] : undefined),
    loss: kw.get('loss') ?? (dialect === 'keras' ? args.positional[1] : undefined),
    metrics: kw.get('metrics') ?? (dialect === 'keras' ? args.positional[2] : undefined),
    range,
  };
}

/**
 * Keras: fit(x, y, batch_size, epochs, verbose, callbacks, validation_split, ...);
 * TF.js: fit(x, y, {epochs, batchSize, ...}) and fitDataset(ds, {...}).
 */
export function readFitCall(dialect: Dialect, generators: DataGeneratorRecorder, args: CallArgs, range: SourceRange, legacyGenerator: boolean): FitCall {
  if (dialect === 'tfjs') {
    const config = args.positional.findIndex((v) => v.kind === 'dict');
    const kw = config >= 0 ? dictToKeyword(args.positional[config], args.positionalRanges[config]).keyword : new Map<string, Value>();
    return { keyword: new Map([...kw].map(([k, v]) => [camelToSnake(k), v])), range, legacyGenerator };
  }
  const kw = new Map(args.keyword);
  // fit_generator(generator, steps_per_epoch, epochs, ...) has no y.
  const order = legacyGenerator ? ['x', 'steps_per_epoch', 'epochs'] : ['x', 'y', 'batch_size', 'epochs', 'verbose', 'callbacks', 'validation_split'];
  order.forEach((k, i) => {
    const v = args.positional[i];
    if (v && !kw.has(k)) kw.set(k, v);
  });
  // An ImageDataGenerator's iterator (or the generator itself) as x / fit_generator's generator.
  const data = generators.fitSource(kw.get('x') ?? kw.get('generator'));
  const validationData = generators.fitSource(kw.get('validation_data'));
  return { keyword: kw, range, legacyGenerator, ...(data ? { data } : {}), ...(validationData ? { validationData } : {}) };
}
