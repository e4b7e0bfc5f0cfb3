/** The command line's exit codes and the error for a mistake the user can fix (printed as one line, exit 2). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
export const EXIT_CANCELLED = 130;

export class UsageError extends Error {}

/** A mistake the user can fix: a UsageError, or a DataError from the core (its name survives worker boundaries). */
export function isUsageError(e: unknown): boolean {
  return e instanceof UsageError || (e instanceof Error && e.name === 'DataError');
}
