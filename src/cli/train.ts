/**
 * `convlens train <file>`: trains a model read from Keras/TF.js source on MNIST, synthetic
 * shapes or an image folder, in the training worker (Ctrl-C cancels after the current
 * batch; a second Ctrl-C stops at once). Exit codes: 0 trained (or early-stopped),
 * 2 bad input (file, model name, data, incompatible shapes, unsupported settings),
 * 1 internal error or crash, 130 cancelled by Ctrl-C.
 */
import { freezeUntil, withTrainable } from '../core/model/trainable';
import { Command, Option } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeSource, languageForFile } from '../core/analysis';
import { isModelFile } from '../core/modelFile/kind';
import { openModelFile } from '../core/modelFile/open';
import { codeWeightsFile } from '../core/modelFile/codeWeights';
import { missingMessage, missingPretrained } from '../core/engine/train/pretrained';
import type { ModelSpec } from '../core/model/spec';
import { BACKEND_ORDER, backendLabel, type BackendPreference } from '../core/engine/backend/select';
import { dataArgumentHelp, parseDatasetSpec, type DatasetSpec } from '../core/engine/data';
import { flowFolder } from '../core/engine/data/flowFolder';
import { checkCompatibility, modelIO } from '../core/engine/data/validate';
import { resolveCompile } from '../core/engine/train/compile';
import { TrainingError } from '../core/engine/train/errors';
import { TrainingSession, type TrainingSessionOptions } from '../core/engine/train/session';
import { batchSizeOrigin, checkFlows, describeTrainingData, subsetSplitOrigin } from '../core/engine/train/flowSettings';
import { fitGenerator } from '../core/engine/train/trainingInput';
import { DEFAULT_SETTINGS, type TrainEvent, type TrainReport, type TrainSettings } from '../core/engine/train/types';
import { EXIT_CANCELLED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, isUsageError } from './errors';
import { readRunSettings } from './runSettings';
import { recipeToTrain, runRecipeTrain } from './trainRecipe';


export interface TrainIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Rewrites the progress line in place (TTY only); absent: plain lines. */
  progress?: (s: string) => void;
}

/**
 * Flags as commander gives them. Absent settings come from, in order: the resumed run's
 * settings.json (--resume), the code's `model.fit(...)`, then the built-in defaults.
 */
export interface TrainCliOptions {
  model?: string;
  data?: string;
  epochs?: string;
  batchSize?: string;
  validationSplit?: string;
  stepsPerEpoch?: string;
  validationSteps?: string;
  out?: string;
  backend?: BackendPreference;
  /** commander's --no-native-kernels: false when given. */
  nativeKernels?: boolean;
  seed?: string;
  json?: boolean;
  resume?: string;
  freezeUntil?: string;
  weightsFolder?: string;
  randomPretrained?: boolean;
}

function int(value: string, what: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${what} must be a whole number ≥ ${min}, not '${value}'`);
  return n;
}

function fraction(value: string, what: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new UsageError(`${what} must be a number between 0 and 1 (exclusive), not '${value}'`);
  return n;
}

/** A saved model's spec (with its compile settings), for fine-tuning; a UsageError says what is wrong in one line. */
function readSavedModel(file: string): ModelSpec {
  try {
    return openModelFile(file).spec;
  } catch (e) {
    throw new UsageError((e instanceof Error ? e.message : String(e)).split('\n')[0]);
  }
}

/** `--freeze-until LAYER`: that layer and every one before it stop learning (Chollet's fine-tuning keeps the base frozen). */
function frozenUntil(spec: ModelSpec, layer: string): ModelSpec {
  const flags = freezeUntil(spec, layer);
  if (!flags) throw new UsageError(`--freeze-until: no layer '${layer}' in ${spec.name}; layers: ${spec.layers.map((l) => l.name).join(', ')}`);
  return withTrainable(spec, flags);
}

/** The model `name` of `file` (or its only model); a UsageError says what is wrong in one line. */
export function readModel(file: string, name: string | undefined): ModelSpec {
  if (isModelFile(file)) return readSavedModel(file);
  let text: string;
  try {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a directory, not a model file`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
  const language = languageForFile(file);
  if (!language) throw new UsageError(`unsupported file type: ${file} (ConvLens reads .py, .ts, .tsx, .js, .jsx, .mjs and .cjs files)`);
  const specs = analyzeSource(text, language, file).specs;
  if (specs.length === 0) throw new UsageError(`no Keras or TF.js model definitions found in ${file}`);
  const names = specs.map((s) => s.name);
  if (name !== undefined) {
    const found = specs.find((s) => s.name === name) ?? specs.find((s) => s.kerasName === name);
    if (!found) throw new UsageError(`no model named '${name}' in ${file}; models found: ${names.join(', ')}`);
    return found;
  }
  if (specs.length > 1) throw new UsageError(`${file} defines ${specs.length} models (${names.join(', ')}): choose one with --model NAME`);
  return specs[0];
}

export interface PreparedTraining {
  spec: ModelSpec;
  settings: TrainSettings;
  /** Which settings came from the code's fit() or the resumed run, for one line of output. */
  origins: string[];
}

/** Checks everything that can be checked before starting the worker; returns the settings. */
export function prepareTraining(file: string, o: TrainCliOptions): PreparedTraining {
  const read = readModel(file, o.model);
  const spec = o.freezeUntil === undefined ? read : frozenUntil(read, o.freezeUntil);
  const resume = o.resume === undefined ? undefined : path.resolve(o.resume);
  if (resume !== undefined && !fs.existsSync(path.join(resume, 'checkpoint', 'model.json'))) {
    throw new UsageError(`no checkpoint to resume in ${resume} (expected checkpoint/model.json)`);
  }
  const saved = resume === undefined ? undefined : readRunSettings(resume);
  const fit = spec.fit;
  const origins: string[] = [];
  // A flag wins; then the resumed run; then the code's fit(); then the built-in default.
  // `from`: the call the code's value comes from when it is not fit() itself (an iterator's batch_size).
  const choose = <T>(label: string, flag: T | undefined, run: T | undefined, code: T | undefined, builtIn: T, from?: { call: string; line: number }): T => {
    if (flag !== undefined) return flag;
    if (run !== undefined) {
      origins.push(`${label} ${String(run)} from the resumed run`);
      return run;
    }
    if (code !== undefined && fit) {
      origins.push(`${label} ${String(code)} from ${from?.call ?? 'model.fit'}, line ${from?.line ?? fit.range.start.line}`);
      return code;
    }
    return builtIn;
  };
  // Steps: a flag wins (0: one pass per epoch, all validation images), then the resumed run's own (absent: passes), then the code's.
  const steps = (label: string, flag: string | undefined, what: string, run: number | undefined, code: number | undefined): number | undefined => {
    if (flag !== undefined) return int(flag, what, 0) || undefined;
    if (saved) return run === undefined ? undefined : choose(label, undefined, run, undefined, undefined);
    return choose(label, undefined, undefined, code, undefined);
  };
  // Without --data: the resumed run's data, else the folder the code's flow_from_directory reads (Keras: from the working directory).
  const codeFolder = o.data === undefined && !saved ? flowFolder(fit, [process.cwd(), path.dirname(path.resolve(file))]) : undefined;
  if (o.data === undefined && !saved && !codeFolder) throw new UsageError('--data is required (unless --resume names a run folder, or the code\'s fit() trains on flow_from_directory of a folder that exists)');
  if (codeFolder && fit) origins.push(`data ${codeFolder} from flow_from_directory in model.fit, line ${fit.range.start.line}`);
  const data: DatasetSpec = o.data !== undefined ? parseDatasetSpec(o.data) : codeFolder ? { kind: 'folder', path: codeFolder } : (saved as TrainSettings).data;
  const codeEarlyStopping = fit?.earlyStoppingPatience === undefined ? undefined : { patience: fit.earlyStoppingPatience, monitor: fit.earlyStoppingMonitor ?? 'val_loss' };
  // The code's own model.load_weights(...): training starts from that file, at the compiled learning rate.
  const codeWeights = isModelFile(file) || resume !== undefined ? undefined : codeWeightsFile(spec, file);
  if (codeWeights !== undefined && !fs.existsSync(codeWeights)) throw new UsageError(`model.load_weights names '${spec.weightsFile}', which is not at ${codeWeights}`);
  // Keras splits a flow_from_directory folder by its ImageDataGenerator's validation_split when the call gives a subset.
  const subsetSplit = subsetSplitOrigin(fit);
  const settings: TrainSettings = {
    data,
    epochs: choose('epochs', o.epochs === undefined ? undefined : int(o.epochs, '--epochs', 1), saved?.epochs, fit?.epochs, DEFAULT_SETTINGS.epochs),
    batchSize: choose('batch size', o.batchSize === undefined ? undefined : int(o.batchSize, '--batch-size', 1), saved?.batchSize, fit?.batchSize, DEFAULT_SETTINGS.batchSize, batchSizeOrigin(fit)),
    validationSplit: choose('validation split', o.validationSplit === undefined ? undefined : fraction(o.validationSplit, '--validation-split'), saved?.validationSplit, subsetSplit?.split ?? fit?.validationSplit, DEFAULT_SETTINGS.validationSplit, subsetSplit),
    seed: o.seed === undefined ? saved?.seed ?? DEFAULT_SETTINGS.seed : int(o.seed, '--seed', 0),
    backend: o.backend ?? saved?.backend ?? DEFAULT_SETTINGS.backend,
    nativeKernels: o.nativeKernels !== false,
    outDir: path.resolve(o.out ?? saved?.outDir ?? path.dirname(path.resolve(file))),
    resume,
    // A saved model trains on from its own weights: fine-tuning.
    initialWeights: isModelFile(file) && resume === undefined ? path.resolve(file) : codeWeights,
    weightsFromCode: codeWeights !== undefined ? true : undefined,
    weightsFolder: o.weightsFolder === undefined ? undefined : path.resolve(o.weightsFolder),
    randomPretrained: o.randomPretrained === true ? true : undefined,
  };
  // Keras' steps_per_epoch / validation_steps: batches per epoch from the iterators' endless streams (core/engine/train/batchStream.ts).
  const stepsPerEpoch = steps('steps per epoch', o.stepsPerEpoch, '--steps-per-epoch', saved?.stepsPerEpoch, fit?.stepsPerEpoch);
  const validationSteps = steps('validation steps', o.validationSteps, '--validation-steps', saved?.validationSteps, fit?.validationSteps);
  if (stepsPerEpoch !== undefined) settings.stepsPerEpoch = stepsPerEpoch;
  if (validationSteps !== undefined) settings.validationSteps = validationSteps;
  // The validation iterator's own batch_size sizes its batches (Keras); a resumed run keeps its own.
  const validationBatchSize = saved ? saved.validationBatchSize : fit?.validationData?.generator?.flow?.batchSize;
  if (validationSteps !== undefined && validationBatchSize !== undefined) settings.validationBatchSize = validationBatchSize;
  // A keras.applications base whose weight file is missing stops here, in one line, unless asked otherwise.
  const missing = resume === undefined && !settings.randomPretrained ? missingPretrained(spec, settings.weightsFolder) : [];
  if (missing.length > 0) throw new UsageError(`${missingMessage(missing[0])} (or pass --random-pretrained)`);
  // The code's ImageDataGenerator augments every training batch, as in Keras; a resumed run keeps what it started with.
  const generator = saved ? saved.generator : fitGenerator(fit);
  if (generator) {
    settings.generator = generator;
    if (!saved && fit) origins.push(`augmentation by ImageDataGenerator '${generator.name}' from model.fit, line ${fit.range.start.line}`);
  }
  // No flag sets early stopping: a resumed run keeps its own, a new one follows the code's callbacks.
  const earlyStopping = saved ? saved.earlyStopping : codeEarlyStopping;
  if (earlyStopping) {
    settings.earlyStopping = earlyStopping;
    if (!saved && fit) origins.push(`early stopping after ${earlyStopping.patience} epochs from model.fit, line ${fit.range.start.line}`);
  }
  const io = modelIO(spec);
  // These throw DataError / CompileError with messages that say what to change (the code's iterators included, as Keras would).
  const shape = checkCompatibility(io, describeTrainingData(settings));
  checkFlows(settings, resolveCompile(spec, io), io.outputUnits, shape);
  return { spec, settings, origins };
}

function num(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? (done < total ? '>' : '=') : ''}${' '.repeat(width - filled)}]`;
}

function summaryJson(report: TrainReport): Record<string, unknown> {
  const last = report.history[report.history.length - 1];
  return {
    type: 'summary',
    status: report.status,
    runDir: report.runDir,
    model: report.model,
    backend: backendLabel(report.backend),
    epochs: report.epochsCompleted,
    final: last ? { loss: last.loss, acc: last.acc, val_loss: last.val_loss, val_acc: last.val_acc } : null,
    imagesPerSec: report.imagesPerSec,
    evaluation: report.evaluation
      ? { split: report.evaluation.split, loss: report.evaluation.loss, accuracy: report.evaluation.accuracy, perClassAccuracy: report.evaluation.perClassAccuracy }
      : null,
    skipped: report.dataset.skipped.length,
    seconds: report.seconds,
  };
}

export interface RunTrainDeps {
  session?: TrainingSessionOptions;
  /** Install SIGINT handlers (the real CLI); default true. */
  signals?: boolean;
  /** Use this output as is (default: a progress bar on stderr when it is a TTY). */
  io?: TrainIo;
}

export async function runTrain(file: string, o: TrainCliOptions, io: TrainIo, deps: RunTrainDeps = {}): Promise<number> {
  // A VAE's or GAN's model trains as its whole recipe (trainRecipe.ts).
  const recipe = recipeToTrain(file, o.model);
  if (recipe) return runRecipeTrain(file, recipe, o, io, deps);
  let prepared: PreparedTraining;
  try {
    prepared = prepareTraining(file, o);
  } catch (e) {
    io.err(`convlens: ${e instanceof Error ? e.message : String(e)}`);
    return isUsageError(e) || (e instanceof Error && e.name === 'CompileError') ? EXIT_USAGE : EXIT_INTERNAL;
  }
  const { spec, settings, origins } = prepared;
  const session = new TrainingSession(spec, settings, deps.session);
  const json = o.json === true;
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown && io.progress) io.progress('');
    progressShown = false;
  };
  const info = (s: string): void => {
    clearProgress();
    if (json) io.err(s);
    else io.out(s);
  };
  // Say where settings not given as flags came from, so a run never silently differs from the code.
  if (origins.length > 0) info(`settings: ${origins.join('; ')}`);
  session.on('event', (e: TrainEvent) => {
    switch (e.type) {
      case 'log':
        info(e.message);
        break;
      case 'backend':
        info(`backend: ${backendLabel(e.backend)}${e.backend.reason ? ` (${e.backend.reason})` : ''}`);
        if (e.backend.nativeKernelsUnavailable) info(`native kernels not used: ${e.backend.nativeKernelsUnavailable}`);
        break;
      case 'dataset':
        info(
          `data: ${e.dataset.name}, ${e.dataset.train} training / ${e.dataset.validation} validation images${e.dataset.test ? ` / ${e.dataset.test} test` : ''}, ` +
            `${e.dataset.classNames.length} classes, ${e.dataset.inputShape.join('×')}${e.dataset.skipped.length ? `, ${e.dataset.skipped.length} unreadable files skipped` : ''}`,
        );
        break;
      case 'run':
        info(`run folder: ${e.runDir}`);
        break;
      case 'batch':
        if (io.progress) {
          io.progress(`Epoch ${e.epoch}/${settings.epochs} ${bar(e.batch, e.batches)} ${e.batch}/${e.batches} loss ${num(e.loss)} acc ${num(e.acc)} ${Math.round(e.imagesPerSec)} img/s`);
          progressShown = true;
        }
        break;
      case 'epoch':
        clearProgress();
        if (json) io.out(JSON.stringify({ type: 'epoch', epoch: e.epoch, epochs: e.epochs, ...e.logs, seconds: e.seconds, imagesPerSec: e.imagesPerSec }));
        else {
          io.out(
            `Epoch ${e.epoch}/${e.epochs}: loss ${num(e.logs.loss)} acc ${num(e.logs.acc)} val_loss ${num(e.logs.val_loss)} val_acc ${num(e.logs.val_acc)} ` +
              `(${e.seconds.toFixed(1)} s, ${Math.round(e.imagesPerSec)} img/s)`,
          );
        }
        break;
      default:
        break;
    }
  });

  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      info('cancelling after the current batch (Ctrl-C again to stop at once)');
      session.cancel();
    } else void session.terminate();
  };
  const signals = deps.signals !== false;
  if (signals) process.on('SIGINT', onSigint);
  try {
    const report = await session.result;
    clearProgress();
    if (json) io.out(JSON.stringify(summaryJson(report)));
    else {
      const ev = report.evaluation;
      if (ev) io.out(`${ev.split} accuracy ${num(ev.accuracy)} loss ${num(ev.loss)} on ${ev.count} images; ${ev.misclassified.length} misclassified examples saved`);
      if (report.dataset.skipped.length > 0) io.out(`${report.dataset.skipped.length} unreadable images skipped (see report.json)`);
      io.out(`${report.status}: ${report.epochsCompleted} epochs, ${Math.round(report.imagesPerSec)} img/s on ${backendLabel(report.backend)}; run folder: ${report.runDir}`);
    }
    return report.status === 'cancelled' ? EXIT_CANCELLED : EXIT_OK;
  } catch (e) {
    clearProgress();
    if (e instanceof TrainingError) {
      io.err(`convlens: ${e.message}`);
      if (session.cancelled && e.kind === 'internal') return EXIT_CANCELLED;
      return e.kind === 'usage' ? EXIT_USAGE : EXIT_INTERNAL;
    }
    io.err(`convlens: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_INTERNAL;
  } finally {
    if (signals) process.removeListener('SIGINT', onSigint);
  }
}

function defaultIo(io: { out: (s: string) => void; err: (s: string) => void }): TrainIo {
  const tty = process.stderr.isTTY === true;
  return {
    ...io,
    progress: tty
      ? (s: string) => {
          const width = process.stderr.columns ?? 100;
          process.stderr.write(`\r${s.slice(0, width - 1).padEnd(Math.min(width - 1, 120))}\r`);
        }
      : undefined,
  };
}

/**
 * Adds `train` to the CLI program. Its action is asynchronous: `onExit` receives the exit
 * code (default: sets process.exitCode, so bin/convlens.js exits with it).
 */
export function addTrainCommand(
  program: Command,
  io: { out: (s: string) => void; err: (s: string) => void },
  onExit: (code: number) => void = (code) => {
    process.exitCode = code;
  },
  deps: RunTrainDeps = {},
): Command {
  return program
    .command('train')
    .description('train a model from a Keras (.py) or TF.js (.ts/.js) file, or fine-tune a saved .keras/.h5/model.json, on MNIST, synthetic shapes or an image folder')
    .argument('<file>', 'a Python, TypeScript or JavaScript file, or a saved model')
    .option('--model <name>', 'the model to train, when the file defines several')
    .option('--data <source>', `${dataArgumentHelp()} (required unless --resume)`)
    .option('--epochs <n>', "epochs to train (default: the code's model.fit epochs, else 5)")
    .option('--batch-size <n>', "images per batch (default: model.fit's batch_size, else 32)")
    .option('--validation-split <f>', "held-out fraction, folders without validation/ and synthetic (default: model.fit's validation_split, else 0.2)")
    .option('--steps-per-epoch <n>', "training batches per epoch, from an endless reshuffled stream as Keras' iterators give them; 0: one pass (default: model.fit's steps_per_epoch, else one pass)")
    .option('--validation-steps <n>', "validation batches per epoch; 0: all validation images (default: model.fit's validation_steps, else all)")
    .option('--out <dir>', 'where .convlens/runs/ goes (default: the model file\'s folder)')
    .addOption(new Option('--backend <name>', 'TF.js backend (default: auto)').choices(['auto', ...BACKEND_ORDER]))
    .option('--no-native-kernels', "on wasm, use TF.js' own kernels instead of ConvLens' oneDNN convolutions")
    .option('--seed <n>', 'shuffles batches; seeds synthetic data and validation splits (default: 1)')
    .option('--resume <runDir>', "continue a run folder from its last checkpoint, with the run's own data, epochs and settings (flags override them)")
    .option('--freeze-until <layer>', 'fine-tuning: keep this layer and every one before it frozen')
    .option('--weights-folder <dir>', "where keras.applications weight files are (default: Keras' cache, ~/.keras/models)")
    .option('--random-pretrained', 'train a keras.applications base whose weight file is missing from random weights')
    .option('--json', 'one JSON line per epoch and a final JSON summary line on stdout')
    .action(async (file: string, options: TrainCliOptions) => {
      onExit(await runTrain(file, options, deps.io ?? defaultIo(io), deps));
    });
}

/** Runs `convlens train ...` in-process and resolves with its exit code (tests, scripts). */
export async function runTrainCli(argv: string[], io: TrainIo, deps: RunTrainDeps = { signals: false }): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('convlens')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  addTrainCommand(program, io, (c) => {
    code = c;
  }, { ...deps, io });
  try {
    await program.parseAsync(['train', ...argv], { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return code;
}
