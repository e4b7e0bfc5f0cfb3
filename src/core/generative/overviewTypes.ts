/**
 * What the latent-space panel draws when it opens a run (overview.ts computes it in the
 * worker). Types only, so the panel's page can import them without the worker's code.
 */
import type { ImageShape3 } from './recipe';

export interface LatentOverview {
  /** The run folder. */
  source: string;
  /** "VAE: encoder + decoder, latent 2". */
  title: string;
  kind: 'vae' | 'gan';
  latentDim: number;
  imageShape: ImageShape3;
  status: string;
  epochsCompleted: number;
  dataName: string;
  classNames: string[];
  history: { epoch: number; logs: Record<string, number>; samples: string | null }[];
  /** A 2-D VAE's manifold: the PNG (cells of `cell` pixels with a 1-pixel gutter) and the quantile of each row/column. */
  manifold?: { image: string; axis: number[]; cell: number };
  /** A VAE's encoded validation images: latent means and their classes. */
  scatter?: { points: number[][]; labels: number[] };
}
