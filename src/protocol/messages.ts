/**
 * The host <-> webview protocol, shared by the extension host bundle and the browser
 * bundles in webview/. Plain data only: no `vscode`, no Node, no DOM, so both sides
 * compile it unchanged. Every message that crosses `postMessage` is checked with a guard
 * on arrival, because a webview is a separate (and in principle untrusted) process.
 */
import type { Severity, SourceRange } from '../core/model/spec';
import type { ModelSummary } from '../core/shapes/types';
import { isCount, isObject } from './guards';

export type { ModelSummary, SourceRange };

/** What the convolution-arithmetic view needs of a Conv2D / pooling layer, read from its config. */
export interface ArithmeticConfig {
  op: 'conv' | 'max' | 'avg';
  kernel: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

export interface ModelPayload {
  /** Document uri (string form): persisted in webview state so a reload can re-attach. */
  uri: string;
  fileName: string;
  /** Names of every model in the file, for the picker. */
  modelNames: string[];
  model: ModelSummary;
  /** Keyed by layer index; only layers the arithmetic view can demonstrate. */
  arithmetic: Record<number, ArithmeticConfig>;
  /** Height and width of the model's image input, when it has one: prefills the what-if fields. */
  inputSize?: { height: number; width: number };
  /** File-level and model diagnostics, for the list under the table. */
  diagnostics: { severity: Severity; message: string; line: number }[];
}

export type SummaryView = 'table' | 'arithmetic';

/** Host -> webview. */
export type HostMessage =
  | { type: 'model'; payload: ModelPayload }
  | { type: 'empty'; reason: string }
  | { type: 'focus'; view: SummaryView; layerIndex?: number };

/** Webview -> host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; range: SourceRange }
  | { type: 'selectModel'; name: string }
  | { type: 'openSummary' };

export interface RpcRequest {
  type: 'request';
  id: number;
  method: string;
  params: unknown;
}

export interface RpcResponse {
  type: 'response';
  id: number;
  result?: unknown;
  error?: string;
}

export type RpcMessage = RpcRequest | RpcResponse;

/** Requests either side can make, with their parameter and result types. */
export interface RpcMethods {
  /** Webview -> host: the model re-analysed at another input height and width. */
  whatIf: { params: { height: number; width: number }; result: ModelSummary };
  /** Host -> webview (integration tests): text content of the first match of each selector. */
  query: { params: { selectors: string[] }; result: Record<string, string | null> };
  /** Host -> webview (integration tests): click the first match of a selector. */
  click: { params: { selector: string }; result: boolean };
  /** Host -> webview (integration tests): an attribute of every match of a selector (an <img>'s src, say). */
  attributes: { params: { selector: string; name: string }; result: (string | null)[] };
  /** Host -> webview (integration tests): type a what-if size into the fields as a user would. */
  setWhatIf: { params: { height: number; width: number }; result: boolean };
}
export type RpcMethod = keyof RpcMethods;

// ---- guards -------------------------------------------------------------------------

function isPosition(v: unknown): boolean {
  return isObject(v) && Number.isInteger(v.line) && Number.isInteger(v.column) && (v.line as number) >= 1 && (v.column as number) >= 1;
}

export function isSourceRange(v: unknown): v is SourceRange {
  return isObject(v) && isPosition(v.start) && isPosition(v.end);
}

/** RPC ids count up from 0. */
const isId = isCount;

export function isRpcRequest(v: unknown): v is RpcRequest {
  return isObject(v) && v.type === 'request' && isId(v.id) && typeof v.method === 'string' && v.method.length > 0;
}

export function isRpcResponse(v: unknown): v is RpcResponse {
  return isObject(v) && v.type === 'response' && isId(v.id) && (v.error === undefined || typeof v.error === 'string');
}

export function isRpcMessage(v: unknown): v is RpcMessage {
  return isRpcRequest(v) || isRpcResponse(v);
}

export function isWebviewMessage(v: unknown): v is WebviewMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'openSummary':
      return true;
    case 'reveal':
      return isSourceRange(v.range);
    case 'selectModel':
      return typeof v.name === 'string';
    default:
      return false;
  }
}

function isModelSummary(v: unknown): v is ModelSummary {
  return isObject(v) && typeof v.name === 'string' && Array.isArray(v.layers) && typeof v.totalParams === 'number';
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'model': {
      const p = v.payload;
      return isObject(p) && typeof p.uri === 'string' && Array.isArray(p.modelNames) && isModelSummary(p.model) && isObject(p.arithmetic);
    }
    case 'empty':
      return typeof v.reason === 'string';
    case 'focus':
      return (v.view === 'table' || v.view === 'arithmetic') && (v.layerIndex === undefined || Number.isInteger(v.layerIndex));
    default:
      return false;
  }
}

/** Positive whole pixel counts, bounded so a typo cannot ask for a 10⁹-pixel re-analysis. */
export const MAX_WHATIF_SIZE = 8192;
export function isWhatIfParams(v: unknown): v is RpcMethods['whatIf']['params'] {
  const ok = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_WHATIF_SIZE;
  return isObject(v) && ok(v.height) && ok(v.width);
}

/** State the summary webview persists with setState, and the serializer reads back after a reload. */
export interface SummaryState {
  uri: string;
  modelName: string;
  view?: SummaryView;
  whatIf?: { height: number; width: number };
}

export function isSummaryState(v: unknown): v is SummaryState {
  return isObject(v) && typeof v.uri === 'string' && typeof v.modelName === 'string';
}
