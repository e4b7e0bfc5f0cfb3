/**
 * Preview Data Augmentation: the augmentation panel for the model (or the ImageDataGenerator)
 * the CodeLens names, or the one under the cursor.
 */
import type { DataGeneratorSpec } from '../../core/model/spec';
import { commandTarget, warnNoModel, type CommandTarget } from './target';
import type { CommandServices, CommandTable } from './types';

/** The generator the target names (a CodeLens on `ImageDataGenerator(`), or whose call the cursor is in when no model is named. */
function generatorFor(target: CommandTarget, generators: readonly DataGeneratorSpec[], modelNames: readonly string[]): DataGeneratorSpec | undefined {
  if (target.modelName !== undefined && modelNames.includes(target.modelName)) return undefined;
  const named = generators.find((g) => g.name === target.modelName);
  if (named) return named;
  const line = target.line + 1; // SourceRange lines are 1-based
  return generators.find((g) => g.range.start.line <= line && line <= g.range.end.line);
}

export function augmentationCommands({ analysis, augment }: CommandServices): CommandTable {
  return {
    'convlens.previewAugmentation': async (...args) => {
      const target = commandTarget(analysis, args);
      if (!target) return;
      const result = analysis.get(target.document)?.analysis;
      const generator = result && generatorFor(target, result.generators ?? [], result.models.map((m) => m.name));
      if (result && generator) {
        await augment.showGenerator(target.document.uri, generator, result.specs);
        return;
      }
      if (!result || result.models.length === 0) {
        warnNoModel(target.document);
        return;
      }
      const index = Math.max(0, result.models.findIndex((m) => m.name === target.modelName));
      await augment.show(target.document.uri, result.specs[index]);
    },
  };
}
