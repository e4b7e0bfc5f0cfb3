/** What the commands that open a trained model share: their output, their whole-number flags, their common options. */
import { Command, Option } from 'commander';
import { BACKEND_ORDER } from '../core/engine/backend/select';
import { EXIT_OK, EXIT_USAGE, UsageError } from './errors';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** A whole-number flag, at least `min` (and at most `max`), or a one-line UsageError. */
export function wholeNumber(value: string, what: string, min = 0, max = Infinity): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${what} must be a whole number ${Number.isFinite(max) ? `from ${min} to ${max}` : `≥ ${min}`}, not '${value}'`);
  }
  return n;
}

/** `<argument>`, `--model` (which model of a source file), `--backend`, `--json`. */
export function modelArguments(command: Command, argument: string, argumentHelp: string, modelHelp: string): Command {
  return command
    .argument(argument, argumentHelp)
    .option('--model <name>', modelHelp)
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(['auto', ...BACKEND_ORDER]).default('auto'))
    .option('--json', 'print one JSON line instead of text');
}

/**
 * Runs one command in-process on a fresh program and resolves with its exit code (tests,
 * scripts): `add` registers the command, handing it the callback that records the code.
 */
export async function runInProcess(argv: string[], io: Io, add: (program: Command, onExit: (code: number) => void) => void): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('convlens').exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  add(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return code;
}
