/** What the commands that open a trained model share: their output, their whole-number flags, their common options. */
import { Option, type Command } from 'commander';
import { BACKEND_ORDER } from '../core/engine/backend/select';
import { UsageError } from './errors';

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
