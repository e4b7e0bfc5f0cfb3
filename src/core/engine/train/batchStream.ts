/**
 * The batches of a split as Keras' iterators hand them out (keras.preprocessing.image.Iterator,
 * `_flow_index` with shuffle=True): an endless stream of passes over the images, each pass in
 * a new shuffled order, cut into batches of `batchSize` (a pass's last batch holds the rest).
 * `model.fit(generator, steps_per_epoch=k)` takes the next k batches of that stream each epoch,
 * so an epoch may end inside a pass and the next one goes on from there.
 *
 * Batch g of the stream is a pure function of (count, batchSize, seed, g): a resumed run
 * picks up exactly where the checkpointed epoch stopped, with nothing saved. Pass p is shuffled
 * with subSeed(seed, p + 1), which is the order an epoch of one whole pass always had.
 * Unshuffled (Keras' shuffle=False) every pass is the split's own order.
 */
import { permutation, subSeed } from '../data/rng';
import type { Split } from '../data/types';

export interface StreamBatch {
  /** The pass's order (indices into the split); the batch is order[start, end). */
  order: Int32Array;
  start: number;
  end: number;
}

export class BatchStream {
  /** Batches in one pass over the split. */
  readonly batchesPerPass: number;
  private pass = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(readonly count: number, readonly batchSize: number, private readonly seed: number, private readonly shuffle = true) {
    if (!(count > 0)) throw new Error('a batch stream needs at least one image');
    this.batchesPerPass = Math.ceil(count / batchSize);
  }

  /** Batch `g` (0-based) of the endless stream. */
  at(g: number): StreamBatch {
    const pass = Math.floor(g / this.batchesPerPass);
    if (pass !== this.pass) {
      this.order = this.shuffle ? permutation(this.count, subSeed(this.seed, pass + 1)) : Int32Array.from({ length: this.count }, (_, i) => i);
      this.pass = pass;
    }
    const start = (g % this.batchesPerPass) * this.batchSize;
    return { order: this.order, start, end: Math.min(start + this.batchSize, this.count) };
  }

  /** The indices of `steps` batches from batch `first` on, in order (repeats where the steps go round more than one pass). */
  indices(first: number, steps: number): Int32Array {
    const out: number[] = [];
    for (let g = first; g < first + steps; g++) {
      const { order, start, end } = this.at(g);
      for (let i = start; i < end; i++) out.push(order[i]);
    }
    return Int32Array.from(out);
  }
}

/** The images `indices` of a split, in that order, as a split of their own (for validation_steps). */
export function gatherSplit(split: Split, indices: Int32Array): Split {
  const size = split.x.length / Math.max(split.count, 1);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  indices.forEach((k, i) => {
    x.set(split.x.subarray(k * size, (k + 1) * size), i * size);
    y[i] = split.y[k];
  });
  const sources = split.sources;
  return { x, y, count: indices.length, ...(sources ? { sources: Array.from(indices, (k) => sources[k]) } : {}) };
}
