/**
 * The small type guards every protocol file checks messages with (messages.ts, training.ts,
 * augment.ts): plain JSON in, nothing trusted until it passes.
 */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const isStr = (v: unknown): v is string => typeof v === 'string';

export const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** A whole number ≥ 0 (an id, an epoch, a count). */
export const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
