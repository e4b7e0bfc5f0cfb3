/** Errors of a training run, as the host sees them. */
import type { TrainErrorKind } from './types';

export class TrainingError extends Error {
  constructor(
    message: string,
    /** 'usage': the user can fix it (data, shapes, compile settings, backend); 'internal': a bug or a crash. */
    readonly kind: TrainErrorKind,
    /** The last checkpoint written before the failure, if any. */
    readonly checkpoint?: string,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

const USAGE_ERRORS = new Set(['DataError', 'CompileError', 'BuildError', 'UnresolvedLayerError', 'UnsupportedLayerError', 'UnsupportedConfigError', 'BackendUnavailableError']);

/** Is this an error the user can fix (bad data, an unsupported layer, a missing backend)? */
export function errorKind(e: unknown): TrainErrorKind {
  if (e instanceof Error && (USAGE_ERRORS.has(e.name) || USAGE_ERRORS.has(e.constructor.name))) return 'usage';
  return 'internal';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
