/**
 * A saved model file's fine-tuning choices in the summary page: which layers train, chosen
 * per layer (a checkbox) or Chollet's way ("train from here": everything before frozen). The
 * host re-analyses the model with the choices, so the totals say exactly what Fine-tune…
 * will train; the choices go with the Fine-tune… message.
 */
import type { LayerSummary, ModelSummary } from '../../src/core/shapes/types';
import type { FineTuneOptions } from './table';

export type TrainableFlags = Record<string, boolean>;

export class FineTuneChoices {
  /** The user's choices so far (layer name → trains); the file's own flags for the rest. */
  flags: TrainableFlags = {};
  /** The model analysed with the choices; undefined before the first choice. */
  result?: ModelSummary;
  private model?: ModelSummary;
  private seq = 0;

  constructor(private readonly reanalyse: (flags: TrainableFlags) => Promise<ModelSummary>, private readonly onResult: () => void) {}

  /** A new model file (or the same one reloaded): choices start from what the file says. */
  setModel(model: ModelSummary): void {
    if (this.model?.name !== model.name) {
      this.flags = {};
      this.result = undefined;
    }
    this.model = model;
  }

  /** As the file says, when the user has not chosen: a layer trains when some of its weights do. */
  private fileSays(l: LayerSummary): boolean {
    return (l.trainableParams ?? 0) > 0;
  }

  readonly options: FineTuneOptions = {
    trains: (l) => this.flags[l.name] ?? this.fileSays(l),
    onToggle: (l, trains) => this.choose({ ...this.flags, [l.name]: trains }),
    onTrainFrom: (from) => {
      const layers = (this.model?.layers ?? []).filter((l) => l.params);
      const at = layers.findIndex((l) => l.name === from.name);
      this.choose(Object.fromEntries(layers.map((l, i) => [l.name, i >= at])));
    },
  };

  private choose(flags: TrainableFlags): void {
    this.flags = flags;
    const seq = ++this.seq;
    this.reanalyse(flags).then((result) => {
      if (seq !== this.seq) return; // a newer choice was made meanwhile
      this.result = result;
      this.onResult();
    }, (e: unknown) => console.error('ConvLens: re-analysing the fine-tuning choices failed', e));
  }
}
