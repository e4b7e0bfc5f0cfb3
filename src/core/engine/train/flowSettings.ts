/**
 * What the code's Keras iterators (`datagen.flow_from_directory(...)`, `datagen.flow(...)`) say
 * about the data, and the checks Keras' fit() would make of them: flow_from_directory loads
 * the folder at target_size in color_mode (the model must take that shape), and class_mode's
 * labels must suit the model's output and loss.
 */
import { isUnknown, type ConfigValue, type DataFlowSpec, type FitGenerator, type FitSpec } from '../../model/spec';
import { describeDataset } from '../data';
import { DataError, describeShape, type DatasetSpec, type ImageShape } from '../data/types';
import type { DataDescription } from '../data/validate';
import type { CompileSettings } from './compile';
import type { FlowSettings, TrainSettings } from './types';

/** `datagen.flow_from_directory`: the generator's name (or its class) and the iterator method. */
function iteratorCall(g: FitGenerator, flow: DataFlowSpec): string {
  return `${g.name || 'ImageDataGenerator(...)'}.${flow.method}`;
}

/** `train_generator = datagen.flow_from_directory(...), line 22`: how messages name an iterator. */
function flowLabel(g: FitGenerator, flow: DataFlowSpec): string {
  const call = `${iteratorCall(g, flow)}(...)`;
  return `${flow.name ? `${flow.name} = ` : ''}${call}, line ${flow.range.start.line}`;
}

/** The iterator a fit() argument is (undefined: the generator itself, or no generator). */
export function flowSettings(g: FitGenerator | undefined): FlowSettings | undefined {
  const flow = g?.flow;
  if (!g || !flow) return undefined;
  return {
    label: flowLabel(g, flow), method: flow.method,
    ...(flow.directory !== undefined ? { directory: flow.directory } : {}),
    ...(flow.targetSize ? { targetSize: flow.targetSize } : {}),
    ...(flow.colorMode !== undefined ? { colorMode: flow.colorMode } : {}),
    ...(flow.classMode !== undefined ? { classMode: flow.classMode } : {}),
    ...(flow.batchSize !== undefined ? { batchSize: flow.batchSize } : {}),
    ...(flow.interpolation !== undefined ? { interpolation: flow.interpolation } : {}),
    ...(flow.classes !== undefined ? { classes: flow.classes } : {}),
    ...(flow.subset !== undefined ? { subset: flow.subset } : {}),
    ...(flow.shuffle !== undefined ? { shuffle: flow.shuffle } : {}),
    ...(flow.followLinks !== undefined ? { followLinks: flow.followLinks } : {}),
    ...(flow.keepAspectRatio !== undefined ? { keepAspectRatio: flow.keepAspectRatio } : {}),
    ...validationSplitOf(g.config['validation_split']),
  };
}

function validationSplitOf(v: ConfigValue | undefined): Pick<FlowSettings, 'validationSplit'> {
  if (v === undefined || v === null) return {};
  if (typeof v === 'number') return { validationSplit: v };
  return { validationSplit: { unknown: isUnknown(v) ? v.unknown : 'validation_split is not a number' } };
}

/**
 * Where a fit() batch size comes from: an iterator's batch_size (Keras refuses batch_size=
 * beside one), as `train_datagen.flow_from_directory, line 22`; undefined: fit() itself.
 */
export function batchSizeOrigin(fit: FitSpec | undefined): { call: string; line: number } | undefined {
  const g = fit?.data?.generator;
  const flow = g?.flow;
  if (!g || flow?.batchSize === undefined || fit?.batchSize !== flow.batchSize) return undefined;
  return { call: iteratorCall(g, flow), line: flow.range.start.line };
}

/**
 * Where the validation split comes from when fit() trains on flow_from_directory(subset=...):
 * its ImageDataGenerator's validation_split (Keras splits each class's files by it), as
 * `datagen(validation_split) with subset='training'`, line of the ImageDataGenerator; undefined
 * when the code does not split that way.
 */
export function subsetSplitOrigin(fit: FitSpec | undefined): { split: number; call: string; line: number } | undefined {
  const g = fit?.data?.generator;
  const flow = g?.flow;
  const split = g?.config['validation_split'];
  if (!g || flow?.method !== 'flow_from_directory' || typeof flow.subset !== 'string' || typeof split !== 'number' || !(split > 0 && split < 1)) return undefined;
  return { split, call: `${g.name || 'ImageDataGenerator'}(validation_split) with subset='${flow.subset}'`, line: g.range.start.line };
}

const CHANNELS: Record<string, number> = { grayscale: 1, rgb: 3, rgba: 4 };

/** The image shape flow_from_directory gives (target_size × color_mode's channels); undefined when unknown. */
export function flowImageShape(flow: FlowSettings): ImageShape | undefined {
  if (flow.method !== 'flow_from_directory' || !flow.targetSize) return undefined;
  const mode = flow.colorMode ?? 'rgb';
  const channels = CHANNELS[mode];
  if (channels === undefined) throw new DataError(`${flow.label}: color_mode='${mode}' is not one of Keras' 'grayscale', 'rgb', 'rgba'`);
  return [flow.targetSize[0], flow.targetSize[1], channels];
}

/**
 * The data as the run loads it: an image folder that stands for the code's flow_from_directory
 * directory is loaded at that call's target_size and color_mode (other data sets keep their own).
 */
export function describeTrainingData(settings: Pick<TrainSettings, 'data' | 'generator'>): DataDescription {
  const data = describeDataset(settings.data);
  const flow = settings.generator?.flow;
  const shape = flow && isFolder(settings.data) ? flowImageShape(flow) : undefined;
  if (!flow || !shape) return data;
  const settingsText = `target_size=(${shape[0]}, ${shape[1]}), color_mode='${flow.colorMode ?? 'rgb'}'`;
  // classes=[...]: Keras trains on those folders only, labelled in that order.
  const classes = Array.isArray(flow.classes) ? { numClasses: flow.classes.length, classNames: [...flow.classes] } : {};
  return { ...data, ...classes, flow: { shape, label: flow.label, settings: settingsText } };
}

function isFolder(data: DatasetSpec): boolean {
  return data.kind === 'folder';
}

/** What each class_mode makes of a batch's labels, for messages. */
const LABELS: Record<string, string> = {
  binary: 'one 0/1 label per image',
  categorical: 'one-hot labels (one column per class)',
  sparse: 'one integer class label per image',
};

/**
 * class_mode's labels against the model: 'binary' and 'sparse' give one number per image,
 * 'categorical' a one-hot row. A pairing that Keras rejects, or trains on mis-shaped labels,
 * is a DataError that says what to change. The loss is only held against the mode when the
 * code compiles one (ConvLens' default loss follows the output).
 */
export function checkClassMode(flow: FlowSettings, compile: Pick<CompileSettings, 'loss' | 'source'>, outputUnits: number | null): void {
  const mode = flow.classMode ?? 'categorical';
  const labels = LABELS[mode];
  const where = `${flow.label}: class_mode='${mode}'`;
  if (!labels) {
    const why = mode === 'input' || mode === 'none' ? 'gives no class labels (an autoencoder\'s or prediction\'s iterator); ConvLens trains classifiers on labelled folders' : 'is not one of Keras\' class modes';
    throw new DataError(`${where} ${why}: use 'binary', 'categorical' or 'sparse'`);
  }
  const units = outputUnits ?? 0;
  const loss = compile.source.loss === 'code' ? compile.loss : undefined;
  const output = `the model ends in ${units} unit${units === 1 ? '' : 's'}${loss ? ` with ${loss}` : ''}`;
  let fix: string | undefined;
  if (mode === 'binary') {
    // 0/1 numbers: a 1-unit output (binary_crossentropy, mse), or class ids for sparse_categorical_crossentropy.
    if (loss !== 'sparse_categorical_crossentropy' && (units !== 1 || (loss !== undefined && loss !== 'binary_crossentropy' && loss !== 'mean_squared_error'))) {
      fix = units > 1 ? "use class_mode='categorical' (or end with Dense(1, activation='sigmoid') and binary_crossentropy)" : 'compile with binary_crossentropy';
    }
  } else if (mode === 'categorical') {
    if (units === 1) fix = "use class_mode='binary' (or end with one unit per class and categorical_crossentropy)";
    else if (loss === 'sparse_categorical_crossentropy') fix = "use class_mode='sparse', or compile with categorical_crossentropy";
  } else if (loss !== undefined && loss !== 'sparse_categorical_crossentropy' && !(units === 1 && loss === 'binary_crossentropy')) {
    fix = units === 1 ? 'compile with binary_crossentropy' : "use class_mode='categorical', or compile with sparse_categorical_crossentropy";
  }
  if (fix) throw new DataError(`${where} gives ${labels}, but ${output}: ${fix} (Keras would fail or learn nothing)`);
}

/**
 * Every iterator fit() is given (training, then validation), checked against the model: its
 * class_mode, and the validation iterator's image shape against `shape`, the one the folder is
 * loaded at (checkCompatibility holds the training iterator's against the model).
 */
export function checkFlows(settings: Pick<TrainSettings, 'data' | 'generator'>, compile: Pick<CompileSettings, 'loss' | 'source'>, outputUnits: number | null, shape: ImageShape): void {
  for (const flow of [settings.generator?.flow, settings.generator?.validationFlow]) {
    if (flow?.method === 'flow_from_directory') checkClassMode(flow, compile, outputUnits);
  }
  const validation = settings.generator?.validationFlow;
  const given = validation && isFolder(settings.data) ? flowImageShape(validation) : undefined;
  if (validation && given?.some((d, i) => d !== shape[i])) {
    throw new DataError(`${validation.label} gives ${describeShape(given)} images (target_size=(${given[0]}, ${given[1]}), color_mode='${validation.colorMode ?? 'rgb'}') but the model's input is ${describeShape(shape)}: make them agree (Keras fails on this too)`);
  }
}
