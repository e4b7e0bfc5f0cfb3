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
import type { PastRun, RunInfo, TrainingEvent, TrainingReport, TrainingSettings } from '../protocol/training';
import { pngFileDataUrl } from '../core/viz/png';
import { PanelRunAdapter } from './panelRun';

/** The settings the panel shows: a classifier's and a recipe's runs have them all. */
export type ShownSettings = Pick<TrainSettings, 'data' | 'epochs' | 'batchSize' | 'validationSplit' | 'seed'>;

/** How the dataset is named in the panel: as `--data` names it ('mnist', 'synthetic' or the folder's path). */
export function datasetLabel(settings: ShownSettings): string {
  return datasetArgument(settings.data);
}

export function panelSettings(settings: ShownSettings): TrainingSettings {
  return { dataset: datasetLabel(settings), epochs: settings.epochs, batchSize: settings.batchSize, validationSplit: settings.validationSplit, seed: settings.seed };
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
      index: m.index, label: m.label, predicted: m.predicted, imageDataUrl: pngFileDataUrl(path.join(report.runDir, m.file)) ?? undefined,
    })),
  };
}

export class RunAdapter extends PanelRunAdapter<TrainEvent, TrainReport> {
  private backend: BackendInfo | undefined;
  private dataset: DatasetInfo | undefined;
  private input: { pixelScale: number; augmentation: string[] } | undefined;

  constructor(
    runId: string,
    private readonly modelName: string,
    private readonly fileName: string,
    private readonly settings: TrainSettings,
    post: (event: TrainingEvent) => void,
  ) {
    super(runId, post);
  }

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
        this.post({ type: 'epoch', runId: this.runId, epoch: e.epoch - 1, logs: { ...e.logs }, seconds: e.seconds });
        return;
      default:
        return;
    }
  }

  /** The run ended: done, or stopped when the user cancelled. */
  finish(report: TrainReport): void {
    this.end(report.status === 'cancelled', report.epochsCompleted, report.runDir, () => toPanelReport(report));
  }

  protected runInfo(): RunInfo {
    const train = this.dataset?.train ?? 0;
    return {
      runId: this.runId, modelName: this.modelName, fileName: this.fileName, backend: this.backend ? backendLabel(this.backend) : '?',
      settings: panelSettings(this.settings), startedAt: Date.now(),
      // steps_per_epoch when the run follows it (core/engine/train/batchStream.ts), else one pass.
      batchesPerEpoch: this.settings.stepsPerEpoch ?? Math.ceil(train / this.settings.batchSize), trainCount: train, valCount: this.dataset?.validation ?? 0,
      augmentation: this.input?.augmentation, pixelScale: this.input?.pixelScale,
    };
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
      const saved = JSON.parse(fs.readFileSync(path.join(runsRoot, dir, 'settings.json'), 'utf8')) as { settings: TrainSettings; recipe?: unknown };
      // A VAE's or GAN's run (`…-vae-decoder`) has other losses and no accuracy to compare.
      if (saved.recipe !== undefined) continue;
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
