/**
 * Composition root: builds the shared services, registers the editor providers, the panels,
 * the training controller and the commands, and returns. Nothing here loads tfjs or does
 * analysis work up front.
 */
import type * as vscode from 'vscode';
import { registerEditorFeatures } from './editor/features';
import { AnalysisService } from './host/analysisService';
import { registerCommands } from './host/commands';
import { createPageContext, registerPanels, type PanelsApi } from './panels';
import { VizClient } from './core/viz/vizClient';
import { generativeRunsOf, inspectableRuns } from './host/runs';
import { registerAugmentPanel, type AugmentPanelApi } from './panels/augmentPanel';
import { registerInspectPanel, type InspectPanelApi } from './panels/inspectPanel';
import { registerLatentPanel, type LatentPanelApi } from './panels/latentPanel';
import { registerModelFileEditors } from './panels/modelFileEditor';
import { GenerativeTrainer } from './training/generativeTrainer';
import { createTestApi, type TestApi } from './panels/framework/testDriver';
import { registerTrainingPanels, type TrainingPanelsApi } from './panels/trainingPanel';
import { TrainingController } from './training/trainingController';

/** What the extension registered, for the integration tests. */
export interface EditorApi {
  /** Commands this extension registered, for the manifest consistency test. */
  registeredCommands: string[];
  panels: PanelsApi;
  training: TrainingPanelsApi;
  trainer: TrainingController;
  augment: AugmentPanelApi;
  inspect: InspectPanelApi;
  latent: LatentPanelApi;
  generative: GenerativeTrainer;
  /** Drives the pages as a user would; only when VS Code runs the extension under test (ExtensionMode.Test). */
  test?: TestApi;
}

/** What `activate` returns: used by the integration tests, and by other extensions. */
export interface ConvLensApi {
  analysis: AnalysisService;
  editor: EditorApi;
  training: TrainingPanelsApi;
}

export function activate(context: vscode.ExtensionContext): ConvLensApi {
  const subs = context.subscriptions;
  const analysis = new AnalysisService();
  subs.push(analysis);
  const pages = createPageContext(context);
  const panels = registerPanels(context, pages, analysis);
  registerEditorFeatures(context, analysis);
  registerModelFileEditors(context, pages);
  const training = registerTrainingPanels(context, pages);
  const trainer = new TrainingController(context, training);
  subs.push(trainer);
  // One visualization worker answers every panel's requests; it starts on the first one.
  const viz = new VizClient();
  subs.push({ dispose: () => viz.dispose() });
  const augment = registerAugmentPanel(context, pages, analysis, viz);
  const inspect = registerInspectPanel(context, pages, viz, inspectableRuns);
  const latent = registerLatentPanel(context, pages, viz, generativeRunsOf);
  const generative = new GenerativeTrainer(context, (runDir) => latent.refresh(runDir), trainer);
  subs.push(generative);
  const registeredCommands = registerCommands(context, { context, analysis, panels, trainer, augment, inspect, latent, generative });
  const test = pages.testMode ? createTestApi(pages.hosts) : undefined;
  return { analysis, editor: { registeredCommands, panels, training, trainer, augment, inspect, latent, generative, test }, training };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
