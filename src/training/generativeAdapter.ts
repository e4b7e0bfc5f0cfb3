/**
 * A VAE's or GAN's run in the training panel: its worker events (core/generative/train/types.ts)
 * become the panel's TrainingEvents, with the recipe's losses under Keras' names and each
 * epoch's sample grid as a picture. A finished run is replayed from its folder through the
 * same adapter, so the panel draws a run read from disk exactly as it drew it live.
 * No vscode import, so it is unit-tested in plain mocha.
 */
import * as path from 'path';
import * as fs from 'fs';
import { backendLabel, type BackendInfo } from '../core/engine/backend/select';
import type { DatasetInfo } from '../core/engine/train/types';
import { describeRecipe, imageModel, type GenerativeRecipe } from '../core/generative/recipe';
import { readGenerativeRun } from '../core/generative/runFolder';
import type { GenerativeSessionEvent } from '../core/generative/train/session';
import type { GenerativeReport } from '../core/generative/train/types';
import { pngFileDataUrl } from '../core/viz/png';
import type { RunInfo, TrainingEvent } from '../protocol/training';
import { PanelRunAdapter } from './panelRun';
import { panelSettings, type ShownSettings } from './runAdapter';

export class GenerativeRunAdapter extends PanelRunAdapter<GenerativeSessionEvent, GenerativeReport> {
  private backend: BackendInfo | undefined;
  private dataset: DatasetInfo | undefined;
  private runDir: string | undefined;

  constructor(
    runId: string,
    private readonly recipe: GenerativeRecipe,
    private readonly fileName: string,
    private readonly settings: ShownSettings,
    post: (event: TrainingEvent) => void,
    /** When the run began (a replayed run's folder time); default: when it is announced. */
    private readonly startedAt?: number,
  ) {
    super(runId, post);
  }

  handle(e: GenerativeSessionEvent): void {
    switch (e.type) {
      case 'backend': this.backend = e.backend; return;
      case 'dataset': this.dataset = e.dataset; return;
      case 'run': this.runDir = e.runDir; this.start(); return;
      case 'batch':
        this.start();
        // A GAN logs no `loss`: its two players' losses are shown per epoch.
        this.post({ type: 'batch', runId: this.runId, epoch: e.epoch - 1, batch: e.batch, batches: e.batches, loss: e.logs.loss, imagesPerSec: e.imagesPerSec });
        return;
      case 'epoch': {
        this.start();
        const samples = this.runDir ? pngFileDataUrl(path.join(this.runDir, e.samples)) : null;
        this.post({ type: 'epoch', runId: this.runId, epoch: e.epoch - 1, logs: { ...e.logs }, seconds: e.seconds, samples: samples ?? undefined });
        return;
      }
      default:
        return;
    }
  }

  finish(report: GenerativeReport): void {
    const last = report.history.at(-1);
    this.end(report.status === 'cancelled', report.epochsCompleted, report.runDir, () => ({ imagesPerSec: last?.imagesPerSec ?? 0, runDir: report.runDir }));
  }

  protected runInfo(): RunInfo {
    const train = this.dataset?.train ?? 0;
    return {
      runId: this.runId, modelName: imageModel(this.recipe), fileName: this.fileName, backend: this.backend ? backendLabel(this.backend) : '?',
      settings: panelSettings(this.settings), startedAt: this.startedAt ?? Date.now(),
      batchesPerEpoch: Math.ceil(train / this.settings.batchSize), trainCount: train, valCount: this.dataset?.validation ?? 0,
      generative: { kind: this.recipe.kind, recipe: describeRecipe(this.recipe) },
    };
  }
}

/**
 * A finished (or unfinished) run of a recipe, read from its folder, as the events the panel
 * would have seen live: runStarted, every epoch with its samples, and the end. Undefined
 * when the folder is not a generative run.
 */
export function replayGenerativeRun(runDir: string, fileName: string): TrainingEvent[] | undefined {
  const run = readGenerativeRun(runDir);
  const saved = run?.settings.settings;
  if (!run || !saved?.data) return undefined;
  const settings: ShownSettings = { data: saved.data, epochs: saved.epochs ?? run.history.length, batchSize: saved.batchSize ?? 1, validationSplit: saved.validationSplit ?? 0, seed: saved.seed ?? 0 };
  const events: TrainingEvent[] = [];
  const stat = fs.statSync(runDir);
  const adapter = new GenerativeRunAdapter(path.basename(runDir), run.recipe, fileName, settings, (e) => events.push(e), stat.birthtimeMs || stat.mtimeMs);
  if (run.settings.backend) adapter.handle({ type: 'backend', backend: run.settings.backend });
  if (run.settings.dataset) adapter.handle({ type: 'dataset', dataset: { ...run.settings.dataset, skipped: [] } });
  adapter.handle({ type: 'run', runDir, startEpoch: 1, recipe: run.recipe });
  for (const epoch of run.history) adapter.handle({ type: 'epoch', ...epoch, epochs: settings.epochs, numTensors: 0 });
  if (run.report) adapter.finish(run.report);
  else events.push({ type: 'stopped', runId: adapter.runId, reason: `Unfinished: ${run.history.length} epoch(s) checkpointed in ${runDir}` });
  return events;
}
