/**
 * Webview panels: the summary panel (with its serializer) and the side view. The lead
 * wires `registerPanels` into the editor features; commands call `showSummary`.
 */
import * as vscode from 'vscode';
import type { ModelSummary } from '../core/shapes/types';
import type { AnalysisService } from '../host/analysisService';
import { ModelViewProvider } from './modelView';
import { SummaryPanels } from './summaryPanel';
import type { SummaryChannel } from './channel';

export interface PanelsApi extends vscode.Disposable {
  showSummary(uri: vscode.Uri, modelName?: string, view?: 'table' | 'arithmetic', layerIndex?: number): Promise<void>;
  /** Integration tests: the text content (or null) of each selector in the summary panel's / side view's DOM, asked of the webview itself over RPC. */
  querySummaryPanel(selectors: string[]): Promise<Record<string, string | null>>;
  querySideView(selectors: string[]): Promise<Record<string, string | null>>;
  /** Integration tests: dispatch a click on the first element matching selector in the summary panel. */
  clickInSummaryPanel(selector: string): Promise<void>;
  /** Integration tests: set the what-if size through the webview's own controls, as a user would. */
  setWhatIfInSummaryPanel(height: number, width: number): Promise<void>;
}

/**
 * The layer whose source range contains a 0-based editor line (innermost first), for
 * "Show Convolution Arithmetic" on the layer under the cursor.
 */
export function layerIndexAt(model: ModelSummary, line: number): number | undefined {
  const oneBased = line + 1;
  const hits = model.layers.filter((l) => l.range.start.line <= oneBased && oneBased <= l.range.end.line);
  hits.sort((a, b) => (a.range.end.line - a.range.start.line) - (b.range.end.line - b.range.start.line));
  return hits[0]?.index;
}

/** How long test helpers wait for a webview to load before giving up. */
const READY_TIMEOUT_MS = 10000;

async function ready(channel: SummaryChannel | undefined, what: string): Promise<SummaryChannel> {
  if (!channel) throw new Error(`ConvLens: no ${what} is open`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ConvLens: the ${what} did not load within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([channel.whenReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return channel;
}

export function registerPanels(context: vscode.ExtensionContext, analysis: AnalysisService): PanelsApi {
  const summaries = new SummaryPanels(context.extensionUri, analysis);
  const side = new ModelViewProvider(context.extensionUri, analysis);
  const summaryChannel = () => ready(summaries.active?.channel, 'summary panel');
  const api: PanelsApi = {
    async showSummary(uri, modelName, view, layerIndex) {
      await summaries.show(uri, modelName, view, layerIndex);
    },
    async querySummaryPanel(selectors) {
      return (await summaryChannel()).rpc.request('query', { selectors });
    },
    async querySideView(selectors) {
      return (await ready(side.webviewChannel, 'ConvLens side view')).rpc.request('query', { selectors });
    },
    async clickInSummaryPanel(selector) {
      if (!(await (await summaryChannel()).rpc.request('click', { selector }))) throw new Error(`ConvLens: nothing matches ${selector} in the summary panel`);
    },
    async setWhatIfInSummaryPanel(height, width) {
      if (!(await (await summaryChannel()).rpc.request('setWhatIf', { height, width }))) throw new Error('ConvLens: the summary panel has no what-if fields');
    },
    dispose() {
      side.dispose();
      summaries.dispose();
    },
  };
  context.subscriptions.push(api);
  return api;
}
