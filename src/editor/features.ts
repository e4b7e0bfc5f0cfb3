/**
 * Registers the editor features (CodeLens, inline hints, hovers, diagnostics, commands,
 * panels) over one AnalysisService. Commands come from one table so the manifest test
 * can compare it with package.json.
 */
import * as vscode from 'vscode';
import { createPageContext, registerPanels, type PanelsApi } from '../panels';
import { createTestApi, type TestApi } from '../panels/framework/testDriver';
import { registerAugmentPanel, type AugmentPanelApi } from '../panels/augmentPanel';
import { registerTrainingPanels, type TrainingPanelsApi } from '../panels/trainingPanel';
import { installNativeBackend } from '../training/nativeBackend';
import type { TrainChoices } from '../training/projectSettings';
import { askTrainChoices } from '../training/trainFlow';
import { TrainingController } from '../training/trainingController';
import type { AnalysisService } from './analysisService';
import { ModelCodeLensProvider } from './codeLens';
import { DiagnosticsPublisher, FlattenQuickFix } from './diagnostics';
import { LayerHoverProvider } from './hover';
import { ShapeInlayHintsProvider } from './inlineHints';
import { toggle } from './settings';

export interface EditorApi {
  /** Commands this extension registered, for the manifest consistency test. */
  registeredCommands: string[];
  panels: PanelsApi;
  training: TrainingPanelsApi;
  trainer: TrainingController;
  augment: AugmentPanelApi;
  /** Drives the pages as a user would; only when VS Code runs the extension under test. */
  test?: TestApi;
}

/** The languages ConvLens reads, as VS Code document selectors. */
export const SELECTOR: vscode.DocumentSelector = ['python', 'typescript', 'javascript', 'typescriptreact', 'javascriptreact']
  .flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }, { language, scheme: 'vscode-remote' }]);

type Handler = (...args: unknown[]) => unknown;

/** The document and model a command should act on: its arguments (from a CodeLens) or the cursor. */
function target(analysis: AnalysisService, args: unknown[]): { document: vscode.TextDocument; modelName?: string; line: number } | undefined {
  const [uri, modelName] = args;
  const editor = vscode.window.activeTextEditor;
  if (uri instanceof vscode.Uri) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document) return { document, modelName: typeof modelName === 'string' ? modelName : undefined, line: editor?.document === document ? editor.selection.active.line : 0 };
  }
  if (!editor || !analysis.get(editor.document)) {
    void vscode.window.showErrorMessage('ConvLens: open a Python, TypeScript or JavaScript file with a Keras or TF.js model first.');
    return undefined;
  }
  return { document: editor.document, line: editor.selection.active.line, modelName: analysis.modelAt(editor.document, editor.selection.active.line)?.model.name };
}

interface Services {
  context: vscode.ExtensionContext;
  analysis: AnalysisService;
  panels: PanelsApi;
  trainer: TrainingController;
  augment: AugmentPanelApi;
}

function commandTable({ context, analysis, panels, trainer, augment }: Services): Record<string, Handler> {
  const showSummary = async (view: 'table' | 'arithmetic', args: unknown[]): Promise<void> => {
    const t = target(analysis, args);
    if (!t) return;
    const found = analysis.get(t.document)?.analysis.models ?? [];
    if (found.length === 0) {
      void vscode.window.showWarningMessage(`ConvLens found no Keras or TF.js model in ${vscode.workspace.asRelativePath(t.document.uri)}.`);
      return;
    }
    const model = found.find((m) => m.name === t.modelName) ?? found[0];
    const layerIndex = view === 'arithmetic'
      ? model.layers.findIndex((l) => l.range.start.line - 1 <= t.line && t.line <= l.range.end.line - 1 && /Conv2D|Pooling2D/.test(l.className))
      : -1;
    await panels.showSummary(t.document.uri, model.name, view, layerIndex >= 0 ? layerIndex : undefined);
  };
  const toggleSetting = async (setting: 'inlineHints.enabled' | 'codeLens.enabled', label: string): Promise<void> => {
    const on = await toggle(setting);
    void vscode.window.setStatusBarMessage(`ConvLens: ${label} ${on ? 'on' : 'off'}`, 3000);
  };
  const train = async (args: unknown[]) => {
    const t = target(analysis, args);
    if (!t) return undefined;
    const result = analysis.get(t.document)?.analysis;
    const index = result?.models.findIndex((m) => m.name === t.modelName) ?? -1;
    const i = index >= 0 ? index : 0;
    const model = result?.models[i];
    if (!result || !model) {
      void vscode.window.showWarningMessage(`ConvLens found no Keras or TF.js model to train in ${vscode.workspace.asRelativePath(t.document.uri)}.`);
      return undefined;
    }
    const errors = model.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !model.complete) {
      void vscode.window.showErrorMessage(`ConvLens: ${model.name} cannot be built yet: ${errors[0]?.message ?? 'some shapes or parameters are unknown'}.`);
      return undefined;
    }
    // Tests (and other extensions) may pass the choices; users get the quick-pick flow.
    const given = args[2] as TrainChoices | undefined;
    const choices = given ?? await askTrainChoices(context.workspaceState, t.document.uri, model.name);
    if (!choices) return undefined;
    return trainer.start(t.document.uri, result.specs[i], choices);
  };
  return {
    'convlens.showSummary': (...args) => showSummary('table', args),
    'convlens.trainModel': (...args) => train(args),
    'convlens.installNativeBackend': () => installNativeBackend(context),
    'convlens.showTrainingPanel': (...args) => {
      const t = target(analysis, args);
      const name = t && (t.modelName ?? analysis.get(t.document)?.analysis.models[0]?.name);
      if (t && name) trainer.showPanel(t.document.uri, name);
    },
    'convlens.showConvolutionArithmetic': (...args) => showSummary('arithmetic', args),
    'convlens.previewAugmentation': async (...args) => {
      const t = target(analysis, args);
      const result = t && analysis.get(t.document)?.analysis;
      if (!t || !result || result.models.length === 0) {
        if (t) void vscode.window.showWarningMessage(`ConvLens found no Keras or TF.js model in ${vscode.workspace.asRelativePath(t.document.uri)}.`);
        return;
      }
      const i = Math.max(0, result.models.findIndex((m) => m.name === t.modelName));
      await augment.show(t.document.uri, result.specs[i]);
    },
    'convlens.toggleInlineHints': () => toggleSetting('inlineHints.enabled', 'inline shape hints'),
    'convlens.toggleCodeLens': () => toggleSetting('codeLens.enabled', 'CodeLens'),
  };
}

export function registerEditorFeatures(context: vscode.ExtensionContext, analysis: AnalysisService): EditorApi {
  const subs = context.subscriptions;
  const pages = createPageContext(context);
  const panels = registerPanels(context, pages, analysis);
  const codeLens = new ModelCodeLensProvider(analysis);
  const hints = new ShapeInlayHintsProvider(analysis);
  subs.push(codeLens, hints, new DiagnosticsPublisher(analysis));
  subs.push(vscode.languages.registerCodeLensProvider(SELECTOR, codeLens));
  subs.push(vscode.languages.registerInlayHintsProvider(SELECTOR, hints));
  subs.push(vscode.languages.registerHoverProvider(SELECTOR, new LayerHoverProvider(analysis)));
  subs.push(vscode.languages.registerCodeActionsProvider(SELECTOR, new FlattenQuickFix(), { providedCodeActionKinds: FlattenQuickFix.kinds }));

  const training = registerTrainingPanels(context, pages);
  const trainer = new TrainingController(context, training);
  subs.push(trainer);
  const augment = registerAugmentPanel(context, pages, analysis);
  const table = commandTable({ context, analysis, panels, trainer, augment });
  for (const [id, handler] of Object.entries(table)) {
    subs.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        // Shown, not swallowed: a failing command tells the user why in one line.
        void vscode.window.showErrorMessage(`ConvLens: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }));
  }
  return { registeredCommands: Object.keys(table), panels, training, trainer, augment, test: pages.testMode ? createTestApi(pages.hosts) : undefined };
}
