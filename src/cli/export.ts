/**
 * `convlens export <run> --format keras|tfjs --out FILE`: a trained model (a run folder, its
 * model.json, or a source file + --model meaning that model's latest run) as a Keras 3
 * `.keras` file or a TF.js layers model.json + weights. Exit codes: 0 written, 2 bad input
 * (one line; nothing written), 1 internal error.
 */
import type { Command } from 'commander';
import * as path from 'path';
import { EXPORT_FORMATS, exportModel, modelJsonOf } from '../core/export/exportModel';
import { ExportError } from '../core/export/errors';
import { resolveModelSource } from '../core/viz/inspect/load';
import { guarded } from './inspect';
import { runInProcess, type Io } from './options';

export interface ExportCliOptions {
  format?: string;
  out?: string;
  model?: string;
  json?: boolean;
}

/** A path relative to the working folder when it is inside it, else absolute. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e5 ? 3 : 1)} MB`;
}

export async function runExport(arg: string, o: ExportCliOptions, io: Io): Promise<number> {
  return guarded(io, async () => {
    if (o.format === undefined || !(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
      throw new ExportError(`--format must be ${EXPORT_FORMATS.join(' or ')}${o.format === undefined ? '' : `, not '${o.format}'`}`);
    }
    if (o.out === undefined) throw new ExportError(`--out is required: the ${o.format === 'keras' ? '.keras' : 'model.json'} file to write`);
    const source = modelJsonOf(resolveModelSource(arg, { model: o.model }));
    const result = await exportModel(source, o.format, o.out);
    if (o.json) io.out(JSON.stringify({ source, ...result }));
    else {
      const state = result.optimizerState ? 'with its optimizer state' : 'optimizer state not included';
      const what = result.format === 'keras' ? `Keras 3 .keras${result.compiled ? ` (compiled as the run was; ${state})` : ''}` : 'TF.js layers model';
      io.out(`wrote ${what}: ${result.files.map(shortPath).join(' + ')} (${megabytes(result.bytes)}, ${result.arrays} weight arrays)`);
    }
  });
}

export function addExportCommand(program: Command, io: Io, onExit: (code: number) => void = (code) => { process.exitCode = code; }): void {
  program.command('export')
    .description('write a trained model (run folder) as a Keras 3 .keras file or a TF.js layers model')
    .argument('<run>', 'a run folder, its model.json, or a source file (its model\'s latest run)')
    .option('--format <format>', 'keras (a .keras file for keras.saving.load_model) or tfjs (model.json + weights)')
    .option('--out <file>', 'the file to write: NAME.keras, or NAME.json (with NAME.weights.bin beside it)')
    .option('--model <name>', 'with a source file: the model, when the file defines several')
    .option('--json', 'print one JSON line: the files written, their size, the weight arrays')
    .action(async (run: string, options: ExportCliOptions) => onExit(await runExport(run, options, io)));
}

/** Runs `convlens export …` in-process and resolves with its exit code (tests, scripts). */
export function runExportCli(argv: string[], io: Io): Promise<number> {
  return runInProcess(['export', ...argv], io, (program, onExit) => addExportCommand(program, io, onExit));
}
