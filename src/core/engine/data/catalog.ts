/**
 * The data sets ConvLens trains on and previews, as plain descriptors: ids, labels, the
 * line a quick pick shows, how the CLI and messages name them. No Node or TF.js here, so a
 * webview protocol or UI can list the sources; how each is loaded and sampled lives in
 * ./registry.ts, keyed by the same ids. Adding a data set starts with an entry here.
 */

export interface DatasetDescriptor {
  /** What `--data` and convlens.json's "data" take (a folder is given by its path instead). */
  id: string;
  /** The quick pick's label. */
  label: string;
  /** One line for the quick pick: size, shape, split. */
  description: string;
  /** How messages name the images ('MNIST digits are 28×28×1'). */
  noun: string;
  /** Set when the data set is chosen by a path (`--data ./images`), not by its id; the CLI's words for that path. */
  path?: string;
  /** What the augmentation preview asks for one image of it by: an index into the data set, or an image file. */
  sample: { source: string; by: 'index' | 'path'; /** For `--index` help and the preview's labels. */ noun: string };
}

export const DATASETS = [
  {
    id: 'mnist',
    label: 'MNIST digits',
    description: '10,000 real digits, 28×28×1, 8,000 train / 2,000 validation',
    noun: 'MNIST digits',
    sample: { source: 'mnist', by: 'index', noun: 'MNIST digit' },
  },
  {
    id: 'synthetic',
    label: 'Synthetic shapes',
    description: "generated circles, squares, triangles, crosses at the model's input size",
    noun: 'the synthetic shapes',
    sample: { source: 'synthetic', by: 'index', noun: 'synthetic shape' },
  },
  {
    id: 'folder',
    label: 'Image folder…',
    description: 'one subfolder per class, JPEG or PNG',
    noun: 'the image folder',
    path: 'a folder with one subfolder of images per class',
    sample: { source: 'file', by: 'path', noun: 'image file' },
  },
] as const satisfies readonly DatasetDescriptor[];

type Entry = (typeof DATASETS)[number];

/** 'mnist' | 'synthetic' | 'folder': a data set's kind. */
export type DatasetId = Entry['id'];
/** The data sets named by their id alone (no path). */
export type NamedDatasetId = Exclude<Entry, { path: string }>['id'];
/** Where the augmentation preview takes an image from: 'mnist' | 'synthetic' | 'file'. */
export type SampleSourceId = Entry['sample']['source'];
/** The preview sources that pick an image by index. */
export type IndexedSampleSourceId = Extract<Entry['sample'], { by: 'index' }>['source'];

type SampleOf<K extends DatasetId> = Extract<Entry, { id: K }>['sample'];
/** What the preview asks data set `K` for: its k-th image, or an image file. */
export type SampleRequestFor<K extends DatasetId> = SampleOf<K> extends { by: 'index' } ? { kind: SampleOf<K>['source']; index: number } : { kind: SampleOf<K>['source']; path: string };
/** One image for the augmentation preview: `{ kind: 'mnist', index: 3 }`, `{ kind: 'file', path }`. */
export type SampleRequest = { [K in DatasetId]: SampleRequestFor<K> }[DatasetId];

export const DATASET_IDS: readonly DatasetId[] = DATASETS.map((d) => d.id);
export const NAMED_DATASET_IDS: readonly NamedDatasetId[] = DATASETS.filter((d): d is Extract<Entry, { id: NamedDatasetId }> => !('path' in d)).map((d) => d.id);
/** Every source a preview protocol may ask for, in the catalog's order. */
export const SAMPLE_SOURCES: readonly SampleSourceId[] = DATASETS.map((d) => d.sample.source);
export const INDEXED_SAMPLE_SOURCES: readonly IndexedSampleSourceId[] = DATASETS.map((d) => d.sample).filter((s): s is Extract<Entry['sample'], { by: 'index' }> => s.by === 'index').map((s) => s.source);

export function isDatasetId(v: unknown): v is DatasetId {
  return (DATASET_IDS as readonly unknown[]).includes(v);
}

export function isNamedDatasetId(v: unknown): v is NamedDatasetId {
  return (NAMED_DATASET_IDS as readonly unknown[]).includes(v);
}

export function isSampleSourceId(v: unknown): v is SampleSourceId {
  return (SAMPLE_SOURCES as readonly unknown[]).includes(v);
}

export function isIndexedSampleSourceId(v: unknown): v is IndexedSampleSourceId {
  return (INDEXED_SAMPLE_SOURCES as readonly unknown[]).includes(v);
}

export function datasetDescriptor(id: DatasetId): Entry {
  return DATASETS.find((d) => d.id === id) as Entry;
}

/** `'a', 'b' or <last>` for messages and help texts. */
function either(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The `--data` help: `'mnist', 'synthetic', or a folder with one subfolder of images per class`. */
export function dataArgumentHelp(): string {
  const named = NAMED_DATASET_IDS.map((id) => `'${id}'`);
  const paths = DATASETS.flatMap((d) => ('path' in d ? [d.path] : []));
  return `${named.join(', ')}, or ${paths.join(', or ')}`;
}

/** `mnist, synthetic or a folder with one subfolder of images per class`, for error messages. */
export function dataArgumentChoices(): string {
  return either([...NAMED_DATASET_IDS, ...DATASETS.flatMap((d) => ('path' in d ? [d.path] : []))]);
}

/** The augment CLI's `--image` help: `'synthetic', 'mnist', or an image file`. */
export function sampleArgumentHelp(): string {
  const byIndex = DATASETS.filter((d) => d.sample.by === 'index').map((d) => `'${d.sample.source}'`);
  const byPath = DATASETS.filter((d) => d.sample.by === 'path').map((d) => `an ${d.sample.noun}`);
  return `${byIndex.join(', ')}, or ${byPath.join(', or ')}`;
}

/** The augment CLI's `--index` help: `which MNIST digit or synthetic shape`. */
export function sampleIndexHelp(): string {
  return `which ${either(DATASETS.filter((d) => d.sample.by === 'index').map((d) => d.sample.noun))}`;
}
