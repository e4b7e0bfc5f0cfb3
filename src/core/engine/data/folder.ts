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
 * Unreadable or corrupt files are skipped and listed in `skipped`. Images are decoded
 * eagerly into one Float32Array; a folder too large for that is refused with a message
 * (`maxImages`, default 20,000, and at most 1 GiB of decoded pixels).
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadSharp } from './sharp';
import { gather, stratifiedSplit } from './split';
import { dataArgumentChoices } from './catalog';
import { DataError, describeShape, type Dataset, type ImageShape, type SampleImage, type SkippedFile, type Split } from './types';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
const MAX_BYTES = 1024 * 1024 * 1024;
const DECODE_CONCURRENCY = 4;

export interface FolderOptions {
  inputShape: ImageShape;
  validationSplit?: number;
  seed?: number;
  maxImages?: number;
}

interface Listed {
  file: string;
  label: number;
}

function subfolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(dir, e.name)))) && !e.name.startsWith('.'))
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
    if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) imagesUnder(p, out);
    else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

function listClasses(dir: string, classNames: string[]): Listed[] {
  return classNames.flatMap((name, label) => {
    const classDir = path.join(dir, name);
    return isDir(classDir) ? imagesUnder(classDir).map((file) => ({ file, label })) : [];
  });
}

/**
 * Decodes one image file to HWC floats in [0, 1] at the given shape. Greyscale uses PIL's
 * (and so Keras' `color_mode="grayscale"`) ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B,
 * computed here from the RGB pixels (libvips' own greyscale goes through CIE L*, which makes
 * pure red 0.5 instead of 0.3).
 */
export async function decodeImage(file: string, [h, w, c]: ImageShape): Promise<Float32Array> {
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

async function decodeAll(items: Listed[], shape: ImageShape, root: string, skipped: SkippedFile[]): Promise<Split> {
  const size = shape[0] * shape[1] * shape[2];
  const x = new Float32Array(items.length * size);
  const ok = new Array<boolean>(items.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        x.set(await decodeImage(items[i].file, shape), i * size);
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

/** Finds the layout, the classes and the image files of a folder, decoding nothing. */
export function listFolder(root: string): FolderListing {
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
  const classNames = subfolders(classRoot);
  if (classNames.length === 0) {
    const loose = imagesUnder(classRoot).length;
    throw new DataError(
      loose > 0
        ? `${classRoot} has ${loose} images but no class subfolders: put each class's images in its own subfolder (${path.join(classRoot, 'cats')}/..., ${path.join(classRoot, 'dogs')}/...)`
        : `no JPEG or PNG images in ${root}: expected one subfolder of images per class (${path.join(classRoot, 'cats')}/..., ${path.join(classRoot, 'dogs')}/...)`,
    );
  }
  const splits = presplit && valName ? [valName, ...(top.includes('test') ? ['test'] : [])] : [];
  for (const split of splits) {
    const extra = subfolders(path.join(root, split)).filter((n) => !classNames.includes(n));
    if (extra.length > 0) throw new DataError(`${path.join(root, split)} has class folders not in train/: ${extra.join(', ')}`);
  }
  const listing: FolderListing = {
    classRoot,
    classNames,
    presplit,
    train: listClasses(classRoot, classNames),
    validation: presplit && valName ? listClasses(path.join(root, valName), classNames) : [],
    test: presplit && top.includes('test') ? listClasses(path.join(root, 'test'), classNames) : [],
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
  const { inputShape } = options;
  if (inputShape[2] !== 1 && inputShape[2] !== 3) {
    throw new DataError(`images can be loaded with 1 (greyscale) or 3 (RGB) channels, but the model expects ${inputShape[2]}`);
  }
  const listing = listFolder(root);
  const { classNames, presplit } = listing;
  const total = listing.train.length + listing.validation.length + listing.test.length;
  checkSize(root, total, inputShape, options.maxImages ?? 20000);

  const skipped: SkippedFile[] = [];
  const decodedTrain = await decodeAll(listing.train, inputShape, root, skipped);
  let train: Split;
  let validation: Split;
  let test: Split | undefined;
  if (presplit) {
    train = decodedTrain;
    validation = await decodeAll(listing.validation, inputShape, root, skipped);
    if (listing.test.length > 0) test = await decodeAll(listing.test, inputShape, root, skipped);
  } else {
    const byClass: number[][] = classNames.map(() => []);
    decodedTrain.y.forEach((label, i) => byClass[label].push(i));
    const parts = stratifiedSplit(byClass, options.validationSplit ?? 0.2, options.seed ?? 1);
    const size = inputShape[0] * inputShape[1] * inputShape[2];
    train = gather(decodedTrain.x, decodedTrain.y, size, parts.train, decodedTrain.sources);
    validation = gather(decodedTrain.x, decodedTrain.y, size, parts.validation, decodedTrain.sources);
  }
  if (train.count === 0) {
    throw new DataError(`none of the ${total} images in ${root} could be read (${skipped.length} skipped; first: ${skipped[0]?.file}: ${skipped[0]?.reason})`);
  }
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { name: root, kind: 'folder', inputShape: [...inputShape], numClasses: classNames.length, classNames, train, validation, test, skipped };
}

/** One image file for a preview, decoded as the folder loader decodes it (stretched to H×W, 1 or 3 channels). */
export async function imageFileSample(file: string, shape: ImageShape): Promise<SampleImage> {
  const name = path.basename(file);
  if (!fs.existsSync(file)) throw new DataError(`cannot read ${name}: no such file (${path.resolve(file)})`);
  try {
    return { label: name, pixels: await decodeImage(file, shape) };
  } catch (e) {
    throw new DataError(`cannot read ${name}: ${firstLine(e)}`);
  }
}
