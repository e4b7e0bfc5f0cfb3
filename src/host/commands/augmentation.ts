/** Preview Data Augmentation: the augmentation panel for the model under the cursor or the CodeLens' model. */
import { commandTarget, warnNoModel } from './target';
import type { CommandServices, CommandTable } from './types';

export function augmentationCommands({ analysis, augment }: CommandServices): CommandTable {
  return {
    'convlens.previewAugmentation': async (...args) => {
      const target = commandTarget(analysis, args);
      if (!target) return;
      const result = analysis.get(target.document)?.analysis;
      if (!result || result.models.length === 0) {
        warnNoModel(target.document);
        return;
      }
      const index = Math.max(0, result.models.findIndex((m) => m.name === target.modelName));
      await augment.show(target.document.uri, result.specs[index]);
    },
  };
}
