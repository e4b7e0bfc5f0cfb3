/**
 * Caps that keep the interpreter finite on any input: the reader runs on every keystroke
 * in the editor, so a `while True:` or `[0] * 10**9` in user code must cost milliseconds.
 */
export const LIMITS = {
  /** Expression and statement visits for the whole file. */
  steps: 200_000,
  /** Iterations of one loop (one execution of a `for`/`while` statement). */
  loopIterations: 10_000,
  /** User-function calls nested inside each other (recursion). */
  callDepth: 50,
  /** Syntax nesting the evaluator follows (expressions inside expressions, blocks in blocks). */
  nesting: 400,
  /** Items of a list, tuple or string the evaluator will build. */
  listSize: 100_000,
  /** Items of all lists and strings built while reading one file. */
  totalItems: 2_000_000,
};

/**
 * A cap was hit inside one construct: the statement that contains it is abandoned with a
 * warning and evaluation goes on with the next statement.
 */
export class CapExceeded {
  // Not an Error subclass: capturing a stack trace on every throw would make a cap
  // hit inside deep recursion cost more than the evaluation it stops.
  constructor(readonly message: string) {}
}

/** The whole-file step budget is spent: evaluation ends, what was built so far is kept. */
export class EvaluationStopped {
  constructor(readonly message: string) {}
}

/**
 * Items (list entries, string characters) built by the current read. The per-value cap
 * alone would let a loop build ten thousand large lists; this bounds the total. The
 * reader is synchronous, so one counter reset at the start of each read is enough.
 */
let allocated = 0;

export function resetAllocation(): void {
  allocated = 0;
}

/**
 * Checks a value about to be built: `n` is its size, `added` the items this builds anew
 * (less than `n` when a list grows in place).
 */
export function checkSize(n: number, what = 'a list', added = n): void {
  if (!(n <= LIMITS.listSize)) {
    throw new CapExceeded(`evaluation stopped: ${what} of more than ${LIMITS.listSize} items is not built`);
  }
  allocated += added;
  if (allocated > LIMITS.totalItems) {
    throw new EvaluationStopped(`evaluation stopped: more than ${LIMITS.totalItems} list items and characters built; the rest of the file is not read`);
  }
}
