/**
 * Models that depend on a condition ConvLens cannot decide (`if use_bn:` where use_bn comes from
 * the command line or a file), for both readers. The interpreter reads the first branch; here the file is read again
 * with the other branch of each such condition, and a model the choice changes (other layers,
 * shapes or parameter counts) is marked as undecided, so it is never shown complete with what may
 * be a wrong number. A model both branches build alike stays complete.
 *
 * A loop over items not known statically is not run; its other reading runs its body once (with
 * an unknown loop variable), so a model the loop adds layers to is marked the same way.
 *
 * Each condition is flipped on its own (all its undecided evaluations together), and all of them at
 * once; with more than MAX_SINGLE_FLIPS conditions the rest are only flipped together. Mixed
 * outcomes of one condition inside a loop, and mixes of three or more conditions, are not tried.
 */
import type { ModelSpec } from '../model/spec';
import { analyzeModel } from '../shapes/analyze';

/** A condition a reader could not decide, recorded where it starts in the file. */
export interface UndecidedCondition {
  /** How a message shows it: "`if use_bn:`". */
  shown: string;
  line: number;
  /** The override that gives the other reading: false takes an `if`'s other branch, true runs a skipped loop once. */
  other: boolean;
  /** How the first reading took it: 'with the first branch', 'without running the loop'. */
  readAs: string;
}

/** Alternative readings of one file are whole re-reads: few, so reading stays instant. */
const MAX_SINGLE_FLIPS = 4;
/** Past this, the readings not yet made are not made, and the models not yet cleared are not shown complete. */
const TIME_BUDGET_MS = 1500;
/** Conditions named in one model's reason. */
const MAX_NAMED = 3;

export interface Reading {
  models: ModelSpec[];
  undecided: ReadonlyMap<number, UndecidedCondition>;
}

/**
 * Sets `undecidedBranches` on the models of `first` that another reading builds differently.
 * @param readWith reads the file again, taking an undecided condition (by start offset) as the map says.
 * @param budgetMs how long the other readings may take in all.
 */
export function markUndecidedModels(first: Reading, readWith: (overrides: ReadonlyMap<number, boolean>) => Reading, budgetMs = TIME_BUDGET_MS): void {
  const sites = [...first.undecided.keys()];
  if (sites.length === 0 || first.models.length === 0) return;
  const deadline = Date.now() + budgetMs;
  const base = signatures(first.models);
  const changedBy = new Map<string, number[]>();
  const blame = (key: string, culprits: number[]): void => {
    const list = changedBy.get(key) ?? [];
    for (const site of culprits) if (!list.includes(site)) list.push(site);
    changedBy.set(key, list);
  };
  const otherReading = (site: number): boolean => first.undecided.get(site)!.other;
  const plans = sites.slice(0, MAX_SINGLE_FLIPS).map((site) => [site]);
  if (sites.length > 1) plans.push(sites);
  for (const [i, flipped] of plans.entries()) {
    if (Date.now() > deadline) {
      // Out of time (a file near the evaluation caps): what was not tried is not known not to matter.
      const untried = [...new Set(plans.slice(i).flat())];
      for (const key of base.keys()) if (!changedBy.has(key)) blame(key, untried);
      break;
    }
    const other = signatures(readWith(new Map(flipped.map((s) => [s, otherReading(s)] as const))).models);
    // The reading with all flipped only blames all conditions for what no single flip explained.
    const together = flipped.length > 1;
    for (const [key, sig] of base) {
      if (other.get(key) !== sig && !(together && changedBy.has(key))) blame(key, flipped);
    }
  }
  const keys = modelKeys(first.models);
  first.models.forEach((spec, i) => {
    const culprits = changedBy.get(keys[i]);
    if (culprits) spec.undecidedBranches = [reason(culprits.map((s) => first.undecided.get(s)!))];
  });
}

function reason(conditions: UndecidedCondition[]): string {
  const sorted = [...conditions].sort((a, b) => a.line - b.line);
  const named = sorted.slice(0, MAX_NAMED).map((c) => `${c.shown} (line ${c.line})`);
  const more = sorted.length > MAX_NAMED ? ` and ${sorted.length - MAX_NAMED} more conditions` : '';
  const readAs = [...new Set(sorted.map((c) => c.readAs))].join(' and ');
  return `depends on ${named.join(', ')}${more}, which ConvLens cannot decide statically; read ${readAs}`;
}

/**
 * A model's identity across readings: where it is constructed, and the how-manieth model made
 * there (a builder function called twice makes two).
 */
function modelKeys(models: ModelSpec[]): string[] {
  const seen = new Map<string, number>();
  return models.map((m) => {
    const at = `${m.range.start.line}:${m.range.start.column}`;
    const n = seen.get(at) ?? 0;
    seen.set(at, n + 1);
    return `${at}#${n}`;
  });
}

/** What must agree for the first branch's numbers to hold: each layer's class, wiring, output shape and parameter counts. */
function signatures(models: ModelSpec[]): Map<string, string> {
  const keys = modelKeys(models);
  const out = new Map<string, string>();
  models.forEach((spec, i) => {
    const s = analyzeModel(spec);
    out.set(keys[i], JSON.stringify([
      s.complete, s.inputShapes, s.totalParams, s.trainableParams, s.nonTrainableParams,
      s.layers.map((l) => [l.className, l.outputShape, l.trainableParams, l.nonTrainableParams, l.inbound, l.sharedWith ?? null]),
    ]));
  });
  return out;
}
