/**
 * How an image folder is loaded when the run trains on the code's `flow_from_directory`
 * (Keras' legacy ImageDataGenerator API): as Keras' DirectoryIterator loads it. The resize
 * filter is the call's `interpolation` (PIL's, default 'nearest'); with the generator's
 * `validation_split` and the calls' `subset`, the training and validation files are the ones
 * Keras' rule picks (keras/src/legacy/preprocessing/image.py, `set_processing_attrs`:
 * 'validation' is (0, split) of each class's files, 'training' (split, 1)); `shuffle=False`
 * keeps the training batches in file order. Other data sets, and folders trained without a
 * flow_from_directory, load as before.
 */
import { isKerasInterpolation, KERAS_INTERPOLATION_NAMES } from '../data/pilResize';
import { DataError, type KerasFolderLoad } from '../data/types';
import type { FlowSettings, TrainSettings } from './types';

export interface FlowFolderLoad {
  load: KerasFolderLoad;
  /** What the run does as the code says, for the log. */
  notes: string[];
}

function interpolationOf(flow: FlowSettings): string {
  const name = flow.interpolation ?? 'nearest';
  if (typeof name !== 'string') throw new DataError(`${flow.label}: ConvLens cannot read its interpolation (${name.unknown}); write one of ${KERAS_INTERPOLATION_NAMES}`);
  if (!isKerasInterpolation(name)) throw new DataError(`${flow.label}: interpolation='${name}' is not one of Keras' ${KERAS_INTERPOLATION_NAMES} (Keras raises ValueError)`);
  return name;
}

function keepsAspectRatio(flow: FlowSettings): boolean {
  const keep = flow.keepAspectRatio ?? false;
  if (typeof keep !== 'boolean') throw new DataError(`${flow.label}: ConvLens cannot read its keep_aspect_ratio (${keep.unknown}); write True or False`);
  return keep;
}

/** classes=[...] of the training iterator; the validation one must label alike. */
function classesOf(train: FlowSettings, validation: FlowSettings | undefined): string[] | undefined {
  for (const flow of [train, validation]) {
    if (flow?.classes !== undefined && !Array.isArray(flow.classes)) throw new DataError(`${flow.label}: ConvLens cannot read its classes (${flow.classes.unknown}); write a list of folder names`);
  }
  const names = (f: FlowSettings | undefined): string | undefined => (Array.isArray(f?.classes) ? f.classes.join('\u0000') : undefined);
  // (Only one side naming them may still agree with the other's sorted folders: the folder decides, not checked here.)
  if (validation && names(validation) !== undefined && names(train) !== undefined && names(validation) !== names(train)) {
    throw new DataError(`${validation.label} labels its classes otherwise than ${train.label} (classes=): the labels would not agree; give both the same classes`);
  }
  return Array.isArray(train.classes) ? train.classes : undefined;
}

type Range = [number, number];

/** The [from, to) fractions of each class's files a flow takes (undefined: all, no subset). */
function subsetRange(flow: FlowSettings): Range | undefined {
  const { subset } = flow;
  if (subset === undefined) return undefined;
  if (typeof subset !== 'string') throw new DataError(`${flow.label}: ConvLens cannot read its subset (${subset.unknown}); write 'training' or 'validation'`);
  if (subset !== 'training' && subset !== 'validation') throw new DataError(`${flow.label}: subset='${subset}' is not 'training' or 'validation' (Keras raises ValueError)`);
  const split = flow.validationSplit ?? 0;
  if (typeof split !== 'number') throw new DataError(`${flow.label}: subset='${subset}' cuts by its ImageDataGenerator's validation_split, which ConvLens cannot read (${split.unknown})`);
  if (split !== 0 && !(split > 0 && split < 1)) throw new DataError(`${flow.label}: its ImageDataGenerator's validation_split=${split} is not strictly between 0 and 1 (Keras raises ValueError)`);
  if (split === 0 && subset === 'validation') {
    throw new DataError(`${flow.label}: subset='validation' but its ImageDataGenerator has no validation_split, so Keras finds 0 images: give it validation_split=0.2 (or another fraction)`);
  }
  return subset === 'validation' ? [0, split] : [split, 1];
}

const percent = (f: number): string => `${Number((f * 100).toPrecision(4))}%`;

function describeRange([from, to]: Range): string {
  if (from === 0 && to === 1) return 'all of each class\'s files';
  if (from === 0) return `the first ${percent(to)} of each class's files`;
  if (to === 1) return `each class's files after the first ${percent(from)}`;
  return `each class's files from ${percent(from)} to ${percent(to)}`;
}

/** The folder load the code's iterators ask for; undefined when the run does not train a folder on flow_from_directory. */
export function flowFolderLoad(settings: Pick<TrainSettings, 'data' | 'generator'> & Partial<Pick<TrainSettings, 'validationSplit'>>): FlowFolderLoad | undefined {
  const train = settings.generator?.flow;
  if (settings.data.kind !== 'folder' || train?.method !== 'flow_from_directory') return undefined;
  const given = settings.generator?.validationFlow;
  const validationFlow = given?.method === 'flow_from_directory' ? given : undefined;
  // Its resize applies to the validation images (Chollet's validation/ folder too); its subset only
  // when it reads the same folder (ConvLens loads one folder: another one's split is not reproduced).
  const validation = validationFlow?.directory !== undefined && validationFlow.directory === train.directory ? validationFlow : undefined;
  const interpolation = interpolationOf(train);
  const validationInterpolation = validationFlow ? interpolationOf(validationFlow) : interpolation;
  const keepAspectRatio = keepsAspectRatio(train);
  const validationKeepAspectRatio = validationFlow ? keepsAspectRatio(validationFlow) : keepAspectRatio;
  const cropped = keepAspectRatio ? ', the centred crop of the target\'s aspect ratio (keep_aspect_ratio=True)' : '';
  const notes = [`images resized by PIL's ${interpolation} filter (interpolation='${interpolation}'${interpolation === 'nearest' ? ', Keras\' default' : ''})${cropped}, as Keras' load_img does`];
  const load: KerasFolderLoad = { interpolation, validationInterpolation, followLinks: train.followLinks ?? false };
  const classes = classesOf(train, validationFlow);
  if (classes) {
    load.classes = classes;
    notes.push(`classes ${classes.map((c, i) => `${i} = ${c}`).join(', ')} (classes=[...] in ${train.label}); other folders are not read`);
  }
  if (keepAspectRatio || validationKeepAspectRatio) Object.assign(load, { keepAspectRatio, validationKeepAspectRatio });
  if (train.shuffle === false) {
    load.fileOrder = true;
    notes.push(`training batches in file order, class by class (shuffle=False in ${train.label})`);
  }
  const trainRange = subsetRange(train);
  const validationRange = validation && subsetRange(validation);
  if (trainRange || validationRange) {
    const training = trainRange ?? [0, 1];
    // Without a validation iterator on this folder, ConvLens validates on what subset leaves out.
    const held: Range = validationRange ?? (validation || !trainRange ? [0, 1] : trainRange[0] === 0 ? [trainRange[1], 1] : [0, trainRange[0]]);
    if (held[0] === held[1]) {
      // subset='training' without validation_split: Keras trains on every file and has nothing to validate on.
      notes.push(`${train.label}: subset='training' without validation_split takes all the files in Keras; ConvLens still holds out its own validation share to report validation figures`);
      return { load, notes };
    }
    load.split = { training, validation: held };
    const codeSplit = train.subset !== undefined ? train.validationSplit : validation?.validationSplit;
    if (settings.validationSplit !== undefined && settings.validationSplit !== codeSplit) {
      notes.push(`the run's validation split ${settings.validationSplit} is not used: the code's validation_split and subset decide which files validate`);
    }
    notes.push(`training: ${describeRange(training)}, sorted as Keras lists them (${train.label}); validation: ${describeRange(load.split.validation)} (${validation ? validation.label : 'what subset leaves out: fit() has no validation iterator on this folder'}), Keras' validation_split rule`);
  }
  return { load, notes };
}
