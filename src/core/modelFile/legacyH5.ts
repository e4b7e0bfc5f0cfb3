/**
 * Keras' legacy HDF5 format (`model.save("m.h5")`, also `save_weights`): root attributes
 * `keras_version`, `backend`, `model_config` (JSON) and `training_config`; the weights in
 * `model_weights` (or at the root of a weights-only file), one group per layer named in the
 * `layer_names` attribute, whose `weight_names` attribute lists its datasets in load order
 * (Keras 2: `conv2d/kernel:0`; Keras 3: `sequential/conv2d/kernel`).
 */
import { ModelConfigError } from './configToSpec';
import { child, dtypeName, isDataset, isGroup, openHdf5, stringAttr, stringListAttr, type H5Group } from './hdf5';
import { storedCompile } from './compileInfo';
import type { ModelFile, StoredLayer } from './types';

function layerWeights(root: H5Group): StoredLayer[] {
  return stringListAttr(root, 'layer_names').map((layer) => {
    const group = child(root, layer);
    if (!isGroup(group)) throw new ModelConfigError(`the file lists a layer '${layer}' but stores no group for it`);
    return {
      layer,
      weights: stringListAttr(group, 'weight_names').map((path) => {
        const data = child(group, path);
        if (!isDataset(data)) throw new ModelConfigError(`layer '${layer}' lists a weight '${path}' the file does not store`);
        return { path, shape: [...data.shape], dtype: dtypeName(data.dtype), values: () => Float32Array.from(data.value) };
      }),
    };
  });
}

export function readLegacyH5(bytes: Uint8Array, fileName: string): ModelFile {
  const file = openHdf5(bytes, fileName);
  const configText = stringAttr(file, 'model_config');
  let config: unknown;
  if (configText !== undefined) {
    try {
      config = JSON.parse(configText);
    } catch (e) {
      throw new ModelConfigError(`${fileName}: its model_config attribute is not JSON (${(e as Error).message})`);
    }
  }
  let compile: ModelFile['compile'];
  try {
    compile = storedCompile(JSON.parse(stringAttr(file, 'training_config') ?? 'null'));
  } catch {
    compile = undefined; // an unreadable training config only means no compile settings
  }
  const weightsRoot = child(file, 'model_weights');
  const root = isGroup(weightsRoot) ? weightsRoot : file;
  const weights = stringListAttr(root, 'layer_names').length > 0 ? layerWeights(root) : [];
  if (config === undefined && weights.length === 0) throw new ModelConfigError(`${fileName} is HDF5 but holds neither a Keras model config nor Keras weights`);
  const dtypes = [...new Set(weights.flatMap((l) => l.weights.map((w) => w.dtype)))];
  return {
    info: {
      file: fileName, format: 'h5', formatLabel: config === undefined ? 'Keras HDF5 weights (.h5, no model config)' : 'Keras HDF5 (.h5, legacy format)',
      kerasVersion: stringAttr(root, 'keras_version') ?? stringAttr(file, 'keras_version'), backend: stringAttr(root, 'backend') ?? stringAttr(file, 'backend'),
      optimizerSaved: isGroup(child(file, 'optimizer_weights')), weightDtypes: dtypes,
    },
    config,
    compile,
    weights,
  };
}
