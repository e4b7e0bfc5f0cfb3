/**
 * Stage 1 of a run: everything decided before a model exists. The model is checked against
 * what the data will be before anything slow, then the backend is chosen, the data set
 * loaded and the per-batch input treatment (pixel scale, augmentation) settled.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpec } from '../../model/spec';
import { selectBackend, type BackendInfo } from '../backend/select';
import { loadDataset } from '../data';
import { describeShape, type Dataset, type ImageShape } from '../data/types';
import { checkCompatibility, modelIO } from '../data/validate';
import { resolveCompile, type CompileSettings } from './compile';
import { flowFolderLoad } from './flowLoading';
import { checkFlows, describeTrainingData } from './flowSettings';
import { prepareTrainingInput, type TrainingInput } from './trainingInput';
import type { DatasetInfo, TrainEvent, TrainSettings } from './types';

export interface PreparedRun {
  /** One image as the model takes it. */
  shape: ImageShape;
  compile: CompileSettings;
  backend: BackendInfo;
  dataset: Dataset;
  /** The data set as the report and the events describe it. */
  datasetInfo: DatasetInfo;
  input: TrainingInput;
}

/** A loaded data set as the report and the events describe it (also a generative run's). */
export function describeLoaded(d: Dataset): DatasetInfo {
  return {
    name: d.name,
    kind: d.kind,
    inputShape: d.inputShape,
    classNames: d.classNames,
    train: d.train.count,
    validation: d.validation.count,
    test: d.test?.count,
    skipped: d.skipped,
  };
}

/**
 * Fine-tuning trained weights (settings.initialWeights) takes a tenth of the compiled learning
 * rate, as Chollet's fine-tuning recipes lower it: large steps would undo what was learned.
 */
function fineTuning(compile: CompileSettings, settings: TrainSettings): CompileSettings {
  if (!settings.initialWeights || settings.weightsFromCode) return compile;
  const learningRate = Number((compile.learningRate / 10).toPrecision(3));
  return { ...compile, learningRate, notes: [...compile.notes, `fine-tuning trained weights: learning rate ${learningRate}, a tenth of the compiled ${Number(compile.learningRate.toPrecision(3))}`] };
}

/**
 * The run's backend, announced by one 'backend' event; select's own summary line would repeat
 * it, so only its other notes go to the log. Shared with a generative run.
 */
export async function selectRunBackend(tf: typeof tfjs, settings: Pick<TrainSettings, 'backend' | 'nativeKernels'>, emit: (event: Extract<TrainEvent, { type: 'log' | 'backend' }>) => void): Promise<BackendInfo> {
  const backend = await selectBackend(tf, settings.backend, { nativeKernels: settings.nativeKernels, log: (line) => { if (!line.startsWith('TF.js backend:')) emit({ type: 'log', message: line }); } });
  emit({ type: 'backend', backend });
  return backend;
}

export async function prepareRun(tf: typeof tfjs, spec: ModelSpec, settings: TrainSettings, emit: (event: TrainEvent) => void): Promise<PreparedRun> {
  const log = (message: string): void => emit({ type: 'log', message });
  const io = modelIO(spec);
  // The code's flow_from_directory decides the folder's image size, and its class_mode must suit the model, as in Keras.
  const shape = checkCompatibility(io, describeTrainingData(settings));
  const compile = fineTuning(resolveCompile(spec, io), settings);
  checkFlows(settings, compile, io.outputUnits, shape);
  // The code's flow_from_directory also decides how the folder is resized, split and ordered.
  const flowLoad = flowFolderLoad(settings);
  for (const note of compile.notes) log(note);
  if (io.inputShape && io.inputShape.length !== 3) log(`${describeShape(shape)} images reshaped to the model's input (${io.inputShape.join(', ')}), as the code's reshape of its data does`);

  const backend = await selectRunBackend(tf, settings, emit);

  const dataset = await loadDataset(settings.data, { inputShape: shape, validationSplit: settings.validationSplit, seed: settings.seed, ...(flowLoad ? { keras: flowLoad.load } : {}) });
  for (const note of flowLoad?.notes ?? []) log(note);
  const datasetInfo = describeLoaded(dataset);
  emit({ type: 'dataset', dataset: datasetInfo });
  if (dataset.skipped.length > 0) log(`skipped ${dataset.skipped.length} unreadable image${dataset.skipped.length === 1 ? '' : 's'} (listed in report.json)`);

  const input = prepareTrainingInput(spec, settings.generator);
  for (const note of input.notes) log(note);
  emit({ type: 'input', input: input.summary });
  return { shape, compile, backend, dataset, datasetInfo, input };
}
