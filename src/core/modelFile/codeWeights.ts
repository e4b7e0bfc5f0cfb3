/**
 * `model.load_weights("weights.h5")` in the user's code: the file training starts from. Keras
 * resolves the path against the working directory; a script is usually run from its own
 * folder, so ConvLens resolves it against the code's folder (an absolute path stays as it is).
 * Keras takes a weights file (`save_weights`) or a whole saved model (.h5, .keras) here; both
 * are read by readModelFile.
 */
import * as path from 'path';
import type { ModelSpec } from '../model/spec';

export function codeWeightsFile(spec: ModelSpec, sourceFile: string): string | undefined {
  return spec.weightsFile === undefined ? undefined : path.resolve(path.dirname(sourceFile), spec.weightsFile);
}
