/**
 * Turns on one shared resource (the visualization worker's TF.js), first come first served.
 * A long request can give its turn away between units of work (filter patterns: one filter at
 * a time), so a feature map asked for meanwhile is answered in a second instead of after the
 * whole filter set, and the long one goes on after it.
 */
export class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  /** Resolves when it is the caller's turn; the caller must {@link release} it. */
  async acquire(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next in line, or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  /** Lets everyone already waiting take a turn first, then resumes; free when nobody waits. */
  async yieldTurn(): Promise<void> {
    if (this.waiting.length === 0) return;
    this.release();
    await this.acquire();
  }

  /** Runs `work` in its own turn. */
  async run<T>(work: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
