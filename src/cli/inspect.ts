/**
 * `convlens activations | filters | gradcam <model>`: what a trained convnet sees, for
 * terminals and CI — feature maps per channel, filter patterns (Chollet's gradient ascent),
 * Grad-CAM heatmaps — as PNG files and --json. `<model>` is a run folder, a model.json, or a
 * source file (+ --model NAME) meaning that model's latest run. Runs in-process on the chosen
 * TF.js backend (TF.js' notices go to stderr, stdout stays JSON). Exit codes: 0 done, 2 bad
 * input (one line), 1 internal error.
 */
import type { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { backendLabel, selectBackend, type BackendPreference } from '../core/engine/backend/select';
import { isIndexedSampleSourceId, sampleArgumentHelp, sampleIndexHelp } from '../core/engine/data/catalog';
import { DataError } from '../core/engine/data/types';
import { writeAtomic } from '../core/engine/train/modelFiles';
import type * as tfjs from '@tensorflow/tfjs';
import { DEFAULT_FILTER_STEPS, convLayer } from '../core/viz/inspect/filters';
import { resolveModelSource } from '../core/viz/inspect/load';
import { InspectSession } from '../core/viz/inspect/session';
import type { ClassScore, InspectImage, InspectModelInfo } from '../core/viz/inspect/types';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, isUsageError } from './errors';
import { modelArguments, runInProcess, wholeNumber, type Io } from './options';


type Tf = typeof tfjs;

interface CommonOptions {
  model?: string;
  backend: BackendPreference;
  json?: boolean;
}

interface ImageOptions {
  image: string;
  index: string;
}

export interface ActivationsCliOptions extends CommonOptions, ImageOptions {
  layer?: string[];
  out?: string;
}

export interface FiltersCliOptions extends CommonOptions {
  layer: string;
  count?: string;
  filters?: string;
  steps: string;
  seed: string;
  out?: string;
}

export interface GradcamCliOptions extends CommonOptions, ImageOptions {
  class?: string;
  layer?: string;
  out?: string;
}

function imageOf(o: ImageOptions): InspectImage {
  const index = wholeNumber(o.index, '--index');
  if (isIndexedSampleSourceId(o.image)) return { kind: o.image, index };
  if (!fs.existsSync(o.image) || fs.statSync(o.image).isDirectory()) throw new UsageError(`--image must be ${sampleArgumentHelp()}; no such image file: ${o.image}`);
  return { kind: 'file', path: path.resolve(o.image) };
}

/** data:image/png;base64,… → the PNG's bytes. */
function pngBytes(url: string): Buffer {
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

function writePng(file: string, url: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, pngBytes(url));
  return file;
}

/** Where files go without --out: an `inspect/` folder in the run folder (or beside the model.json). */
function outDir(info: InspectModelInfo, out: string | undefined, what: string): string {
  return path.resolve(out ?? path.join(info.source, 'inspect', what));
}

/** TF.js on the backend, then the model, opened as the panel's worker opens it: the one place a command's tensors come from. */
async function open(arg: string, o: CommonOptions): Promise<InspectSession> {
  const source = resolveModelSource(arg, { model: o.model });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  const backend = await selectBackend(tf, o.backend);
  return InspectSession.open(tf, source, backendLabel(backend));
}

function inputJson(info: InspectModelInfo): Record<string, unknown> {
  return { ...info.input, pixelScale: info.pixelScale, preprocessing: info.preprocessing };
}

function scoreJson(s: ClassScore): { index: number; label: string; probability: number } {
  return { index: s.index, label: s.label, probability: s.probability };
}

/** Runs a command body; a DataError or UsageError is one line and exit 2. */
export async function guarded(io: Io, body: () => Promise<void>, dispose: () => void = () => undefined): Promise<number> {
  try {
    await body();
    return EXIT_OK;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const usage = isUsageError(e);
    io.err(`convlens: ${usage ? '' : 'internal error: '}${message}`);
    return usage ? EXIT_USAGE : EXIT_INTERNAL;
  } finally {
    dispose();
  }
}

/** The filter indices: --filters 0,3,7, or the first --count (default 8) the layer has. */
function filterIndices(o: FiltersCliOptions, channels: number): number[] {
  if (o.filters !== undefined && o.count !== undefined) throw new UsageError('give --count or --filters, not both');
  if (o.filters !== undefined) return o.filters.split(',').map((s) => wholeNumber(s.trim(), '--filters entry'));
  return Array.from({ length: Math.min(wholeNumber(o.count ?? '8', '--count', 1), channels) }, (_, i) => i);
}

export async function runFilters(arg: string, o: FiltersCliOptions, io: Io): Promise<number> {
  let session: InspectSession | undefined;
  return guarded(io, async () => {
    const steps = wholeNumber(o.steps, '--steps', 1);
    const seed = wholeNumber(o.seed, '--seed');
    session = await open(arg, o);
    const { info } = session;
    const layer = convLayer(info, o.layer);
    const filters = filterIndices(o, layer.shape[2]);
    const dir = outDir(info, o.out, `filters-${layer.name}`);
    const written: { index: number; file: string; activation: number; startActivation: number }[] = [];
    await session.filters({ layer: layer.name, filters, steps, seed }, {
      onPattern: (p) => {
        const file = writePng(path.join(dir, `filter-${p.index}.png`), p.image);
        written.push({ index: p.index, file, activation: p.activation, startActivation: p.startActivation });
        if (!o.json) io.out(`filter ${p.index}: mean activation ${p.activation.toFixed(4)} (start ${p.startActivation.toFixed(4)}) → ${file}`);
      },
    });
    if (o.json) io.out(JSON.stringify({ model: info.modelName, layer: layer.name, steps, filters: written }));
    else io.out(`${info.modelName}: ${written.length} filter patterns of ${layer.name} (${steps} steps, seed ${seed}) in ${dir}`);
  }, () => session?.dispose());
}

/** The layers to show: those asked for (conv or pooling layers only, as in the panel), else every one. */
function activationLayers(info: InspectModelInfo, names: string[] | undefined): string[] {
  const maps = info.layers.filter((l) => l.kind === 'conv' || l.kind === 'pool');
  if (maps.length === 0) throw new DataError(`${info.modelName} has no conv layer`);
  if (names === undefined || names.length === 0) return maps.map((l) => l.name);
  for (const name of names) {
    if (!maps.some((l) => l.name === name)) throw new DataError(`'${name}' is not a conv or pooling layer; those are ${maps.map((l) => l.name).join(', ')}`);
  }
  return names;
}

export async function runActivations(arg: string, o: ActivationsCliOptions, io: Io): Promise<number> {
  let session: InspectSession | undefined;
  return guarded(io, async () => {
    const image = imageOf(o);
    session = await open(arg, o);
    const { info } = session;
    const names = activationLayers(info, o.layer);
    const dir = outDir(info, o.out, 'activations');
    const { label, top: [predicted] } = await session.predict(image);
    const layers = [];
    for (const name of names) {
      const a = await session.activations(image, name);
      const channels = a.channels.map((c) => ({ index: c.index, mean: c.mean, max: c.max, file: writePng(path.join(dir, name, `channel-${c.index}.png`), c.image) }));
      layers.push({ name, className: a.layer.className, shape: a.shape, channels });
      if (!o.json) io.out(`${name} (${a.layer.className}) ${a.shape.join('×')}: ${channels.length} channels, ${a.channels.filter((c) => c.dead).length} dead → ${path.join(dir, name)}`);
    }
    if (o.json) io.out(JSON.stringify({ model: info.modelName, image: label, input: inputJson(info), predicted: scoreJson(predicted), layers }));
    else io.out(`${label}: predicted ${predicted.label} (${(predicted.probability * 100).toFixed(1)}%); input ${info.preprocessing.join(', ')}`);
  }, () => session?.dispose());
}

/** --class as an index or a label of the run's classes. */
function classIndex(info: InspectModelInfo, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const byLabel = info.classNames.indexOf(value);
  if (byLabel >= 0) return byLabel;
  const n = Number(value);
  if (Number.isInteger(n) && n >= 0 && n < info.classNames.length) return n;
  throw new DataError(`--class must be a class index 0–${info.classNames.length - 1} or one of ${info.classNames.join(', ')}, not '${value}'`);
}

export async function runGradcam(arg: string, o: GradcamCliOptions, io: Io): Promise<number> {
  let session: InspectSession | undefined;
  return guarded(io, async () => {
    const image = imageOf(o);
    session = await open(arg, o);
    const { info } = session;
    if (info.lastConvLayer === null) throw new DataError(`${info.modelName} has no conv layer: Grad-CAM needs one`);
    // The layers the panel's Grad-CAM tab offers: conv or pooling layers, nested ones too.
    if (o.layer !== undefined) activationLayers(info, [o.layer]);
    const target = classIndex(info, o.class);
    const file = path.resolve(o.out ?? path.join(info.source, 'inspect', 'gradcam.png'));
    const { label } = await session.predict(image);
    const cam = await session.gradCam(image, { classIndex: target, layer: o.layer });
    writePng(file, cam.overlayImage);
    if (o.json) {
      io.out(JSON.stringify({ model: info.modelName, layer: cam.layer, image: label, input: inputJson(info), predicted: scoreJson(cam.predicted), class: scoreJson(cam.target), heatmap: cam.heatmap, peak: cam.peak }));
    } else {
      io.out(`${label}: predicted ${cam.predicted.label} (${(cam.predicted.probability * 100).toFixed(1)}%); heatmap of ${cam.target.label} at ${cam.layer}, peak at x ${cam.peak.x}, y ${cam.peak.y} → ${file}`);
    }
  }, () => session?.dispose());
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function common(command: Command): Command {
  return modelArguments(command, '<model>', 'a run folder, a TF.js model.json, or a source file (its model\'s latest run)', 'with a source file: the model, when the file defines several');
}

function withImage(command: Command): Command {
  return command
    .requiredOption('--image <source>', `${sampleArgumentHelp()} (prepared as the run prepared its images)`)
    .option('--index <n>', sampleIndexHelp(), '0');
}

/** Adds `activations`, `filters` and `gradcam`; each action's exit code goes to `onExit` (default: process.exitCode). */
export function addInspectCommands(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  withImage(common(program.command('activations')))
    .description('write every channel of the conv and pooling layers\' feature maps for one image as PNG files')
    .option('--layer <name>', 'a conv or pooling layer (repeat for several; default: all)', collect)
    .option('--out <dir>', 'where the PNG files go (default: the run folder\'s inspect/activations)')
    .action(async (model: string, options: ActivationsCliOptions) => onExit(await runActivations(model, options, io)));
  common(program.command('filters'))
    .description('write the input pattern each filter of a conv layer responds to most (gradient ascent, Chollet) as PNG files')
    .requiredOption('--layer <name>', 'a conv layer')
    .option('--count <n>', 'the first N filters (default 8)')
    .option('--filters <list>', 'these filters, e.g. 0,3,7')
    .option('--steps <n>', 'gradient-ascent steps', String(DEFAULT_FILTER_STEPS))
    .option('--seed <n>', 'the same seed gives the same patterns', '1')
    .option('--out <dir>', 'where the PNG files go (default: the run folder\'s inspect/filters-<layer>)')
    .action(async (model: string, options: FiltersCliOptions) => onExit(await runFilters(model, options, io)));
  withImage(common(program.command('gradcam')))
    .description('write a Grad-CAM class activation heatmap over an image (PNG) and where it peaks')
    .option('--class <index|label>', 'the class to explain (default: the predicted one)')
    .option('--layer <name>', 'a conv or pooling layer (default: the last conv layer, inside a nested conv base too)')
    .option('--out <png>', 'the overlay PNG (default: the run folder\'s inspect/gradcam.png)')
    .action(async (model: string, options: GradcamCliOptions) => onExit(await runGradcam(model, options, io)));
}

/** Runs one inspect command in-process and resolves with its exit code (tests, scripts). */
export function runInspectCli(argv: string[], io: Io): Promise<number> {
  return runInProcess(argv, io, (program, onExit) => addInspectCommands(program, io, onExit));
}
