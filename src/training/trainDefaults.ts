/**
 * Where each Train default comes from. Precedence, highest first: what the user chose last
 * time for this model (only the values they changed, see `choicesToRemember`), the project's
 * convlens.json, the code's own `model.fit(...)`, then ConvLens' built-in defaults.
 * No vscode import, so the precedence is unit-tested in plain mocha.
 */
import type { FitSpec } from '../core/model/spec';
import { batchSizeOrigin, subsetSplitOrigin } from '../core/engine/train/flowSettings';
import { DEFAULT_SETTINGS } from '../core/engine/train/types';
import type { TrainChoices } from './projectSettings';

export type SettingSource =
  | { kind: 'last' }
  | { kind: 'project' }
  /** `call`: the call the value is written in when it is not model.fit itself ('train_datagen.flow_from_directory'). */
  | { kind: 'code'; line: number; call?: string }
  | { kind: 'default' };

export type ChoiceSources = Record<keyof TrainChoices, SettingSource>;

export interface ResolvedChoices {
  choices: TrainChoices;
  sources: ChoiceSources;
}

export const BUILT_IN_CHOICES: TrainChoices = {
  data: 'mnist', epochs: DEFAULT_SETTINGS.epochs, batchSize: DEFAULT_SETTINGS.batchSize,
  validationSplit: DEFAULT_SETTINGS.validationSplit, earlyStopping: 0, seed: DEFAULT_SETTINGS.seed,
  stepsPerEpoch: 0, validationSteps: 0,
};

const KEYS = Object.keys(BUILT_IN_CHOICES) as (keyof TrainChoices)[];

/**
 * The settings a `model.fit(...)` call gives, under the Train flow's names. `folder`: the
 * existing image folder its flow_from_directory reads (core/engine/data/flowFolder.ts).
 */
export function fitChoices(fit: FitSpec | undefined, folder?: string): Partial<TrainChoices> {
  if (!fit) return {};
  const out: Partial<TrainChoices> = {};
  if (folder !== undefined) out.data = folder;
  if (fit.epochs !== undefined) out.epochs = fit.epochs;
  if (fit.batchSize !== undefined) out.batchSize = fit.batchSize;
  // Keras' own split of a flow_from_directory folder (validation_split + subset), else fit()'s validation_split.
  const subsetSplit = subsetSplitOrigin(fit)?.split ?? fit.validationSplit;
  if (subsetSplit !== undefined) out.validationSplit = subsetSplit;
  if (fit.earlyStoppingPatience !== undefined) out.earlyStopping = fit.earlyStoppingPatience;
  if (fit.stepsPerEpoch !== undefined) out.stepsPerEpoch = fit.stepsPerEpoch;
  if (fit.validationSteps !== undefined) out.validationSteps = fit.validationSteps;
  return out;
}

export function resolveTrainChoices(layers: { last?: Partial<TrainChoices>; project?: Partial<TrainChoices>; fit?: FitSpec; fitFolder?: string }): ResolvedChoices {
  const ordered: [Partial<TrainChoices>, SettingSource][] = [
    [layers.last ?? {}, { kind: 'last' }],
    [layers.project ?? {}, { kind: 'project' }],
    [fitChoices(layers.fit, layers.fitFolder), { kind: 'code', line: layers.fit?.range.start.line ?? 0 }],
  ];
  const choices = { ...BUILT_IN_CHOICES };
  const sources = {} as ChoiceSources;
  // An iterator's batch_size is written in its flow_from_directory / flow call, not in fit().
  const batchFrom = batchSizeOrigin(layers.fit);
  const splitFrom = subsetSplitOrigin(layers.fit);
  for (const key of KEYS) {
    const found = ordered.find(([values]) => values[key] !== undefined);
    sources[key] = found ? found[1] : { kind: 'default' };
    if (found?.[1].kind === 'code' && key === 'batchSize' && batchFrom) sources[key] = { kind: 'code', line: batchFrom.line, call: batchFrom.call };
    if (found?.[1].kind === 'code' && key === 'validationSplit' && splitFrom) sources[key] = { kind: 'code', line: splitFrom.line, call: splitFrom.call };
    if (found) (choices as Record<string, unknown>)[key] = found[0][key];
  }
  return { choices, sources };
}

/** "from model.fit, line 42", "from convlens.json", "last run", "default". */
export function sourceLabel(source: SettingSource): string {
  switch (source.kind) {
    case 'last': return 'your last choice';
    case 'project': return 'from convlens.json';
    case 'code': return `from ${source.call ?? 'model.fit'}, line ${source.line}`;
    case 'default': return 'default';
  }
}

/**
 * What to keep as "last time" for this model: the values the user changed from what was
 * offered, plus those that were already their own. Accepting an offered default is not a
 * choice, so a later edit of the code's fit() (or convlens.json) still takes effect.
 */
export function choicesToRemember(chosen: TrainChoices, offered: ResolvedChoices): Partial<TrainChoices> {
  const out: Partial<TrainChoices> = {};
  for (const key of KEYS) {
    if (chosen[key] !== offered.choices[key] || offered.sources[key].kind === 'last') {
      (out as Record<string, unknown>)[key] = chosen[key];
    }
  }
  return out;
}

export interface PatiencePick {
  label: string;
  description?: string;
  patience: number;
}

/** The early-stopping quick pick: off, 2, 3, and the offered patience (e.g. the code's 5) with where it came from. */
export function earlyStoppingPicks(offered: number, source: SettingSource, monitor = 'val_loss'): PatiencePick[] {
  const label = (n: number): string => (n === 0 ? 'No early stopping' : `Stop after ${n} epoch${n === 1 ? '' : 's'} without ${monitor} improvement`);
  const values = [...new Set([0, 2, 3, offered])].sort((a, b) => a - b);
  return values.map((n) => (n === offered ? { label: label(n), description: sourceLabel(source), patience: n } : { label: label(n), patience: n }));
}
