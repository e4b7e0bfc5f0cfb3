/**
 * An image folder, read with Keras' `flow_from_directory` semantics: one subfolder per class
 * (class names = subfolder names, sorted; class id = position), images found recursively
 * inside them. JPEG and PNG files are decoded with sharp, resized to the model's H×W
 * (stretching, like Keras' `target_size`), converted to 1 channel (greyscale) or 3 (RGB,
 * alpha dropped) and rescaled to [0, 1].
 *
 * Layouts:
 *  - `folder/<class>/...`: validation is a stratified, seeded share (`validationSplit`);
 *  - `folder/train/<class>/...` + `folder/validation/<class>/...` (or `val/`), optionally
 *    `folder/test/<class>/...`: the splits as given (Chollet's cats-vs-dogs layout).
 *
 * When the run's data is the code's `flow_from_directory` folder (`options.keras`), it is read
 * as Keras reads it instead: files listed in Keras' order and by its extension list, each one
 * resized by PIL's algorithm with the call's `interpolation` (./pilResize.ts), and with
 * validation_split + subset each class's files split by Keras' rule (see `loadKerasSplit`).
 *
 * Unreadable or corrupt files are skipped and listed in `skipped`. Images are decoded
 * eagerly into one Float32Array; a folder too large for that is refused with a message
 * (`maxImages`, default 20,000, and at most 1 GiB of decoded pixels).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isKerasInterpolation, KERAS_INTERPOLATION_NAMES, kerasCropBox, pilLuma, pilResize, type Bytes8, type Image, type KerasInterpolation, type Pixels } from './pilResize';
import { loadSharp } from './sharp';
import { gather, stratifiedSplit } from './split';
import { dataArgumentChoices } from './catalog';
import { DataError, describeShape, type Dataset, type ImageShape, type KerasFolderLoad, type SampleImage, type SkippedFile, type Split } from './types';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
const MAX_BYTES = 1024 * 1024 * 1024;
const DECODE_CONCURRENCY = 4;

export interface FolderOptions {
  inputShape: ImageShape;
  validationSplit?: number;
  seed?: number;
  maxImages?: number;
  keras?: KerasFolderLoad;
}

interface Listed {
  file: string;
  label: number;
}

/** Whether an entry of `dir` is a folder, a link to one included (as os.path.isdir follows links). */
function isFolderEntry(dir: string, e: fs.Dirent): boolean {
  return e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(dir, e.name)));
}

function subfolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => isFolderEntry(dir, e) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function imagesUnder(dir: string, out: string[] = []): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (isFolderEntry(dir, e)) imagesUnder(p, out);
    else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

/** Keras' `Iterator.white_list_formats`; Keras tests `fname.lower().endswith(...)`, without a dot. */
const KERAS_FORMATS = ['png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff'];

/** Python's str order (code points), which UTF-8 bytes keep; JS's < compares UTF-16 units. */
const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A class folder's image files in Keras' order (keras/src/legacy/preprocessing/image.py,
 * `_iter_valid_files`): every folder `os.walk(classDir, followlinks=follow_links)` reaches,
 * sorted by path, each one's file names sorted. Hidden files count, as in Keras; links to
 * folders are walked only with follow_links (each real folder once, where Python would loop).
 */
export function kerasClassFiles(classDir: string, followLinks: boolean): string[] {
  const folders: { root: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      const real = fs.realpathSync(dir);
      if (seen.has(real)) return;
      seen.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // os.walk skips folders it cannot list
    }
    const files: string[] = [];
    const subfolders: string[] = [];
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (!isFolderEntry(dir, e)) files.push(e.name);
      else if (!e.isSymbolicLink() || followLinks) subfolders.push(p);
    }
    folders.push({ root: dir, files });
    subfolders.forEach(walk);
  };
  walk(classDir);
  folders.sort((a, b) => byCodePoint(a.root, b.root));
  return folders.flatMap(({ root, files }) =>
    files.sort(byCodePoint).filter((f) => KERAS_FORMATS.some((ext) => f.toLowerCase().endsWith(ext))).map((f) => path.join(root, f)));
}

function listClasses(dir: string, classNames: string[], keras?: KerasFolderLoad): Listed[] {
  return classNames.flatMap((name, label) => {
    const classDir = path.join(dir, name);
    if (!isDir(classDir)) return [];
    return (keras ? kerasClassFiles(classDir, keras.followLinks) : imagesUnder(classDir)).map((file) => ({ file, label }));
  });
}

/**
 * Decodes one image file to HWC floats in [0, 1] at the given shape. Greyscale uses PIL's
 * (and so Keras' `color_mode="grayscale"`) ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B,
 * computed here from the RGB pixels (libvips' own greyscale goes through CIE L*, which makes
 * pure red 0.5 instead of 0.3).
 */
export async function decodeImage(file: string, [h, w, c]: ImageShape, keras?: KerasResize): Promise<Float32Array> {
  if (keras) return decodeLikeKeras(file, [h, w, c], keras);
  const sharp = loadSharp();
  const img = sharp(file, { failOn: 'error' }).resize(w, h, { fit: 'fill' }).removeAlpha().toColourspace('srgb');
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== w || info.height !== h) {
    throw new Error(`decoded to ${info.height}×${info.width}×${info.channels}, expected ${h}×${w}×3`);
  }
  const out = new Float32Array(h * w * c);
  if (c === 3) {
    for (let i = 0; i < out.length; i++) out[i] = data[i] / 255;
  } else {
    for (let p = 0; p < h * w; p++) out[p] = Math.round((data[3 * p] * 299 + data[3 * p + 1] * 587 + data[3 * p + 2] * 114) / 1000) / 255;
  }
  return out;
}

/** How Keras' load_img resizes: PIL's filter, and whether a centred crop keeps the aspect ratio. */
export interface KerasResize {
  interpolation: KerasInterpolation;
  keepAspectRatio: boolean;
}

/**
 * Keras' `load_img(file, color_mode, target_size, interpolation, keep_aspect_ratio)`: PIL opens
 * the file, converts it to 'RGB' (alpha dropped, greyscale repeated) or 'L' (PIL's fixed-point
 * luma) at full size, then, when the size differs, resizes with `interpolation` (the centred
 * crop of the target's aspect ratio under keep_aspect_ratio). sharp only decodes here (no ICC
 * conversion: PIL applies none); the conversion and the resize are PIL's own arithmetic.
 * Not reproduced: CMYK JPEGs (PIL's naive CMYK → RGB; sharp's differs by up to 100 of 255 on a
 * test image) and formats sharp cannot decode (BMP, PPM: skipped with the reason).
 */
async function decodeLikeKeras(file: string, [h, w, c]: ImageShape, { interpolation, keepAspectRatio }: KerasResize): Promise<Float32Array> {
  const sharp = loadSharp();
  const input = sharp(file, { failOn: 'error', ignoreIcc: true });
  const meta = await input.metadata();
  let img: Image<Pixels>;
  if (meta.format === 'png' && meta.depth === 'ushort' && meta.channels === 1) {
    img = await wideGrey(file, c);
  } else {
    const { data, info } = await input.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    img = { data, width: info.width, height: info.height, channels: 3 };
    if (c === 1) img = pilLuma(img as Bytes8);
  }
  if (img.width !== w || img.height !== h) img = pilResize(img, w, h, interpolation, keepAspectRatio ? kerasCropBox(img.width, img.height, w, h) : undefined);
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i] / 255;
  return out;
}

/**
 * A 16-bit greyscale PNG as PIL gives it to load_img: mode 'I', the 16-bit values themselves,
 * which color_mode='grayscale' keeps (the model gets values up to 65535, as in Keras) and the
 * conversion to 'RGB' clips at 255 (PIL's I → RGB), so such images are mostly white in Keras.
 */
async function wideGrey(file: string, channels: number): Promise<Image<Pixels>> {
  const { data, info } = await loadSharp()(file, { failOn: 'error', ignoreIcc: true }).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`decoded to ${info.channels} channels, expected 1`);
  const values = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  if (channels === 1) return { data: Int32Array.from(values), width: info.width, height: info.height, channels: 1 };
  const rgb = new Uint8Array(values.length * 3);
  values.forEach((v, i) => rgb.fill(Math.min(v, 255), i * 3, i * 3 + 3));
  return { data: rgb, width: info.width, height: info.height, channels: 3 };
}

/** The training or validation iterator's resize, checked: Keras raises ValueError for a filter PIL does not have. */
export function kerasResize(keras: KerasFolderLoad, which: 'training' | 'validation'): KerasResize {
  const name = which === 'training' ? keras.interpolation : keras.validationInterpolation;
  if (!isKerasInterpolation(name)) throw new DataError(`interpolation='${name}' is not one of Keras' ${KERAS_INTERPOLATION_NAMES}`);
  return { interpolation: name, keepAspectRatio: (which === 'training' ? keras.keepAspectRatio : keras.validationKeepAspectRatio) ?? false };
}

async function decodeAll(items: Listed[], shape: ImageShape, root: string, skipped: SkippedFile[], keras?: KerasResize): Promise<Split> {
  const size = shape[0] * shape[1] * shape[2];
  const x = new Float32Array(items.length * size);
  const ok = new Array<boolean>(items.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        x.set(await decodeImage(items[i].file, shape, keras), i * size);
        ok[i] = true;
      } catch (e) {
        skipped.push({ file: path.relative(root, items[i].file) || items[i].file, reason: firstLine(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, items.length) }, worker));
  const kept = items.map((_, i) => i).filter((i) => ok[i]);
  const y = Int32Array.from(items, (it) => it.label);
  return gather(x, y, size, kept, items.map((it) => it.file));
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function checkSize(root: string, count: number, shape: ImageShape, maxImages: number): void {
  if (count > maxImages) {
    throw new DataError(
      `${root} has ${count} images, more than the ${maxImages} ConvLens loads into memory at once: train on a subset of the folder or raise maxImages`,
    );
  }
  const bytes = count * shape[0] * shape[1] * shape[2] * 4;
  if (bytes > MAX_BYTES) {
    throw new DataError(
      `${root}: ${count} images at ${describeShape(shape)} need ${(bytes / 2 ** 30).toFixed(1)} GiB decoded, more than the 1 GiB ConvLens holds in memory: use a smaller input size or fewer images`,
    );
  }
}

interface FolderListing {
  classRoot: string;
  classNames: string[];
  presplit: boolean;
  train: Listed[];
  validation: Listed[];
  test: Listed[];
}

/**
 * Keras' flow_from_directory takes every subfolder as a class, hidden ones too (its
 * DirectoryIterator lists `sorted(os.listdir(directory))`): a notebook's `.ipynb_checkpoints`
 * becomes a class, and with it the labels and the class count change. ConvLens leaves hidden
 * folders out elsewhere; training on the code's iterator, it says so rather than train a model
 * Keras would not.
 */
function refuseHiddenClassFolders(dirs: string[]): void {
  for (const dir of dirs) {
    const folders = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => isFolderEntry(dir, e));
    const hidden = folders.filter((e) => e.name.startsWith('.'));
    if (hidden.length === 0) continue;
    throw new DataError(`${path.join(dir, hidden[0].name)}: Keras' flow_from_directory takes this hidden folder as a class too (${folders.length} classes, not ${folders.length - hidden.length}): delete it, or pass classes=[...]`);
  }
}

/** Finds the layout, the classes and the image files of a folder, decoding nothing. */
export function listFolder(root: string, keras?: KerasFolderLoad): FolderListing {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new DataError(`no such folder: ${root}`);
  }
  if (!stat.isDirectory()) throw new DataError(`${root} is not a folder: --data takes ${dataArgumentChoices()}`);
  const top = subfolders(root);
  const valName = top.includes('validation') ? 'validation' : top.includes('val') ? 'val' : undefined;
  const presplit = top.includes('train') && valName !== undefined;
  const classRoot = presplit ? path.join(root, 'train') : root;
  // Keras' classes=[...]: those folders only, labelled in that order (a missing one has no files, as in Keras).
  const given = keras?.classes;
  const classNames = given ? [...given] : subfolders(classRoot);
  if (classNames.length === 0) {
    const loose = imagesUnder(classRoot).length;
    throw new DataError(
      loose > 0
        ? `${classRoot} has ${loose} images but no class subfolders: put each class's images in its own subfolder (${path.join(classRoot, 'cats')}/..., ${path.join(classRoot, 'dogs')}/...)`
        : `no JPEG or PNG images in ${root}: expected one subfolder of images per class (${path.join(classRoot, 'cats')}/..., ${path.join(classRoot, 'dogs')}/...)`,
    );
  }
  const splits = presplit && valName ? [valName, ...(top.includes('test') ? ['test'] : [])] : [];
  if (keras && !given) refuseHiddenClassFolders([classRoot, ...splits.map((split) => path.join(root, split))]);
  for (const split of given ? [] : splits) {
    const extra = subfolders(path.join(root, split)).filter((n) => !classNames.includes(n));
    if (extra.length > 0) throw new DataError(`${path.join(root, split)} has class folders not in train/: ${extra.join(', ')}`);
  }
  const listing: FolderListing = {
    classRoot,
    classNames,
    presplit,
    train: listClasses(classRoot, classNames, keras),
    validation: presplit && valName ? listClasses(path.join(root, valName), classNames, keras) : [],
    test: presplit && top.includes('test') ? listClasses(path.join(root, 'test'), classNames, keras) : [],
  };
  if (listing.train.length + listing.validation.length + listing.test.length === 0) {
    throw new DataError(
      `no JPEG or PNG images in ${root} (looked in ${classNames.length} class folder${classNames.length === 1 ? '' : 's'}: ${classNames.slice(0, 5).join(', ')}${classNames.length > 5 ? ', ...' : ''})`,
    );
  }
  if (classNames.length < 2) throw new DataError(`${classRoot} has only one class folder (${classNames[0]}): a classifier needs at least 2`);
  return listing;
}

/** The class names of a folder (sorted subfolders), after checking it has images. */
export function folderClasses(root: string): string[] {
  return listFolder(root).classNames;
}

export async function loadFolder(root: string, options: FolderOptions): Promise<Dataset> {
  const { inputShape, keras } = options;
  if (inputShape[2] !== 1 && inputShape[2] !== 3) {
    throw new DataError(`images can be loaded with 1 (greyscale) or 3 (RGB) channels, but the model expects ${inputShape[2]}`);
  }
  const listing = listFolder(root, keras);
  if (keras?.split) return loadKerasSplit(root, listing, inputShape, keras, keras.split, options.maxImages ?? 20000);
  const { classNames, presplit } = listing;
  const total = listing.train.length + listing.validation.length + listing.test.length;
  checkSize(root, total, inputShape, options.maxImages ?? 20000);

  const skipped: SkippedFile[] = [];
  const trainFilter = keras && kerasResize(keras, 'training');
  const decodedTrain = await decodeAll(listing.train, inputShape, root, skipped, trainFilter);
  let train: Split;
  let validation: Split;
  let test: Split | undefined;
  if (presplit) {
    train = decodedTrain;
    const validationFilter = keras && kerasResize(keras, 'validation');
    validation = await decodeAll(listing.validation, inputShape, root, skipped, validationFilter);
    if (listing.test.length > 0) test = await decodeAll(listing.test, inputShape, root, skipped, validationFilter);
  } else {
    // ConvLens' own split of one folder (the code has no subset): its validation images are
    // decoded with the training iterator's interpolation, like the rest of the folder.
    const byClass: number[][] = classNames.map(() => []);
    decodedTrain.y.forEach((label, i) => byClass[label].push(i));
    const parts = stratifiedSplit(byClass, options.validationSplit ?? 0.2, options.seed ?? 1);
    // shuffle=False: Keras' batches follow the file order, so the kept files stay in it.
    if (keras?.fileOrder) parts.train.sort((a, b) => a - b);
    const size = inputShape[0] * inputShape[1] * inputShape[2];
    train = gather(decodedTrain.x, decodedTrain.y, size, parts.train, decodedTrain.sources);
    validation = gather(decodedTrain.x, decodedTrain.y, size, parts.validation, decodedTrain.sources);
  }
  return finish(root, inputShape, classNames, total, skipped, train, validation, test);
}

function finish(root: string, inputShape: ImageShape, classNames: string[], total: number, skipped: SkippedFile[], train: Split, validation: Split, test?: Split): Dataset {
  if (train.count === 0) {
    throw new DataError(`none of the ${total} images in ${root} could be read (${skipped.length} skipped; first: ${skipped[0]?.file}: ${skipped[0]?.reason})`);
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { name: root, kind: 'folder', inputShape: [...inputShape], numClasses: classNames.length, classNames, train, validation, test, skipped };
}

/**
 * Keras' validation_split + subset (keras/src/legacy/preprocessing/image.py,
 * `BatchFromFilesMixin.set_processing_attrs` and `_list_valid_filenames_in_directory`): per
 * class, the files in Keras' order; subset='validation' takes files[0 : int(split·n)],
 * 'training' files[int(split·n) : n]. The folder itself holds the classes, as in Keras.
 */
async function loadKerasSplit(root: string, listing: FolderListing, inputShape: ImageShape, keras: KerasFolderLoad, split: NonNullable<KerasFolderLoad['split']>, maxImages: number): Promise<Dataset> {
  if (listing.presplit) {
    throw new DataError(`${root} holds train/ and validation/ folders, but the code splits it with validation_split and subset: Keras would take them as classes; give flow_from_directory a folder of class subfolders`);
  }
  const byClass = listing.classNames.map((_, label) => listing.train.filter((it) => it.label === label));
  const cut = ([from, to]: [number, number]): Listed[] => byClass.flatMap((files) => files.slice(Math.floor(from * files.length), Math.floor(to * files.length)));
  const trainItems = cut(split.training);
  const validationItems = cut(split.validation);
  const total = trainItems.length + validationItems.length;
  checkSize(root, total, inputShape, maxImages);
  const skipped: SkippedFile[] = [];
  const train = await decodeAll(trainItems, inputShape, root, skipped, kerasResize(keras, 'training'));
  const validation = await decodeAll(validationItems, inputShape, root, skipped, kerasResize(keras, 'validation'));
  return finish(root, inputShape, listing.classNames, total, skipped, train, validation);
}

/** One image file for a preview, decoded as the folder loader decodes it (stretched to H×W, 1 or 3 channels; as Keras' load_img with `keras`). */
export async function imageFileSample(file: string, shape: ImageShape, keras?: KerasResize): Promise<SampleImage> {
  const name = path.basename(file);
  if (!fs.existsSync(file)) throw new DataError(`cannot read ${name}: no such file (${path.resolve(file)})`);
  try {
    return { label: name, pixels: await decodeImage(file, shape, keras) };
  } catch (e) {
    throw new DataError(`cannot read ${name}: ${firstLine(e)}`);
  }
}
