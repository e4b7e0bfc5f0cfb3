/**
 * The bridge from engine events to the training panel: 0-based epochs, one runStarted with
 * the batches per epoch, a cancelled run shown as stopped, and past runs read from run folders.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TrainEvent, TrainReport, TrainSettings } from '../../src/core/engine/train/types';
import { isTrainingEvent, type TrainingEvent } from '../../src/protocol/training';
import { RunAdapter, readPastRuns } from '../../src/training/runAdapter';
import { throttleBatches } from '../../src/training/panelRun';

const SETTINGS: TrainSettings = { data: { kind: 'synthetic' }, epochs: 2, batchSize: 16, validationSplit: 0.2, seed: 1, backend: 'auto', outDir: '/tmp' };

function adapter(settings = SETTINGS): { a: RunAdapter; posted: TrainingEvent[] } {
  const posted: TrainingEvent[] = [];
  return { a: new RunAdapter('r1', 'model', 'm.py', settings, (e) => posted.push(e)), posted };
}

describe('training run adapter', () => {
  it('announces the run once with batches per epoch, then 0-based batches and epochs', () => {
    const { a, posted } = adapter();
    const events: TrainEvent[] = [
      { type: 'backend', backend: { name: 'wasm', tfBackend: 'wasm', tried: [] } },
      { type: 'dataset', dataset: { name: 'synthetic', kind: 'synthetic', inputShape: [28, 28, 1], classNames: ['a', 'b'], train: 100, validation: 20, skipped: [] } },
      { type: 'input', input: { pixelScale: 255, augmentation: ['random_flip: mirrors left-right with probability 0.5'] } },
      { type: 'run', runDir: '/tmp/run', startEpoch: 1 },
      { type: 'batch', epoch: 1, batch: 1, batches: 7, loss: 0.9, acc: 0.5, imagesPerSec: 300 },
      { type: 'epoch', epoch: 1, epochs: 2, logs: { loss: 0.8, acc: 0.6, val_loss: 0.85, val_acc: 0.55 }, seconds: 1, imagesPerSec: 300, numTensors: 10 },
    ];
    events.forEach((e) => a.handle(e));
    assert.deepStrictEqual(posted.map((e) => e.type), ['runStarted', 'batch', 'epoch']);
    const started = posted[0] as Extract<TrainingEvent, { type: 'runStarted' }>;
    // 100 training images in batches of 16: ceil(100/16) = 7 batches.
    assert.strictEqual(started.run.batchesPerEpoch, 7);
    assert.strictEqual(started.run.backend, 'wasm');
    assert.ok(isTrainingEvent(started), 'the panel accepts it');
    assert.strictEqual(started.run.settings.dataset, 'synthetic');
    assert.deepStrictEqual([started.run.augmentation, started.run.pixelScale], [['random_flip: mirrors left-right with probability 0.5'], 255]);
    assert.strictEqual((posted[1] as Extract<TrainingEvent, { type: 'batch' }>).epoch, 0);
    assert.strictEqual((posted[2] as Extract<TrainingEvent, { type: 'epoch' }>).epoch, 0);
  });

  it("announces steps_per_epoch as the batches per epoch when the run follows it (the panel's progress and ETA count them)", () => {
    const { a, posted } = adapter({ ...SETTINGS, stepsPerEpoch: 100 });
    a.handle({ type: 'dataset', dataset: { name: 'pets', kind: 'folder', inputShape: [150, 150, 3], classNames: ['cats', 'dogs'], train: 2000, validation: 1000, skipped: [] } });
    a.handle({ type: 'run', runDir: '/tmp/run', startEpoch: 1 });
    const started = posted.find((e) => e.type === 'runStarted') as Extract<TrainingEvent, { type: 'runStarted' }>;
    // Chollet 5.2: 2,000 images in batches of 16 would be 125 a pass; steps_per_epoch=100 makes an epoch 100.
    assert.strictEqual(started.run.batchesPerEpoch, 100);
  });

  it('shows a cancelled run as stopped and a failure as an error', () => {
    const { a, posted } = adapter();
    a.finish({ status: 'cancelled', epochsCompleted: 1, runDir: '/tmp/run' } as TrainReport);
    assert.deepStrictEqual(posted.map((e) => e.type), ['runStarted', 'stopped']);
    const other = adapter();
    other.a.fail('the loss became NaN');
    assert.deepStrictEqual(other.posted.at(-1), { type: 'error', runId: 'r1', message: 'the loss became NaN' });
  });

  it('reads past runs of one model from run folders, skipping broken ones', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-runs-'));
    try {
      const write = (dir: string, history: unknown, settings: unknown): void => {
        fs.mkdirSync(path.join(root, dir));
        if (history) fs.writeFileSync(path.join(root, dir, 'history.json'), JSON.stringify(history));
        fs.writeFileSync(path.join(root, dir, 'settings.json'), JSON.stringify({ settings }));
      };
      write('2026-01-01T00-00-00.000Z-model', [{ epoch: 1, loss: 1, acc: 0.5, val_loss: 1.1, val_acc: 0.4, seconds: 1, imagesPerSec: 1 }, { epoch: 2, loss: 0.5, acc: 0.8, val_loss: 0.6, val_acc: 0.7, seconds: 1, imagesPerSec: 1 }], SETTINGS);
      write('2026-01-02T00-00-00.000Z-model', undefined, SETTINGS); // crashed before its first epoch
      write('2026-01-03T00-00-00.000Z-other', [{ epoch: 1, loss: 1, acc: 0.5, val_loss: 1, val_acc: 0.5, seconds: 1, imagesPerSec: 1 }], SETTINGS);
      const runs = readPastRuns(root, 'model');
      assert.strictEqual(runs.length, 1);
      assert.deepStrictEqual(runs[0].history.map((h) => h.epoch), [0, 1]);
      assert.strictEqual(runs[0].finalValAcc, 0.7);
      assert.deepStrictEqual(readPastRuns(path.join(root, 'missing'), 'model'), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('throttles batch events but always passes the last batch of an epoch and other events', () => {
    const seen: TrainEvent[] = [];
    let clock = 0;
    const forward = throttleBatches<TrainEvent>((e) => seen.push(e), 100, () => clock);
    const batch = (b: number): TrainEvent => ({ type: 'batch', epoch: 1, batch: b, batches: 10, loss: 1, acc: 0, imagesPerSec: 1 });
    for (let b = 1; b <= 10; b++) {
      forward(batch(b));
      clock += 30; // 30 ms a batch: about one in four passes
    }
    forward({ type: 'log', message: 'x' });
    assert.deepStrictEqual(seen.map((e) => (e.type === 'batch' ? e.batch : e.type)), [1, 5, 9, 10, 'log']);
  });
});
