/** What every command group gets to work with, and the shape of its part of the command table. */
import type * as vscode from 'vscode';
import type { PanelsApi } from '../../panels';
import type { AugmentPanelApi } from '../../panels/augmentPanel';
import type { InspectPanelApi } from '../../panels/inspectPanel';
import type { LatentPanelApi } from '../../panels/latentPanel';
import type { GenerativeTrainer } from '../../training/generativeTrainer';
import type { TrainingController } from '../../training/trainingController';
import type { AnalysisService } from '../analysisService';

export type CommandHandler = (...args: unknown[]) => unknown;

/** Command id (as declared in package.json) to handler. */
export type CommandTable = Record<string, CommandHandler>;

export interface CommandServices {
  context: vscode.ExtensionContext;
  analysis: AnalysisService;
  panels: PanelsApi;
  trainer: TrainingController;
  augment: AugmentPanelApi;
  inspect: InspectPanelApi;
  latent: LatentPanelApi;
  generative: GenerativeTrainer;
}
