/** Data sets for training: one entry point over the three sources. */
import { folderClasses, loadFolder } from './folder';
import { MNIST_SHAPE, loadMnist } from './mnist';
import { SYNTHETIC_CLASSES, loadSynthetic } from './synthetic';
import { DataError, type Dataset, type DatasetSpec, type ImageShape, type LoadOptions } from './types';
import type { DataDescription } from './validate';

export * from './types';
export { checkCompatibility, modelIO, type DataDescription, type ModelIO } from './validate';
export { decodeImage, IMAGE_EXTENSIONS } from './folder';
export { MNIST_SHAPE } from './mnist';
export { SYNTHETIC_CLASSES } from './synthetic';

/**
 * What is known about a data set before loading it (for validating a model first). For a
 * folder this lists the class subfolders but decodes nothing.
 */
export function describeDataset(spec: DatasetSpec): DataDescription {
  switch (spec.kind) {
    case 'mnist':
      return { kind: 'mnist', fixedShape: [...MNIST_SHAPE], numClasses: 10, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
    case 'synthetic': {
      const n = spec.classes ?? 4;
      return { kind: 'synthetic', numClasses: n, classNames: SYNTHETIC_CLASSES.slice(0, n) };
    }
    case 'folder': {
      const classNames = folderClasses(spec.path);
      return { kind: 'folder', label: `the images in ${spec.path}`, numClasses: classNames.length, classNames };
    }
  }
}

export async function loadDataset(spec: DatasetSpec, options: LoadOptions = {}): Promise<Dataset> {
  switch (spec.kind) {
    case 'mnist':
      return loadMnist();
    case 'synthetic':
      return loadSynthetic({
        inputShape: options.inputShape,
        count: spec.count,
        classes: spec.classes,
        noise: spec.noise,
        validationSplit: options.validationSplit,
        seed: options.seed,
      });
    case 'folder': {
      const inputShape: ImageShape | undefined = options.inputShape;
      if (!inputShape) throw new DataError('loading an image folder needs the model input size (height, width, channels)');
      return loadFolder(spec.path, { inputShape, validationSplit: options.validationSplit, seed: options.seed, maxImages: spec.maxImages });
    }
  }
}
