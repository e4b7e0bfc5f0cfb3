/**
 * `convlens sample | interpolate | encode <run>`: a trained VAE's or GAN's latent space from
 * the terminal, as the latent-space panel shows it. `<run>` is a generative run folder, or a
 * source file meaning its recipe's latest run. Pictures are PNG files; --json prints one line.
 * Exit codes: 0 done, 2 bad input (one line), 1 internal error.
 */
import { Option, type Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import type * as tfjs from '@tensorflow/tfjs';
import { BACKEND_ORDER, selectBackend, type BackendPreference } from '../core/engine/backend/select';
import { DataError } from '../core/engine/data/types';
import { writeAtomic } from '../core/engine/train/modelFiles';
import { LatentSession } from '../core/generative/latent';
import { resolveGenerativeRun } from '../core/generative/runs';
import { guarded } from './inspect';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

interface CommonOptions {
  model?: string;
  backend: BackendPreference;
  json?: boolean;
  out?: string;
}

export interface SampleCliOptions extends CommonOptions {
  grid?: string;
  seed: string;
}

export interface InterpolateCliOptions extends CommonOptions {
  from?: string;
  to?: string;
  steps: string;
  seed: string;
}

export interface EncodeCliOptions extends CommonOptions {
  count: string;
}

function whole(value: string, what: string, min: number, max = Infinity): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new DataError(`${what} must be a whole number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}, not '${value}'`);
  return n;
}

/** "0.5,-1" → [0.5, -1]; the size is checked by the session. */
function point(value: string, what: string): number[] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.some((x) => !Number.isFinite(x))) throw new DataError(`${what} must be numbers separated by commas, like 0.5,-1, not '${value}'`);
  return parts;
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

export async function runSample(arg: string, o: SampleCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    const manifold = session.info.recipe.kind === 'vae' && session.latentDim === 2;
    const n = whole(o.grid ?? (manifold ? '15' : '8'), '--grid', 1, 40);
    // A 2-D VAE gets Chollet's manifold (points at the normal quantiles); otherwise random normal points.
    const points = manifold ? session.manifoldPoints(n) : session.randomPoints(n * n, whole(o.seed, '--seed', 0));
    const file = writeFile(path.resolve(o.out ?? defaultOut(session, 'samples.png')), await session.grid(points, n));
    if (o.json) io.out(JSON.stringify({ run: session.info.runDir, kind: manifold ? 'manifold' : 'random', grid: n, file, points }));
    else io.out(`${n}×${n} ${manifold ? 'manifold at the normal quantiles' : `samples, seed ${o.seed}`} → ${file}`);
  }, () => session?.dispose());
}

export async function runInterpolate(arg: string, o: InterpolateCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    const [a, b] = session.randomPoints(2, whole(o.seed, '--seed', 0));
    const from = o.from === undefined ? a : point(o.from, '--from');
    const to = o.to === undefined ? b : point(o.to, '--to');
    const steps = whole(o.steps, '--steps', 2, 64);
    const points = Array.from({ length: steps }, (_, i) => from.map((x, k) => x + ((to[k] - x) * i) / (steps - 1)));
    const file = writeFile(path.resolve(o.out ?? defaultOut(session, 'interpolation.png')), await session.strip(points));
    if (o.json) io.out(JSON.stringify({ run: session.info.runDir, file, points }));
    else io.out(`${steps} steps from [${from.map((x) => x.toFixed(2)).join(', ')}] to [${to.map((x) => x.toFixed(2)).join(', ')}] → ${file}`);
  }, () => session?.dispose());
}

export async function runEncode(arg: string, o: EncodeCliOptions, io: Io): Promise<number> {
  let session: LatentSession | undefined;
  return guarded(io, async () => {
    session = await open(arg, o);
    const encoded = await session.encode(whole(o.count, '--count', 1));
    const file = writeFile(path.resolve(o.out ?? defaultOut(session, 'codes.json')), JSON.stringify({ classNames: session.info.classNames, ...encoded }));
    if (o.json) io.out(JSON.stringify({ run: session.info.runDir, file, count: encoded.points.length, latentDim: session.latentDim }));
    else io.out(`${encoded.points.length} validation images encoded to their latent means (${session.latentDim}-D) → ${file}`);
  }, () => session?.dispose());
}

function common(command: Command): Command {
  return command
    .argument('<run>', 'a VAE or GAN run folder, or a source file (its recipe\'s latest run)')
    .option('--model <name>', 'with a source file: a model of the recipe, when the file has several')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(['auto', ...BACKEND_ORDER]).default('auto'))
    .option('--json', 'print one JSON line instead of text');
}

/** Adds `sample`, `interpolate` and `encode`; each action's exit code goes to `onExit`. */
export function addGenerateCommands(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  common(program.command('sample'))
    .description('decode a grid of latent points: a 2-D VAE\'s manifold (Chollet\'s figure), else random samples')
    .option('--grid <n>', 'n × n images (default 15 for the manifold, 8 otherwise)')
    .option('--seed <n>', 'random samples: the same seed gives the same points', '1')
    .option('--out <png>', 'the PNG (default: the run folder\'s latent/samples.png)')
    .action(async (run: string, options: SampleCliOptions) => onExit(await runSample(run, options, io)));
  common(program.command('interpolate'))
    .description('decode the straight path between two latent points as one strip of images')
    .option('--from <point>', 'comma-separated coordinates (default: a random point)')
    .option('--to <point>', 'comma-separated coordinates (default: another random point)')
    .option('--steps <n>', 'images on the path, ends included', '8')
    .option('--seed <n>', 'for the random ends', '1')
    .option('--out <png>', 'the PNG (default: the run folder\'s latent/interpolation.png)')
    .action(async (run: string, options: InterpolateCliOptions) => onExit(await runInterpolate(run, options, io)));
  common(program.command('encode'))
    .description('a VAE\'s latent means of validation images, with their classes, as JSON')
    .option('--count <n>', 'at most this many images', '1000')
    .option('--out <json>', 'the JSON file (default: the run folder\'s latent/codes.json)')
    .action(async (run: string, options: EncodeCliOptions) => onExit(await runEncode(run, options, io)));
}
