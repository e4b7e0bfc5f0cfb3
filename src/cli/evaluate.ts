/**
 * `convlens evaluate <model.keras | model.h5 | model.json>`: a saved model's accuracy, loss,
 * per-class accuracy and confusion matrix on a data set split, with its own weights and
 * compile settings, as a run's evaluation reports them. Exit codes: 0 done, 2 bad input, 1 internal error.
 */
import { Option, type Command } from 'commander';
import type * as tfjs from '@tensorflow/tfjs';
import { BACKEND_ORDER, backendLabel, selectBackend, type BackendPreference } from '../core/engine/backend/select';
import { describeDataset, loadDataset, parseDatasetSpec } from '../core/engine/data';
import { DataError } from '../core/engine/data/types';
import { checkCompatibility, modelIO } from '../core/engine/data/validate';
import { resolveCompile } from '../core/engine/train/compile';
import { evaluate } from '../core/engine/train/evaluate';
import { openModelFile } from '../core/modelFile/open';
import { loadStoredModel } from '../core/modelFile/weights';
import { guarded } from './inspect';
import type { Io } from './options';

export interface EvaluateCliOptions {
  data: string;
  split: string;
  backend: BackendPreference;
  json?: boolean;
}

export async function runEvaluate(file: string, o: EvaluateCliOptions, io: Io): Promise<number> {
  let model: tfjs.LayersModel | undefined;
  return guarded(io, async () => {
    if (o.split !== 'validation' && o.split !== 'train') throw new DataError(`--split must be validation or train, not '${o.split}'`);
    const opened = openModelFile(file);
    const data = parseDatasetSpec(o.data);
    const io2 = modelIO(opened.spec);
    // The same checks as training: the data must fit the model's input and output.
    const shape = checkCompatibility(io2, describeDataset(data));
    const compile = resolveCompile(opened.spec, io2);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfjs;
    const backend = await selectBackend(tf, o.backend);
    model = loadStoredModel(tf, opened);
    const dataset = await loadDataset(data, { inputShape: shape });
    const split = o.split === 'train' ? dataset.train : dataset.validation;
    const e = await evaluate(tf, model, 'validation', split, shape, dataset.classNames, compile, { runDir: '', galleryCount: 0 });
    const result = { model: opened.spec.name, data: dataset.name, split: o.split, count: e.count, accuracy: e.accuracy, loss: e.loss, classNames: dataset.classNames, perClassAccuracy: e.perClassAccuracy, confusion: e.confusion, backend: backendLabel(backend) };
    if (o.json) io.out(JSON.stringify(result));
    else io.out(`${opened.spec.name} on ${dataset.name} (${o.split}, ${e.count} images): accuracy ${(e.accuracy * 100).toFixed(2)}%, loss ${e.loss.toFixed(4)} (${compile.loss})`);
  }, () => model?.dispose());
}

export function addEvaluateCommand(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program.command('evaluate')
    .description('a saved .keras/.h5/model.json classifier\'s accuracy, loss and confusion matrix on a data set, with its own weights')
    .argument('<model>', 'a .keras, .h5/.hdf5 or TF.js model.json file')
    .requiredOption('--data <source>', 'mnist, synthetic or an image folder')
    .option('--split <name>', 'validation or train', 'validation')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(['auto', ...BACKEND_ORDER]).default('auto'))
    .option('--json', 'print one JSON line: accuracy, loss, per-class accuracy, confusion matrix')
    .action(async (model: string, options: EvaluateCliOptions) => onExit(await runEvaluate(model, options, io)));
}
