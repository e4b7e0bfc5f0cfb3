/**
 * `model.load_weights("weights.h5")` in the user's code: the file training starts from. Keras
 * resolves the path against the working directory; a script is usually run from its own
 * folder, so ConvLens resolves it against the code's folder (an absolute path stays as it is).
 * Keras takes a Keras 3 weights file (`save_weights`, `*.weights.h5`), a Keras 2 one, or a whole
 * saved model (.h5, .keras) here.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ModelSpec } from '../model/spec';
import { child, isGroup, openHdf5, stringListAttr } from './hdf5';
import { readKerasWeightsH5, type ConfigLayer } from './kerasZip';
import { readLegacyH5 } from './legacyH5';
import { readModelFile } from './open';
import type { StoredLayer } from './types';

export function codeWeightsFile(spec: ModelSpec, sourceFile: string): string | undefined {
  return spec.weightsFile === undefined ? undefined : path.resolve(path.dirname(sourceFile), spec.weightsFile);
}

/** The spec as the config Keras would save for it: class names and layer names, nested models inside. */
function configLayers(spec: ModelSpec): ConfigLayer[] {
  return spec.layers.map((l) => (l.nested
    ? { class_name: l.nested.kind === 'sequential' ? 'Sequential' : 'Functional', config: { name: l.name, layers: configLayers(l.nested) } }
    : { class_name: l.className, config: { name: l.name } }));
}

/**
 * The stored weights of `file` for `spec`: a Keras 3 weights file (no `layer_names`, a `layers`
 * group) is matched to the spec's layers as Keras matches it to the model's; anything else is
 * read as a model file or a Keras 2 weights file.
 */
export function storedWeightsFor(file: string, spec: ModelSpec): StoredLayer[] {
  if (/\.(h5|hdf5)$/i.test(file)) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const root = openHdf5(bytes, file);
    if (stringListAttr(root, 'layer_names').length === 0 && !isGroup(child(root, 'model_weights')) && isGroup(child(root, 'layers'))) {
      return readKerasWeightsH5(bytes, file, configLayers(spec));
    }
    // The bytes are read already: a legacy file (a whole model, or Keras 2's weights) goes on from them.
    return readLegacyH5(bytes, file).weights;
  }
  return readModelFile(file).weights;
}
