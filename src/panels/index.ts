/**
 * The pages' shared context and the summary panel with the side view. The training and
 * augmentation panels register themselves with the same context.
 */
import * as vscode from 'vscode';
import type { AnalysisService } from '../host/analysisService';
import type { SummaryView } from '../protocol/summary';
import { PageHosts } from './framework/pageHosts';
import type { PageContext } from './framework/webviewHost';
import { ModelViewProvider } from './modelView';
import { summaryPanels } from './summaryPanel';

export interface PanelsApi extends vscode.Disposable {
  showSummary(uri: vscode.Uri, modelName?: string, view?: SummaryView, layerIndex?: number): void;
}

/** One per activation: the open pages, and whether they load the test hooks. */
export function createPageContext(context: vscode.ExtensionContext): PageContext {
  return { extensionUri: context.extensionUri, testMode: context.extensionMode === vscode.ExtensionMode.Test, hosts: new PageHosts() };
}

export function registerPanels(context: vscode.ExtensionContext, pages: PageContext, analysis: AnalysisService): PanelsApi {
  const summaries = summaryPanels(pages, analysis);
  const side = new ModelViewProvider(pages, analysis);
  const api: PanelsApi = {
    showSummary(uri, modelName, view, layerIndex) {
      summaries.show(uri.toString(), modelName).show(modelName, view, layerIndex);
    },
    dispose() {
      side.dispose();
      summaries.dispose();
    },
  };
  context.subscriptions.push(api);
  return api;
}
