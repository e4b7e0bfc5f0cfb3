/**
 * Translates the engine's training events (src/core/engine/train/types.ts) into the training
 * panel's protocol (src/protocol/training.ts): 0-based epochs, a runStarted once backend and
 * dataset are known, the evaluation as a report with misclassified images as data URLs.
 * No vscode import, so it is unit-tested in plain mocha.
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendLabel, type BackendInfo } from '../core/engine/backend/select';
import { datasetArgument } from '../core/engine/data/types';
import type { DatasetInfo, EpochRecord, TrainEvent, TrainReport, TrainSettings } from '../core/engine/train/types';
import type { PastRun, TrainingEvent, TrainingReport, TrainingSettings } from '../protocol/training';

/** How the dataset is named in the panel: as `--data` names it ('mnist', 'synthetic' or the folder's path). */
export function datasetLabel(settings: TrainSettings): string {
  return datasetArgument(settings.data);
}

export function panelSettings(settings: TrainSettings): TrainingSettings {
  return { dataset: datasetLabel(settings), epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: settings.validationSplit, seed: settings.seed };
}

function imageDataUrl(file: string): string | undefined {
  try {
    return `data:image/png;base64,${fs.readFileSync(file).toString('base64')}`;
  } catch {
    return undefined;
  }
}

export function toPanelReport(report: TrainReport): TrainingReport {
  const ev = report.evaluation;
  const out: TrainingReport = { imagesPerSec: report.imagesPerSec, runDir: report.runDir };
  if (!ev) return out;
  return {
    ...out,
    testAccuracy: ev.accuracy,
    testLoss: ev.loss,
    confusion: ev.confusion,
    classNames: report.dataset.classNames,
    perClassAccuracy: ev.perClassAccuracy.map((a) => a ?? 0),
    misclassified: ev.misclassified.map((m) => ({
      index: m.index, label: m.label, predicted: m.predicted, imageDataUrl: imageDataUrl(path.join(report.runDir, m.file)),
    })),
  };
}

/**
 * Passes every event on, except that batch events arrive at most once per `intervalMs`
 * (the last batch of each epoch always passes): a small model on wasm finishes hundreds of
 * batches a second, and forwarding each to the progress notification and the panel would
 * keep the extension host busy.
 */
export function throttleBatches(listener: (e: TrainEvent) => void, intervalMs = 100, now: () => number = Date.now): (e: TrainEvent) => void {
  let last = -Infinity;
  return (e) => {
    if (e.type === 'batch' && e.batch !== e.batches) {
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
    }
    listener(e);
  };
}

export class RunAdapter {
  private backend: BackendInfo | undefined;
  private dataset: DatasetInfo | undefined;
  private input: { pixelScale: number; augmentation: string[] } | undefined;
  private started = false;

  constructor(
    readonly runId: string,
    private readonly modelName: string,
    private readonly fileName: string,
    private readonly settings: TrainSettings,
    private readonly post: (event: TrainingEvent) => void,
  ) {}

  get backendName(): string | undefined {
    return this.backend && backendLabel(this.backend);
  }

  handle(e: TrainEvent): void {
    switch (e.type) {
      case 'backend': this.backend = e.backend; return;
      case 'dataset': this.dataset = e.dataset; return;
      case 'input': this.input = e.input; return;
      case 'run': this.start(); return;
      case 'batch':
        this.start();
        this.post({ type: 'batch', runId: this.runId, epoch: e.epoch - 1, batch: e.batch, batches: e.batches, loss: e.loss, acc: e.acc, imagesPerSec: e.imagesPerSec });
        return;
      case 'epoch':
        this.post({ type: 'epoch', runId: this.runId, epoch: e.epoch - 1, logs: e.logs, seconds: e.seconds });
        return;
      default:
        return;
    }
  }

  /** The run ended: done, or stopped when the user cancelled. */
  finish(report: TrainReport): void {
    this.start();
    if (report.status === 'cancelled') this.post({ type: 'stopped', runId: this.runId, reason: `Stopped after ${report.epochsCompleted} epoch(s); the last checkpoint is in ${report.runDir}` });
    else this.post({ type: 'done', runId: this.runId, report: toPanelReport(report) });
  }

  fail(message: string): void {
    this.start();
    this.post({ type: 'error', runId: this.runId, message });
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const train = this.dataset?.train ?? 0;
    this.post({
      type: 'runStarted',
      run: {
        runId: this.runId, modelName: this.modelName, fileName: this.fileName, backend: this.backend ? backendLabel(this.backend) : '?',
        settings: panelSettings(this.settings), startedAt: Date.now(),
        batchesPerEpoch: Math.ceil(train / this.settings.batchSize), trainCount: train, valCount: this.dataset?.validation ?? 0,
        augmentation: this.input?.augmentation, pixelScale: this.input?.pixelScale,
      },
    });
  }
}

/** Past runs of one model, read from `<root>/.convlens/runs/*-<model>/` (newest last). */
export function readPastRuns(runsRoot: string, modelName: string, limit = 10): PastRun[] {
  let dirs: string[];
  try {
    dirs = fs.readdirSync(runsRoot).filter((d) => d.endsWith(`-${modelName}`)).sort();
  } catch {
    return [];
  }
  const runs: PastRun[] = [];
  for (const dir of dirs.slice(-limit)) {
    try {
      const history = JSON.parse(fs.readFileSync(path.join(runsRoot, dir, 'history.json'), 'utf8')) as EpochRecord[];
      const saved = JSON.parse(fs.readFileSync(path.join(runsRoot, dir, 'settings.json'), 'utf8')) as { settings: TrainSettings };
      const stat = fs.statSync(path.join(runsRoot, dir));
      runs.push({
        runId: dir, startedAt: stat.birthtimeMs || stat.mtimeMs, settings: panelSettings(saved.settings),
        history: history.map((h) => ({ epoch: h.epoch - 1, loss: h.loss, acc: h.acc, val_loss: h.val_loss, val_acc: h.val_acc })),
        finalValAcc: history.at(-1)?.val_acc,
      });
    } catch {
      // A run that crashed before its first epoch has no history: nothing to compare.
    }
  }
  return runs;
}
