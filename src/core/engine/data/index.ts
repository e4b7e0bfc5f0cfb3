/** Data sets for training and previews: the catalog of sources and one entry point over them. */
export * from './types';
export * from './catalog';
export { describeDataset, loadDataset, loadSample, DATASET_SOURCES, type DatasetSource } from './registry';
export { checkCompatibility, modelIO, type DataDescription, type ModelIO } from './validate';
export { decodeImage, IMAGE_EXTENSIONS } from './folder';
export { MNIST_SHAPE } from './mnist';
export { SYNTHETIC_CLASSES } from './synthetic';
