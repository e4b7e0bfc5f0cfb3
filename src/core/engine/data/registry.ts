/**
 * How each data set of ./catalog.ts is described (before loading, to check a model against
 * it), loaded for training and sampled for previews. Training, the CLI and the augmentation
 * preview all go through here; the heavy parts (the MNIST JSON, sharp) load on first use.
 */
import { DATASETS, type DatasetId, type SampleRequest, type SampleRequestFor } from './catalog';
import { folderClasses, imageFileSample, loadFolder, type KerasResize } from './folder';
import { MNIST_SHAPE, loadMnist, mnistSample } from './mnist';
import { SYNTHETIC_CLASSES, loadSynthetic, syntheticSample } from './synthetic';
import { DataError, type Dataset, type DatasetSpec, type ImageShape, type LoadOptions, type SampleImage } from './types';
import type { DataDescription } from './validate';

export interface DatasetSource<K extends DatasetId> {
  /** What is known before loading (for validating a model first); a folder lists its classes but decodes nothing. */
  describe: (spec: Extract<DatasetSpec, { kind: K }>) => DataDescription;
  load: (spec: Extract<DatasetSpec, { kind: K }>, options: LoadOptions) => Promise<Dataset> | Dataset;
  /** One image at `shape` for the augmentation preview (an image file resized as Keras' load_img does when `keras` is given). */
  sample: (request: SampleRequestFor<K>, shape: ImageShape, keras?: KerasResize) => Promise<SampleImage> | SampleImage;
}

function checkIndex(index: number, what: string): number {
  if (!Number.isSafeInteger(index) || index < 0) throw new DataError(`the ${what} index must be a whole number from 0, not ${String(index)}`);
  return index;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const DATASET_SOURCES: { [K in DatasetId]: DatasetSource<K> } = {
  mnist: {
    describe: () => ({ kind: 'mnist', fixedShape: [...MNIST_SHAPE], numClasses: DIGITS.length, classNames: [...DIGITS] }),
    load: () => loadMnist(),
    sample: (request, shape) => mnistSample(checkIndex(request.index, 'MNIST sample'), shape),
  },
  synthetic: {
    describe: (spec) => {
      const n = spec.classes ?? 4;
      return { kind: 'synthetic', numClasses: n, classNames: SYNTHETIC_CLASSES.slice(0, n) };
    },
    load: (spec, options) =>
      loadSynthetic({
        inputShape: options.inputShape,
        count: spec.count,
        classes: spec.classes,
        noise: spec.noise,
        validationSplit: options.validationSplit,
        seed: options.seed,
      }),
    sample: (request, shape) => syntheticSample(checkIndex(request.index, 'synthetic sample'), shape),
  },
  folder: {
    describe: (spec) => {
      const classNames = folderClasses(spec.path);
      return { kind: 'folder', label: `the images in ${spec.path}`, numClasses: classNames.length, classNames };
    },
    load: (spec, options) => {
      const { inputShape } = options;
      if (!inputShape) throw new DataError('loading an image folder needs the model input size (height, width, channels)');
      return loadFolder(spec.path, { inputShape, validationSplit: options.validationSplit, seed: options.seed, maxImages: spec.maxImages, ...(options.keras ? { keras: options.keras } : {}) });
    },
    sample: (request, shape, keras) => imageFileSample(request.path, shape, keras),
  },
};

function sourceOf<K extends DatasetId>(kind: K): DatasetSource<K> {
  return DATASET_SOURCES[kind];
}

export function describeDataset(spec: DatasetSpec): DataDescription {
  return sourceOf(spec.kind).describe(spec);
}

export async function loadDataset(spec: DatasetSpec, options: LoadOptions = {}): Promise<Dataset> {
  return sourceOf(spec.kind).load(spec, options);
}

/** The image a preview asks for, through the data set whose sample source it names. */
export async function loadSample(request: SampleRequest, shape: ImageShape, keras?: KerasResize): Promise<SampleImage> {
  const entry = DATASETS.find((d) => d.sample.source === request.kind);
  if (!entry) throw new DataError(`no data set gives preview images from '${String(request.kind)}'`);
  return sourceOf(entry.id).sample(request as never, shape, keras);
}
