/**
 * `convlens augment <file>`: what a model's augmentation layers (RandomFlip, RandomRotation,
 * RandomZoom, ...) do to an image, written as PNG files — the image as the model gets it
 * and N random draws, made by the same code and Keras semantics as training applies per
 * batch (the panel's preview, for terminals and CI). Runs in the visualization worker, so TF.js'
 * own console notices stay off stdout. Exit codes: 0 written, 2 bad input, 1 internal error.
 */
import type { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { isIndexedSampleSourceId, sampleArgumentHelp, sampleIndexHelp } from '../core/engine/data/catalog';
import { MAX_PREVIEW_COUNT, type PreviewSample } from '../core/viz/augmentPreview';
import { VizClient } from '../core/viz/vizClient';
import { findGenerator, generatorDraws } from './augmentGenerator';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, isUsageError } from './errors';
import { readModel } from './train';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export interface AugmentCliOptions {
  model?: string;
  image: string;
  index: string;
  count: string;
  seed: string;
  out: string;
  json?: boolean;
}

function wholeNumber(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${what} must be a whole number ≥ 0, not '${value}'`);
  return n;
}

function sampleOf(o: AugmentCliOptions): PreviewSample {
  const index = wholeNumber(o.index, '--index');
  if (isIndexedSampleSourceId(o.image)) return { kind: o.image, index };
  if (!fs.existsSync(o.image)) throw new UsageError(`--image must be ${sampleArgumentHelp()}; no such file: ${o.image}`);
  return { kind: 'file', path: path.resolve(o.image) };
}

/** data:image/png;base64,… → the PNG's bytes. */
function pngBytes(url: string): Buffer {
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

export async function runAugment(file: string, o: AugmentCliOptions, io: Io, client = new VizClient()): Promise<number> {
  try {
    const count = wholeNumber(o.count, '--count');
    if (count < 1 || count > MAX_PREVIEW_COUNT) throw new UsageError(`--count must be from 1 to ${MAX_PREVIEW_COUNT}, not ${count}`);
    // --model naming an ImageDataGenerator: Keras' legacy transforms, computed here (./augmentGenerator.ts).
    const generator = findGenerator(file, o.model);
    if (generator) {
      const r = await generatorDraws(generator, o.image, count, wholeNumber(o.seed, '--seed'), o.out);
      if (o.json) io.out(JSON.stringify({ ...r, seed: Number(o.seed) }));
      else {
        io.out(`${r.generator} (ImageDataGenerator): ${o.image} at ${r.inputShape.join('×')}, seed ${o.seed}`);
        for (const u of r.unsupported) io.out(`  not applied: ${u.option}: ${u.reason}`);
        for (const d of r.draws) io.out(`  ${path.basename(d.file)}: ${JSON.stringify(d.params)}`);
        io.out(`wrote ${r.files.length} PNG files to ${o.out}`);
      }
      return EXIT_OK;
    }
    const spec = readModel(file, o.model);
    const preview = await client.augmentPreview(spec, { sample: sampleOf(o), count, seed: wholeNumber(o.seed, '--seed') });
    fs.mkdirSync(o.out, { recursive: true });
    const files = [path.join(o.out, 'original.png'), ...preview.augmented.map((_, i) => path.join(o.out, `draw-${i + 1}.png`))];
    [preview.original, ...preview.augmented].forEach((url, i) => fs.writeFileSync(files[i], pngBytes(url)));
    if (o.json) {
      io.out(JSON.stringify({ model: preview.model, sample: preview.sample.label, inputShape: preview.inputShape, pixelScale: preview.pixelScale, steps: preview.steps, notes: preview.notes, seed: preview.seed, files }));
    } else {
      io.out(`${preview.model}: ${preview.sample.label} at ${preview.inputShape.join('×')}, seed ${preview.seed}`);
      for (const step of preview.steps) io.out(`  ${step}`);
      for (const note of preview.notes) io.out(`  note: ${note}`);
      io.out(`wrote ${files.length} PNG files to ${o.out} (original.png${preview.augmented.length > 0 ? `, draw-1.png … draw-${preview.augmented.length}.png` : ''})`);
    }
    return EXIT_OK;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const usage = isUsageError(e);
    io.err(`convlens: ${usage ? '' : 'internal error: '}${message}`);
    return usage ? EXIT_USAGE : EXIT_INTERNAL;
  } finally {
    client.dispose();
  }
}

export function addAugmentCommand(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): Command {
  return program
    .command('augment')
    .description("write what a model's augmentation layers do to an image: the image as the model gets it and N random draws, as PNG files")
    .argument('<file>', 'a Python, TypeScript or JavaScript file')
    .option('--model <name>', 'the model, when the file defines several, or an ImageDataGenerator variable (its draws, with Keras\' parameters)')
    .option('--image <source>', `${sampleArgumentHelp()} (resized to the model's input)`, 'synthetic')
    .option('--index <n>', sampleIndexHelp(), '0')
    .option('--count <n>', 'random draws', '8')
    .option('--seed <n>', 'the same seed gives the same draws', '1')
    .requiredOption('--out <dir>', 'where the PNG files go')
    .option('--json', 'print one JSON line (steps, notes, files) instead of text')
    .action(async (file: string, options: AugmentCliOptions) => onExit(await runAugment(file, options, io)));
}
