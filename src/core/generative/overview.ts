/**
 * What the latent-space panel draws when it opens a run, computed in the visualization
 * worker: the run's history (losses per epoch, and each epoch's sample grid as a picture),
 * a 2-D VAE's manifold (Chollet's 15×15 figure) with the quantiles its rows and columns sit
 * at, and the encoded validation images for the scatter and the concept vectors.
 */
import * as path from 'path';
import { describeRecipe } from './recipe';
import type { LatentOverview } from './overviewTypes';

export type { LatentOverview } from './overviewTypes';
import type { LatentSession } from './latent';
import { manifoldQuantiles } from './vae';
import { pngBytesDataUrl, pngFileDataUrl } from '../viz/png';

/** Chollet's figure: 15 × 15 decoded digits. */
export const MANIFOLD_SIZE = 15;
/** Validation images encoded for the scatter (enough to see the classes' clusters, quick to encode). */
export const SCATTER_COUNT = 1000;



export async function latentOverview(session: LatentSession): Promise<LatentOverview> {
  const { info } = session;
  const overview: LatentOverview = {
    source: info.runDir,
    title: describeRecipe(info.recipe),
    kind: info.recipe.kind,
    latentDim: info.recipe.latentDim,
    imageShape: info.recipe.imageShape,
    status: info.status,
    epochsCompleted: info.epochsCompleted,
    dataName: info.data.kind === 'folder' ? info.data.path : info.data.kind,
    classNames: info.classNames,
    history: info.history.map((h) => ({ epoch: h.epoch, logs: h.logs, samples: pngFileDataUrl(path.join(info.runDir, h.samples)) })),
  };
  if (info.recipe.kind === 'vae') {
    if (info.recipe.latentDim === 2) {
      overview.manifold = { image: pngBytesDataUrl(await session.grid(session.manifoldPoints(MANIFOLD_SIZE), MANIFOLD_SIZE)), axis: manifoldQuantiles(MANIFOLD_SIZE), cell: info.recipe.imageShape[1] };
    }
    overview.scatter = await session.encode(SCATTER_COUNT);
  }
  return overview;
}

/** Each point decoded as a PNG data URL (the panel's live decoding, interpolation and samples). */
export async function decodeToDataUrls(session: LatentSession, points: number[][]): Promise<string[]> {
  return (await session.decode(points)).map(pngBytesDataUrl);
}
