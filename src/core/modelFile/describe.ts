/** A model file's facts in one line, as the CLI and the model-file editor show them. */
import type { ModelFileInfo } from './types';

/** "Keras HDF5 (.h5, legacy format) · Keras 2.4.0 · tensorflow backend · optimizer state saved · float32 weights". */
export function modelFileLine(info: ModelFileInfo): string {
  return [
    info.formatLabel,
    info.kerasVersion && `Keras ${info.kerasVersion}`,
    info.backend && `${info.backend} backend`,
    info.savedAt && `saved ${info.savedAt}`,
    info.optimizerSaved ? 'optimizer state saved' : 'no optimizer state',
    info.weightDtypes.length > 0 && `${info.weightDtypes.join('/')} weights`,
  ].filter(Boolean).join(' · ');
}
