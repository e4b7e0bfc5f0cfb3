/**
 * Data sets for training: what every source (MNIST, an image folder, synthetic shapes)
 * produces. Plain typed arrays, so a data set can be built in the training worker and
 * nothing but numbers crosses into TF.js (tensors are made per batch, then disposed).
 */
import { isNamedDatasetId, type DatasetId } from './catalog';

/** Height, width, channels: one image without the batch axis (NHWC, like Keras). */
export type ImageShape = [number, number, number];

/** One split of a data set: `count` images of `inputShape`, flattened HWC, in [0, 1]. */
export interface Split {
  /** count * h * w * c floats, image after image. */
  x: Float32Array;
  /** Class ids, 0 .. numClasses-1. */
  y: Int32Array;
  count: number;
  /** Where each image came from (file path for folders, `mnist:<digit>/<index>` ...), for galleries. */
  sources?: string[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface Dataset {
  /** 'mnist', 'synthetic', or the folder's path. */
  name: string;
  kind: DatasetKind;
  inputShape: ImageShape;
  numClasses: number;
  /** Class names, index = class id (folders: sorted subfolder names). */
  classNames: string[];
  train: Split;
  validation: Split;
  test?: Split;
  /** Unreadable or corrupt files that were left out (image folders). */
  skipped: SkippedFile[];
}

/** The ids of ./catalog.ts. */
export type DatasetKind = DatasetId;

/** Which data set to load; JSON-serialisable so it can travel to the training worker. */
export type DatasetSpec =
  | { kind: 'mnist' }
  | { kind: 'synthetic'; /** images in all (train + validation); default 480 */ count?: number; /** 2-4 shape classes; default 4 */ classes?: number; /** noise standard deviation; default 0.1 */ noise?: number }
  | { kind: 'folder'; path: string; /** refuse folders with more images than this (default 20,000) */ maxImages?: number };

export interface LoadOptions {
  /**
   * The image size the model expects. Folders and synthetic data are produced at this size
   * (images resized, converted to 1 or 3 channels); MNIST is always 28x28x1.
   */
  inputShape?: ImageShape;
  /** Fraction of the data held out for validation (folders without a validation/ subfolder, synthetic). Default 0.2. */
  validationSplit?: number;
  /** Seeds synthetic data and folder validation splits. Default 1. */
  seed?: number;
  /** Image folders: read as the code's flow_from_directory reads them (Keras' resize, split and order). */
  keras?: KerasFolderLoad;
}

/**
 * An image folder loaded the way Keras' legacy `flow_from_directory` loads it: each file resized
 * by PIL with load_img's `interpolation`, and (with validation_split / subset) each class's
 * files split by Keras' rule instead of ConvLens' seeded stratified split.
 */
export interface KerasFolderLoad {
  /** Resize filter of the training iterator, and of the validation one (Keras' names: 'nearest', 'bilinear', ...). */
  interpolation: string;
  validationInterpolation: string;
  /** load_img's keep_aspect_ratio (centred crop before resizing) for each; absent: false, Keras' default. */
  keepAspectRatio?: boolean;
  validationKeepAspectRatio?: boolean;
  /**
   * Per class, the [from, to) fractions of its files (sorted as Keras lists them) that go to
   * training and to validation: Keras takes files[int(from·n) : int(to·n)]. Absent: the folder's
   * own layout or ConvLens' split, as without Keras.
   */
  split?: { training: [number, number]; validation: [number, number] };
  /** Keras' classes=: these folders, labelled in this order; absent: every subfolder, sorted. */
  classes?: string[];
  /** Keras' follow_links: walk symbolic links to subfolders. */
  followLinks: boolean;
  /** Keras' shuffle=False: the training images stay in file order (class by class). */
  fileOrder?: boolean;
}

/** A problem with the data the user can fix (no images, unreadable folder, incompatible model). */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** Parses the CLI's / settings' `--data` value: a catalog id ('mnist', 'synthetic') or a folder path. */
export function parseDatasetSpec(value: string): DatasetSpec {
  return isNamedDatasetId(value) ? { kind: value } : { kind: 'folder', path: value };
}

/** The `--data` value that names `spec` (parseDatasetSpec's inverse): its id, or the folder's path. */
export function datasetArgument(spec: DatasetSpec): string {
  return spec.kind === 'folder' ? spec.path : spec.kind;
}

/** One image for a preview, at the size asked for. */
export interface SampleImage {
  /** 'MNIST digit 3 (#13)', 'synthetic circle #4', the file's name. */
  label: string;
  /** H×W×C floats in [0, 1]. */
  pixels: Float32Array;
  /** Said once with the preview (e.g. that an MNIST digit was stretched). */
  note?: string;
}

export function describeShape(s: readonly (number | null)[]): string {
  return s.map((d) => (d === null ? '?' : String(d))).join('×');
}
