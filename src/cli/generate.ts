/**
 * `convlens sample | interpolate | encode <run>`: a trained VAE's or GAN's latent space from
 * the terminal, as the latent-space panel shows it. `<run>` is a generative run folder, or a
 * source file meaning its recipe's latest run. Pictures are PNG files; --json prints one line.
 * Exit codes: 0 done, 2 bad input (one line), 1 internal error.
 */
import type { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend, type BackendPreference } from '../core/engine/backend/select';
import { isIndexedSampleSourceId, type SampleRequest } from '../core/engine/data/catalog';
import { DataError, parseDatasetSpec } from '../core/engine/data/types';
import { writeAtomic } from '../core/engine/train/modelFiles';
import { describeRecipe } from '../core/generative/recipe';
import { LatentSession } from '../core/generative/latent';
import { resolveGenerativeRun } from '../core/generative/runs';
import { guarded } from './inspect';
import { modelArguments, wholeNumber, type Io } from './options';

interface CommonOptions {
  model?: string;
  backend: BackendPreference;
  json?: boolean;
  out?: string;
}

export interface SampleCliOptions extends CommonOptions {
  grid?: string;
  count?: string;
  seed: string;
}

export interface InterpolateCliOptions extends CommonOptions {
  from?: string;
  to?: string;
  steps: string;
  seed: string;
}

export interface EncodeCliOptions extends CommonOptions {
  data?: string;
  split: string;
  count?: string;
}

async function open(arg: string, o: CommonOptions): Promise<LatentSession> {
  const runDir = resolveGenerativeRun(arg, { model: o.model });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof tfjs;
  await selectBackend(tf, o.backend);
  return LatentSession.open(tf, runDir);
}

function writeFile(file: string, data: Buffer | string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, data);
  return file;
}

const defaultOut = (session: LatentSession, name: string): string => path.join(session.info.runDir, 'latent', name);
const describe = (session: LatentSession) => ({ model: describeRecipe(session.info.recipe), kind: session.info.recipe.kind, latentDim: session.latentDim });

export async function runSample(arg: string, o: SampleCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    const seed = wholeNumber(o.seed, '--seed', 0);
    if (o.count !== undefined) {
      if (o.grid !== undefined) throw new DataError('give --grid or --count, not both');
      // N random samples from the prior, each its own PNG.
      const points = session.randomPoints(wholeNumber(o.count, '--count', 1, 400), seed);
      const folder = path.resolve(o.out ?? defaultOut(session, 'samples'));
      const pngs = await session.decode(points);
      const images = pngs.map((png, i) => ({ z: points[i], file: writeFile(path.join(folder, `sample-${String(i).padStart(3, '0')}.png`), png) }));
      if (o.json) io.out(JSON.stringify({ ...describe(session), images }));
      else io.out(`${images.length} samples (seed ${seed}) → ${folder}`);
      return;
    }
    const manifold = session.info.recipe.kind === 'vae' && session.latentDim === 2;
    const n = wholeNumber(o.grid ?? (manifold ? '15' : '8'), '--grid', 1, 40);
    // A 2-D VAE gets Chollet's manifold (points at the normal quantiles); otherwise random normal points.
    const points = manifold ? session.manifoldPoints(n) : session.randomPoints(n * n, seed);
    const file = writeFile(path.resolve(o.out ?? defaultOut(session, 'samples.png')), await session.grid(points, n));
    if (o.json) io.out(JSON.stringify({ ...describe(session), grid: n, layout: manifold ? 'manifold' : 'random', file, points }));
    else io.out(`${n}×${n} ${manifold ? 'manifold at the normal quantiles' : `samples, seed ${seed}`} → ${file}`);
  }, () => session?.dispose());
}

/** `--from`: a latent point "0.5,-1", or an image to encode: a file, or `mnist:12` / `synthetic:3`. */
async function endpoint(session: LatentSession, value: string, what: string): Promise<{ z: number[]; label: string }> {
  if (/^\s*-?[\d.]+(e-?\d+)?(\s*,\s*-?[\d.]+(e-?\d+)?)*\s*$/i.test(value)) {
    const z = value.split(',').map((x) => Number(x.trim()));
    if (z.some((x) => !Number.isFinite(x))) throw new DataError(`${what} must be a point (numbers separated by commas) or an image, not '${value}'`);
    return { z, label: `[${z.join(', ')}]` };
  }
  const indexed = /^(\w+):(\d+)$/.exec(value);
  let request: SampleRequest;
  if (indexed && isIndexedSampleSourceId(indexed[1])) request = { kind: indexed[1], index: Number(indexed[2]) };
  else if (fs.existsSync(value) && fs.statSync(value).isFile()) request = { kind: 'file', path: path.resolve(value) };
  else throw new DataError(`${what} must be a point (x,y,…), an image file, or mnist:N / synthetic:N, not '${value}'`);
  return session.encodeImage(request);
}

export async function runInterpolate(arg: string, o: InterpolateCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    const [a, b] = session.randomPoints(2, wholeNumber(o.seed, '--seed', 0));
    const from = o.from === undefined ? { z: a, label: 'a random point' } : await endpoint(session, o.from, '--from');
    const to = o.to === undefined ? { z: b, label: 'another random point' } : await endpoint(session, o.to, '--to');
    const steps = wholeNumber(o.steps, '--steps', 2, 64);
    const points = Array.from({ length: steps }, (_, i) => from.z.map((x, k) => x + ((to.z[k] - x) * i) / (steps - 1)));
    const file = writeFile(path.resolve(o.out ?? defaultOut(session, 'interpolation.png')), await session.strip(points));
    if (o.json) io.out(JSON.stringify({ ...describe(session), from: from.label, to: to.label, file, points }));
    else io.out(`${steps} steps from ${from.label} to ${to.label} → ${file}`);
  }, () => session?.dispose());
}

export async function runEncode(arg: string, o: EncodeCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    if (o.split !== 'validation' && o.split !== 'train') throw new DataError(`--split must be validation or train, not '${o.split}'`);
    const encoded = await session.encode(o.count === undefined ? Number.MAX_SAFE_INTEGER : wholeNumber(o.count, '--count', 1), {
      data: o.data === undefined ? undefined : parseDatasetSpec(o.data), split: o.split,
    });
    const names = session.info.classNames;
    const points = encoded.points.map((z, i) => ({ z, label: encoded.labels[i], ...(names[encoded.labels[i]] !== undefined ? { className: names[encoded.labels[i]] } : {}) }));
    const report = { ...describe(session), split: o.split, points };
    if (o.out !== undefined) writeFile(path.resolve(o.out), JSON.stringify(report));
    if (o.json) io.out(JSON.stringify(report));
    else io.out(`${points.length} ${o.split} images encoded to their latent means (${session.latentDim}-D)${o.out ? ` → ${path.resolve(o.out)}` : ''}`);
  }, () => session?.dispose());
}

function common(command: Command): Command {
  return modelArguments(command, '<run>', 'a VAE or GAN run folder, or a source file (its recipe\'s latest run)', 'with a source file: a model of the recipe, when the file has several');
}

/** Adds `sample`, `interpolate` and `encode`; each action's exit code goes to `onExit`. */
export function addGenerateCommands(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  common(program.command('sample'))
    .description('decode latent points: a grid (a 2-D VAE\'s manifold, Chollet\'s figure, else random) or --count random samples')
    .option('--grid <n>', 'one n × n PNG (default 15 for the manifold, 8 otherwise)')
    .option('--count <n>', 'n random samples from the prior, each its own PNG')
    .option('--seed <n>', 'random samples: the same seed gives the same points', '1')
    .option('--out <path>', 'the grid PNG, or the folder for --count (default: the run folder\'s latent/)')
    .action(async (run: string, options: SampleCliOptions) => onExit(await runSample(run, options, io)));
  common(program.command('interpolate'))
    .description('decode the straight path between two latent codes: of two images (a VAE encodes them) or two points')
    .option('--from <image|point>', 'an image file, mnist:N or synthetic:N, or a point like 0.5,-1 (default: a random point)')
    .option('--to <image|point>', 'the other end, in the same forms (default: another random point)')
    .option('--steps <n>', 'images on the path, ends included', '8')
    .option('--seed <n>', 'for the random ends', '1')
    .option('--out <png>', 'the PNG (default: the run folder\'s latent/interpolation.png)')
    .action(async (run: string, options: InterpolateCliOptions) => onExit(await runInterpolate(run, options, io)));
  common(program.command('encode'))
    .description('a VAE\'s latent mean of every image of a split, with its class, as JSON')
    .option('--data <source>', 'mnist, synthetic or an image folder (default: what the run trained on)')
    .option('--split <name>', 'validation or train', 'validation')
    .option('--count <n>', 'at most this many images (default: all of the split)')
    .option('--out <json>', 'also write the JSON to this file')
    .action(async (run: string, options: EncodeCliOptions) => onExit(await runEncode(run, options, io)));
}
