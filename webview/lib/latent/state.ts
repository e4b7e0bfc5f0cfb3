/**
 * The page's one piece of shared state: the current latent point. The plane, the sliders,
 * the samples and the concept vector all set it; each listener redraws from it.
 */
import type { LatentOverview } from '../../../src/core/generative/overviewTypes';
import type { latentProtocol } from '../../../src/protocol/latent';
import type { Host } from '../host';
import type { Feedback } from '../inspect/widgets';

export type LatentHost = Host<typeof latentProtocol>;

export interface PageServices {
  host: LatentHost;
  feedback: Feedback;
  point: CurrentPoint;
}

/** Where a change came from, so the part that made it does not redraw itself mid-drag. */
export type Origin = 'plane' | 'slider' | 'sample' | 'concept' | 'open';

export class CurrentPoint {
  value: number[] = [];
  private readonly listeners: ((value: number[], origin: Origin) => void)[] = [];

  onChange(listener: (value: number[], origin: Origin) => void): void {
    this.listeners.push(listener);
  }

  set(value: number[], origin: Origin): void {
    this.value = value;
    for (const l of this.listeners) l(value, origin);
  }
}

/** "[0.52, −1.30]", at most 6 coordinates shown. */
export function formatPoint(p: readonly number[]): string {
  const shown = p.slice(0, 6).map((x) => x.toFixed(2).replace('-', '−'));
  return `[${shown.join(', ')}${p.length > 6 ? `, … (${p.length} dims)` : ''}]`;
}

/** The mean latent code of each class in the scatter (for concept vectors and interpolation ends). */
export function classMeans(view: LatentOverview): (number[] | undefined)[] {
  const scatter = view.scatter;
  if (!scatter) return [];
  return view.classNames.map((_, c) => {
    const members = scatter.points.filter((_, i) => scatter.labels[i] === c);
    if (members.length === 0) return undefined;
    return members[0].map((_, k) => members.reduce((s, p) => s + p[k], 0) / members.length);
  });
}
