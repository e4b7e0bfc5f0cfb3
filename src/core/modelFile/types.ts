/** A saved model file, as ConvLens reads it: what it says about itself, its model config, and its stored weights. */

/** One stored weight: its path in the file, shape and dtype; its values are read only when asked for. */
export interface StoredWeight {
  path: string;
  shape: number[];
  dtype: string;
  values(): Float32Array;
}

/** The weights stored for one layer, in the order Keras loads them (trainable, then non-trainable). */
export interface StoredLayer {
  /** The layer's name, as the model config names it. */
  layer: string;
  weights: StoredWeight[];
}

export type ModelFileFormat = 'keras' | 'h5' | 'tfjs';

export interface ModelFileInfo {
  file: string;
  format: ModelFileFormat;
  /** "Keras 3 .keras", "Keras HDF5 (.h5, legacy)", "TF.js layers model.json". */
  formatLabel: string;
  kerasVersion?: string;
  backend?: string;
  savedAt?: string;
  /** Whether the file carries the optimizer's state (training can resume where it stopped). */
  optimizerSaved: boolean;
  /** The dtypes of the stored weights ('float32'). */
  weightDtypes: string[];
}

/** How the file's model was compiled (Keras 3's `compile_config`, a legacy file's `training_config`). */
export interface StoredCompile {
  optimizer?: string;
  learningRate?: number;
  loss?: string;
  fromLogits?: boolean;
  metrics?: string[];
}

export interface ModelFile {
  info: ModelFileInfo;
  compile?: StoredCompile;
  /** `{class_name, config}` of the model; undefined for a weights-only file. */
  config?: unknown;
  weights: StoredLayer[];
}
