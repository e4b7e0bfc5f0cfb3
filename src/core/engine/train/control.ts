/** Cancellation shared between the training loop and whoever drives it (the worker, a test). */
export class TrainControl {
  cancelled = false;
  batchesDone = 0;
  batchesAtCancel: number | undefined;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.batchesAtCancel = this.batchesDone;
  }
}

/** Lets queued messages (a cancel) in: TF.js' awaits on cpu/wasm only yield to microtasks. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
