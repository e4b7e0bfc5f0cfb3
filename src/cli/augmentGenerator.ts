/**
 * `convlens augment FILE --model datagen`: when --model names an ImageDataGenerator (Keras'
 * legacy augmentation API) rather than a model, the draws are Keras' get_random_transform /
 * apply_transform (src/core/engine/augment/idg), run here in plain TypeScript: no TF.js, so no
 * worker. Each draw is reported with its parameters under Keras' keys. The image is loaded as
 * Keras' load_img loads it (PIL's conversion and resize, ../core/engine/data/pilResize.ts) at the
 * generator's flow_from_directory target_size, with that call's interpolation and
 * keep_aspect_ratio, when the code gives one; else at its own size.
 */
import * as fs from 'fs';
import * as path from 'path';
import { languageForFile, readSource } from '../core/analysis';
import { transformEach } from '../core/engine/augment/idg/batch';
import { idgSettings } from '../core/engine/augment/idg/random';
import type { IdgParams } from '../core/engine/augment/idg/transform';
import { decodeImage, type KerasResize } from '../core/engine/data/folder';
import { isKerasInterpolation, KERAS_INTERPOLATION_NAMES } from '../core/engine/data/pilResize';
import { mulberry32 } from '../core/engine/data/rng';
import { loadSharp } from '../core/engine/data/sharp';
import type { DataGeneratorSpec } from '../core/model/spec';
import { encodePng } from '../core/viz/png';
import { UsageError } from './errors';

/** The ImageDataGenerator named `name` in a Python file, or undefined (then --model means a model). */
export function findGenerator(file: string, name: string | undefined): DataGeneratorSpec | undefined {
  if (name === undefined || languageForFile(file) !== 'python' || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return undefined;
  return readSource(fs.readFileSync(file, 'utf8'), 'python', file).generators?.find((g) => g.name === name);
}

/** How Keras' load_img resizes for the flow that gives the size (Keras' defaults without one: nothing is resized then). */
function loadImgResize(gen: DataGeneratorSpec, flow: DataGeneratorSpec['flows'][number] | undefined): KerasResize {
  const interpolation = flow?.interpolation ?? 'nearest';
  const keep = flow?.keepAspectRatio ?? false;
  const call = `${flow?.name ?? gen.name}.flow_from_directory(...), line ${flow?.range.start.line ?? gen.range.start.line}`;
  if (typeof interpolation !== 'string') throw new UsageError(`${call}: ConvLens cannot read its interpolation (${interpolation.unknown})`);
  if (!isKerasInterpolation(interpolation)) throw new UsageError(`${call}: interpolation='${interpolation}' is not one of Keras' ${KERAS_INTERPOLATION_NAMES} (Keras raises ValueError)`);
  if (typeof keep !== 'boolean') throw new UsageError(`${call}: ConvLens cannot read its keep_aspect_ratio (${keep.unknown})`);
  return { interpolation, keepAspectRatio: keep };
}

export interface GeneratorDraws {
  generator: string;
  inputShape: [number, number, number];
  unsupported: DataGeneratorSpec['unsupported'];
  files: string[];
  draws: { file: string; params: IdgParams }[];
}

export async function generatorDraws(gen: DataGeneratorSpec, image: string, count: number, seed: number, out: string): Promise<GeneratorDraws> {
  let settings;
  try {
    settings = idgSettings(gen.config);
  } catch (e) {
    throw new UsageError(`ImageDataGenerator '${gen.name}': ${(e as Error).message}`);
  }
  if (!fs.existsSync(image)) throw new UsageError(`--image must be an image file for an ImageDataGenerator; no such file: ${image}`);
  const flow = gen.flows.find((f) => f.targetSize);
  const target = flow?.targetSize;
  const meta = await loadSharp()(image).metadata();
  const [h, w] = target ?? [meta.height ?? 0, meta.width ?? 0];
  const gray = gen.flows.find((f) => f.colorMode)?.colorMode === 'grayscale';
  const c = gray ? 1 : 3;
  // Keras transforms 0–255 pixels (rescale comes after, in standardize); PNGs show them in [0, 1].
  const pixels = (await decodeImage(image, [h, w, c], loadImgResize(gen, flow))).map((v) => v * 255);
  fs.mkdirSync(out, { recursive: true });
  const write = async (data: Float32Array, name: string): Promise<string> => {
    const file = path.join(out, name);
    fs.writeFileSync(file, await encodePng(data.map((v) => Math.min(1, Math.max(0, v / 255))), h, w, c));
    return file;
  };
  const files = [await write(pixels, 'original.png')];
  // The training code's loop (augment/idg/batch.ts); the pictures are shown before rescale, as 0–255 images.
  const batch = transformEach(count, () => pixels, [h, w, c], { ...settings, rescale: 1 }, mulberry32(seed));
  const size = h * w * c;
  const draws: GeneratorDraws['draws'] = [];
  for (const [i, params] of batch.params.entries()) {
    const file = await write(batch.data.subarray(i * size, (i + 1) * size), `draw-${i + 1}.png`);
    files.push(file);
    draws.push({ file, params });
  }
  return { generator: gen.name, inputShape: [h, w, c], unsupported: gen.unsupported, files, draws };
}
