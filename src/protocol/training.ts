/**
 * The training panel's protocol: the events the host pushes to the panel while a model
 * trains, and the few messages the panel sends back. Plain JSON data only (no `vscode`,
 * no Node, no DOM), so the host bundle, the browser bundle and the unit tests compile it
 * unchanged. Every message is checked with a guard on arrival, as in messages.ts.
 *
 * Conventions: `epoch` is 0-based (the engine's loop counts from 1: the adapter subtracts
 * one); `batch` is the number of batches finished in that epoch, 1..batches, so the run's
 * progress after a batch event is (epoch * batches + batch) / (epochs * batches).
 */

import { isCount, isObject, isStr, isStrings } from './guards';

export interface TrainingSettings {
  dataset: string;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  seed: number;
}

export interface RunInfo {
  runId: string;
  modelName: string;
  fileName: string;
  /** The tfjs backend that runs the training, e.g. 'wasm', 'cpu', 'tensorflow'. */
  backend: string;
  settings: TrainingSettings;
  /** Epoch milliseconds (Date.now()). */
  startedAt: number;
  batchesPerEpoch: number;
  trainCount: number;
  valCount: number;
  /** Augmentation applied to each training batch, one sentence per layer ('random_flip: mirrors …'). */
  augmentation?: string[];
  /** 255 when images go in as 0–255 pixels (the model rescales them itself). */
  pixelScale?: number;
}

export interface EpochLogs {
  loss: number;
  acc?: number;
  val_loss?: number;
  val_acc?: number;
}

export interface Misclassified {
  /** Index of the image in the test split. */
  index: number;
  label: number;
  predicted: number;
  /** A `data:image/png;base64,…` URL (the panel's CSP allows img-src data:). */
  imageDataUrl?: string;
}

export interface TrainingReport {
  testAccuracy?: number;
  testLoss?: number;
  /** confusion[true][predicted] = count. */
  confusion?: number[][];
  classNames?: string[];
  perClassAccuracy?: number[];
  misclassified?: Misclassified[];
  imagesPerSec: number;
  runDir: string;
}

export interface PastRun {
  runId: string;
  startedAt: number;
  settings: TrainingSettings;
  history: ({ epoch: number } & EpochLogs)[];
  finalValAcc?: number;
}

/** Host -> training webview. */
export type TrainingEvent =
  | { type: 'runStarted'; run: RunInfo }
  | { type: 'batch'; runId: string; epoch: number; batch: number; batches: number; loss: number; acc?: number; imagesPerSec: number }
  | { type: 'epoch'; runId: string; epoch: number; logs: EpochLogs; seconds: number }
  | { type: 'done'; runId: string; report: TrainingReport }
  | { type: 'stopped'; runId: string; reason: string }
  | { type: 'error'; runId: string; message: string }
  | { type: 'history'; runs: PastRun[] };

export type TrainingEventType = TrainingEvent['type'];
/** Events that end a run. */
export type TerminalEvent = Extract<TrainingEvent, { type: 'done' | 'stopped' | 'error' }>;

/** Host -> training webview: the events, plus the panel's identity (sent first on every load, persisted for the serializer). */
export type TrainingHostMessage = TrainingEvent | { type: 'identity'; modelKey: string; title: string };

/** Training webview -> host. */
export type TrainingWebviewMessage =
  | { type: 'ready' }
  | { type: 'stop'; runId: string }
  | { type: 'reveal' };

/** What the training webview persists with setState; the serializer reads it back after a reload. */
export interface TrainingState {
  modelKey: string;
  title: string;
  /** Past runs (and the last run shown), so a reloaded window still shows them. */
  runs?: PastRun[];
}

// ---- guards -------------------------------------------------------------------------

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isOptNum = (v: unknown): boolean => v === undefined || v === null || typeof v === 'number';
/** A loss, or null: NaN and Infinity cross postMessage's JSON as null. */
const isLoss = (v: unknown): boolean => v === null || typeof v === 'number';

export function isTrainingSettings(v: unknown): v is TrainingSettings {
  return isObject(v) && isStr(v.dataset) && isCount(v.epochs) && isCount(v.batchSize) && isNum(v.validationSplit) && isNum(v.seed);
}

export function isRunInfo(v: unknown): v is RunInfo {
  return isObject(v) && isStr(v.runId) && isStr(v.modelName) && isStr(v.fileName) && isStr(v.backend) && isTrainingSettings(v.settings)
    && isNum(v.startedAt) && isCount(v.batchesPerEpoch) && isCount(v.trainCount) && isCount(v.valCount)
    && (v.augmentation === undefined || isStrings(v.augmentation)) && isOptNum(v.pixelScale);
}

/** Metrics may be NaN (null after JSON): a diverging loss must still be shown, so readers check with Number.isFinite. */
export function isEpochLogs(v: unknown): v is EpochLogs {
  return isObject(v) && isLoss(v.loss) && isOptNum(v.acc) && isOptNum(v.val_loss) && isOptNum(v.val_acc);
}

function isMatrix(v: unknown): v is number[][] {
  return Array.isArray(v) && v.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'));
}

export function isTrainingReport(v: unknown): v is TrainingReport {
  return isObject(v) && isOptNum(v.testAccuracy) && isOptNum(v.testLoss) && typeof v.imagesPerSec === 'number' && isStr(v.runDir)
    && (v.confusion === undefined || isMatrix(v.confusion))
    && (v.classNames === undefined || (Array.isArray(v.classNames) && v.classNames.every(isStr)))
    && (v.perClassAccuracy === undefined || (Array.isArray(v.perClassAccuracy) && v.perClassAccuracy.every((x) => typeof x === 'number')))
    && (v.misclassified === undefined || (Array.isArray(v.misclassified) && v.misclassified.every((m) => isObject(m)
      && isCount(m.index) && isCount(m.label) && isCount(m.predicted) && (m.imageDataUrl === undefined || (isStr(m.imageDataUrl) && m.imageDataUrl.startsWith('data:image/'))))));
}

export function isPastRun(v: unknown): v is PastRun {
  return isObject(v) && isStr(v.runId) && isNum(v.startedAt) && isTrainingSettings(v.settings) && isOptNum(v.finalValAcc)
    && Array.isArray(v.history) && v.history.every((h) => isObject(h) && isCount(h.epoch) && isEpochLogs(h));
}

export function isTrainingEvent(v: unknown): v is TrainingEvent {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'runStarted':
      return isRunInfo(v.run);
    case 'batch':
      return isStr(v.runId) && isCount(v.epoch) && isCount(v.batch) && isCount(v.batches) && isLoss(v.loss) && isOptNum(v.acc) && typeof v.imagesPerSec === 'number';
    case 'epoch':
      return isStr(v.runId) && isCount(v.epoch) && isEpochLogs(v.logs) && typeof v.seconds === 'number';
    case 'done':
      return isStr(v.runId) && isTrainingReport(v.report);
    case 'stopped':
      return isStr(v.runId) && isStr(v.reason);
    case 'error':
      return isStr(v.runId) && isStr(v.message);
    case 'history':
      return Array.isArray(v.runs) && v.runs.every(isPastRun);
    default:
      return false;
  }
}

export function isTrainingHostMessage(v: unknown): v is TrainingHostMessage {
  if (isObject(v) && v.type === 'identity') return isStr(v.modelKey) && isStr(v.title);
  return isTrainingEvent(v);
}

export function isTerminalEvent(e: TrainingEvent): e is TerminalEvent {
  return e.type === 'done' || e.type === 'stopped' || e.type === 'error';
}

export function isTrainingWebviewMessage(v: unknown): v is TrainingWebviewMessage {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'reveal':
      return true;
    case 'stop':
      return isStr(v.runId);
    default:
      return false;
  }
}

export function isTrainingState(v: unknown): v is TrainingState {
  return isObject(v) && isStr(v.modelKey) && isStr(v.title) && (v.runs === undefined || (Array.isArray(v.runs) && v.runs.every(isPastRun)));
}
