/**
 * `convlens` command line: the analysis core for terminals and CI.
 * Exit codes: 0 when the file was read (even with diagnostics), 2 for a missing or
 * unreadable file, an unsupported language, or bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import * as fs from 'fs';
import { analyzeSource, languageForFile, type FileAnalysis } from '../core/analysis';
import type { Diagnostic } from '../core/model/spec';
import type * as modelFileDescribe from '../core/modelFile/describe';
import { isModelFile } from '../core/modelFile/kind';
import type * as modelFileOpen from '../core/modelFile/open';
import { toJsonReport } from '../core/report/json';
import { formatModelText, type SummaryStyle } from '../core/report/text';
import { EXIT_USAGE, UsageError } from './errors';
import type * as trainCommand from './train';
import type * as augmentCommand from './augment';
import type * as inspectCommand from './inspect';
import type * as generateCommand from './generate';
import type * as evaluateCommand from './evaluate';
import type * as exportCommand from './export';


interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function readFile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`no such file: ${file}`);
  }
  if (stat.isDirectory()) throw new UsageError(`${file} is a directory, not a model file`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function diagnosticLine(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.message}`;
}

function summaryText(file: string, analysis: FileAnalysis, style: SummaryStyle): string {
  const parts: string[] = [];
  if (analysis.models.length === 0) parts.push(`No Keras or TF.js model definitions found in ${file}.`);
  for (const model of analysis.models) parts.push(formatModelText(model, style));
  const diagnostics = [...analysis.diagnostics, ...analysis.models.flatMap((m) => m.diagnostics)];
  if (diagnostics.length > 0) parts.push(['Diagnostics:', ...diagnostics.map((d) => diagnosticLine(file, d))].join('\n'));
  return parts.join('\n\n');
}

/** A saved model (.keras, .h5, TF.js model.json) summarised from its config, with what the file says about itself. */
function modelFileSummary(io: Io, file: string, options: { json?: boolean; style: SummaryStyle }): void {
  // Required here, not imported: the zip and HDF5 readers cost a summary of code a few ms to load.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { openModelFile } = require('../core/modelFile/open') as typeof modelFileOpen;
  const { modelFileLine } = require('../core/modelFile/describe') as typeof modelFileDescribe;
  /* eslint-enable @typescript-eslint/no-require-imports */
  let opened: ReturnType<typeof openModelFile>;
  try {
    opened = openModelFile(file);
  } catch (e) {
    throw new UsageError((e instanceof Error ? e.message : String(e)).split('\n')[0]);
  }
  const analysis: FileAnalysis = { language: 'python', specs: [opened.spec], models: [opened.summary], diagnostics: [] };
  if (options.json) io.out(JSON.stringify({ ...toJsonReport(analysis, file, options.style), modelFile: opened.file.info }, null, 2));
  else io.out(`${file}: ${modelFileLine(opened.file.info)}\n\n${summaryText(file, analysis, options.style)}`);
}

function summaryCommand(io: Io, file: string, options: { json?: boolean; style: SummaryStyle }): void {
  if (isModelFile(file)) return modelFileSummary(io, file, options);
  const text = readFile(file);
  const language = languageForFile(file);
  if (!language) throw new UsageError(`unsupported file type: ${file} (ConvLens reads .py, .ts, .tsx, .js, .jsx, .mjs and .cjs files)`);
  const analysis = analyzeSource(text, language, file);
  io.out(options.json ? JSON.stringify(toJsonReport(analysis, file, options.style), null, 2) : summaryText(file, analysis, options.style));
}

type AddCommands = (program: Command, io: Io) => void;

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The commands besides `summary`, by the module that adds them, in the order `--help` lists
 * them. Each module is required only when the program needs it: its command is the one run,
 * or the command line names none (help, a typo). A `convlens summary` then never initialises
 * the trainer, the image and TF.js code behind the others (about 12 ms of a 150 ms start).
 */
const COMMAND_MODULES: { names: string[]; add: () => AddCommands }[] = [
  { names: ['train'], add: () => (require('./train') as typeof trainCommand).addTrainCommand },
  { names: ['augment'], add: () => (require('./augment') as typeof augmentCommand).addAugmentCommand },
  { names: ['activations', 'filters', 'gradcam'], add: () => (require('./inspect') as typeof inspectCommand).addInspectCommands },
  { names: ['sample', 'interpolate', 'encode'], add: () => (require('./generate') as typeof generateCommand).addGenerateCommands },
  { names: ['evaluate'], add: () => (require('./evaluate') as typeof evaluateCommand).addEvaluateCommand },
  { names: ['export'], add: () => (require('./export') as typeof exportCommand).addExportCommand },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command modules `argv` needs: none for `summary`, its own for another command, all otherwise. */
function commandModulesFor(argv: string[]): AddCommands[] {
  const command = argv[0];
  if (command === 'summary') return [];
  const own = COMMAND_MODULES.find((m) => m.names.includes(command));
  return (own ? [own] : COMMAND_MODULES).map((m) => m.add());
}

function buildProgram(io: Io, argv: string[]): Command {
  const program = new Command('convlens')
    .description('Exact Keras shapes, parameter counts and formulas for convnet code, read without running it.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program.command('summary')
    .description('print every model in a Keras (.py) or TF.js (.ts/.js) file, or a saved .keras, .h5 or TF.js model.json, like model.summary(), with formulas')
    .argument('<file>', 'a Python, TypeScript or JavaScript file, or a .keras, .h5/.hdf5 or model.json')
    .option('--json', 'print JSON instead of text')
    .addOption(new Option('--style <style>', 'table layout and layer names').choices(['keras', 'tfjs']).default('keras'))
    .action((file: string, options: { json?: boolean; style: SummaryStyle }) => summaryCommand(io, file, options));
  for (const add of commandModulesFor(argv)) add(program, io);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export function runCli(argv: string[], io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) }): number {
  const program = buildProgram(io, argv);
  try {
    program.parse(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
    if (e instanceof UsageError) {
      io.err(`convlens: ${e.message}`);
      return EXIT_USAGE;
    }
    io.err(`convlens: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
