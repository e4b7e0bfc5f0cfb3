/**
 * The training panel's pure parts: the protocol guards, the replay buffer a reopened
 * panel is redrawn from, the ETA estimate and the chart series helpers.
 */
import * as assert from 'assert';
import { toPastRun, TrainingReplayBuffer } from '../../src/panels/trainingReplay';
import { guard } from '../../src/protocol/define';
import { isTrainingEvent, trainingProtocol, type PastRun, type RunInfo, type TrainingEvent } from '../../src/protocol/training';
import { batchesDone, EtaEstimator, etaSeconds, formatDuration, progress } from '../../webview/lib/trainingEta';
import { batchX, epochSeries, epochX, finite, insertPoint, Smoother, type Point } from '../../webview/lib/trainingSeries';

const isTrainingHostMessage = guard(trainingProtocol.toWebview);
const isTrainingWebviewMessage = guard(trainingProtocol.toHost);
const isTrainingState = guard(trainingProtocol.state);

const settings = { dataset: 'mnist', epochs: 3, batchSize: 32, validationSplit: 0.1, seed: 42 };
const run = (runId = 'r1'): RunInfo => ({
  runId, modelName: 'model', fileName: 'mnist.py', backend: 'wasm', settings, startedAt: 1_700_000_000_000, batchesPerEpoch: 4, trainCount: 128, valCount: 16,
});
const batch = (epoch: number, b: number, runId = 'r1'): TrainingEvent => ({ type: 'batch', runId, epoch, batch: b, batches: 4, loss: 1 / (1 + epoch * 4 + b), acc: 0.5, imagesPerSec: 1000 });
const epoch = (e: number, runId = 'r1'): TrainingEvent => ({ type: 'epoch', runId, epoch: e, logs: { loss: 0.5 - e * 0.1, acc: 0.8 + e * 0.05, val_loss: 0.6 - e * 0.1, val_acc: 0.75 + e * 0.05 }, seconds: 2 });
const past: PastRun = { runId: 'old', startedAt: 1_600_000_000_000, settings, history: [{ epoch: 0, loss: 1, val_acc: 0.5 }], finalValAcc: 0.5 };

/** A whole scripted run: 3 epochs of 4 batches. */
function script(runId = 'r1'): TrainingEvent[] {
  const out: TrainingEvent[] = [{ type: 'runStarted', run: run(runId) }];
  for (let e = 0; e < 3; e++) {
    for (let b = 1; b <= 4; b++) out.push(batch(e, b, runId));
    out.push(epoch(e, runId));
  }
  return out;
}

describe('training protocol guards', () => {
  it('accepts every event of a scripted run and a done report', () => {
    for (const e of script()) assert.ok(isTrainingEvent(e), JSON.stringify(e));
    assert.ok(isTrainingEvent({ type: 'done', runId: 'r1', report: { testAccuracy: 0.9, confusion: [[1, 2], [3, 4]], classNames: ['a', 'b'], perClassAccuracy: [0.3, 0.6], misclassified: [{ index: 3, label: 0, predicted: 1, imageDataUrl: 'data:image/png;base64,AAAA' }], imagesPerSec: 10, runDir: '/tmp/run' } }));
    assert.ok(isTrainingEvent({ type: 'history', runs: [past] }));
    assert.ok(isTrainingEvent({ type: 'stopped', runId: 'r1', reason: 'user' }));
    assert.ok(isTrainingEvent({ type: 'error', runId: 'r1', message: 'boom' }));
  });

  it('keeps a NaN metric that crossed JSON as null', () => {
    assert.ok(isTrainingEvent(JSON.parse(JSON.stringify({ type: 'epoch', runId: 'r', epoch: 0, logs: { loss: NaN, val_acc: NaN }, seconds: 1 }))));
    assert.ok(isTrainingEvent(JSON.parse(JSON.stringify(batch(0, 1)).replace('"acc":0.5', '"acc":null'))));
  });

  it('rejects malformed events and messages', () => {
    for (const bad of [null, 1, 'batch', {}, { type: 'nope' }, { type: 'runStarted', run: {} }, { type: 'batch', runId: 'r', epoch: -1, batch: 1, batches: 4, loss: 1, imagesPerSec: 1 },
      { type: 'epoch', runId: 'r', epoch: 0, logs: { loss: 'x' }, seconds: 1 }, { type: 'done', runId: 'r', report: { imagesPerSec: 1, runDir: '/x', confusion: [[1, 'a']] } },
      { type: 'done', runId: 'r', report: { imagesPerSec: 1, runDir: '/x', misclassified: [{ index: 0, label: 0, predicted: 1, imageDataUrl: 'javascript:alert(1)' }] } },
      { type: 'history', runs: [{}] }]) {
      assert.strictEqual(isTrainingEvent(bad), false, JSON.stringify(bad));
    }
    assert.ok(isTrainingWebviewMessage({ type: 'stop', runId: 'r1' }));
    assert.ok(isTrainingWebviewMessage({ type: 'reveal' }));
    assert.ok(isTrainingWebviewMessage({ type: 'ready' }));
    assert.strictEqual(isTrainingWebviewMessage({ type: 'stop' }), false);
    assert.ok(isTrainingHostMessage({ type: 'identity', modelKey: 'k', title: 't' }));
    assert.strictEqual(isTrainingHostMessage({ type: 'identity', modelKey: 1, title: 't' }), false);
    assert.ok(isTrainingState({ modelKey: 'k', title: 't', runs: [past] }));
    assert.strictEqual(isTrainingState({ modelKey: 'k' }), false);
  });
});

describe('training replay buffer', () => {
  it('replays a run compactly: history, runStarted, every epoch and the latest batch', () => {
    const buf = new TrainingReplayBuffer();
    buf.setHistory([past]);
    for (const e of script().slice(0, -1)) assert.ok(buf.apply(e)); // stops before epoch 2 ends
    buf.apply(batch(2, 4)); // repeated: still the latest
    const r = buf.replay();
    assert.deepStrictEqual(r.map((e) => e.type), ['history', 'runStarted', 'epoch', 'epoch', 'batch']);
    assert.deepStrictEqual(r[0], { type: 'history', runs: [past] });
    assert.deepStrictEqual(r[4], batch(2, 4));
    assert.ok(buf.isRunning);
  });

  it('puts a last batch of an ended epoch before that epoch, as live', () => {
    const buf = new TrainingReplayBuffer();
    for (const e of script()) buf.apply(e);
    assert.deepStrictEqual(buf.replay().map((e) => (e.type === 'epoch' || e.type === 'batch' ? `${e.type}${e.epoch}` : e.type)),
      ['history', 'runStarted', 'epoch0', 'epoch1', 'batch2', 'epoch2']);
  });

  it('ends the run on done, and ignores later events and events of other runs', () => {
    const buf = new TrainingReplayBuffer();
    for (const e of script()) buf.apply(e);
    assert.strictEqual(buf.apply(epoch(0, 'other')), false);
    const done: TrainingEvent = { type: 'done', runId: 'r1', report: { imagesPerSec: 5, runDir: '/runs/1' } };
    assert.ok(buf.apply(done));
    assert.strictEqual(buf.isRunning, false);
    assert.strictEqual(buf.apply(batch(2, 1)), false);
    assert.strictEqual(buf.apply({ type: 'stopped', runId: 'r1', reason: 'late' }), false);
    const r = buf.replay();
    assert.deepStrictEqual(r[r.length - 1], done);
    assert.strictEqual(r.filter((e) => e.type === 'epoch').length, 3);
  });

  it('starts afresh on a new run and keeps epochs ordered and unique', () => {
    const buf = new TrainingReplayBuffer();
    for (const e of script()) buf.apply(e);
    buf.apply({ type: 'runStarted', run: run('r2') });
    assert.strictEqual(buf.runId, 'r2');
    assert.deepStrictEqual(buf.replay().map((e) => e.type), ['history', 'runStarted']);
    buf.apply(epoch(1, 'r2'));
    buf.apply(epoch(0, 'r2'));
    buf.apply({ ...epoch(1, 'r2'), seconds: 9 } as TrainingEvent);
    const epochs = buf.run!.epochs;
    assert.deepStrictEqual(epochs.map((e) => e.epoch), [0, 1]);
    assert.strictEqual(epochs[1].seconds, 9);
  });

  it('a replay fed to a fresh buffer replays the same', () => {
    const a = new TrainingReplayBuffer();
    a.setHistory([past]);
    for (const e of script().slice(0, 9)) a.apply(e);
    const b = new TrainingReplayBuffer();
    for (const e of a.replay()) b.apply(e);
    assert.deepStrictEqual(b.replay(), a.replay());
  });

  it('turns a run into a past run once it has an epoch', () => {
    const buf = new TrainingReplayBuffer();
    buf.apply({ type: 'runStarted', run: run() });
    assert.strictEqual(toPastRun(buf.run!), undefined);
    for (const e of script().slice(1)) buf.apply(e);
    const p = toPastRun(buf.run!)!;
    assert.strictEqual(p.runId, 'r1');
    assert.strictEqual(p.history.length, 3);
    assert.strictEqual(p.finalValAcc, 0.75 + 2 * 0.05);
  });
});

describe('training ETA', () => {
  it('counts batches and progress', () => {
    assert.strictEqual(batchesDone(0, 1, 4), 1);
    assert.strictEqual(batchesDone(2, 4, 4), 12);
    assert.strictEqual(progress(6, 12), 0.5);
    assert.strictEqual(progress(20, 12), 1);
    assert.strictEqual(progress(1, 0), 0);
  });

  it('estimates remaining / rate from batch timing, with a fallback rate until it has two samples', () => {
    const eta = new EtaEstimator(10000);
    assert.strictEqual(eta.eta(100), undefined);
    eta.observe(10, 0);
    assert.strictEqual(eta.rate(), undefined);
    assert.strictEqual(eta.eta(100, 5), 18); // 90 left at 5/s
    eta.observe(20, 1000); // 10 batches per second
    assert.strictEqual(eta.rate(), 10);
    assert.strictEqual(eta.eta(100, 5), 8);
  });

  it('follows a change of speed within its window and ignores stale samples', () => {
    const eta = new EtaEstimator(2000);
    for (let t = 0; t <= 10000; t += 100) eta.observe(1 + t / 100, t); // 10/s
    for (let t = 10100; t <= 14000; t += 100) eta.observe(101 + (t - 10000) / 200, t); // 5/s
    assert.ok(Math.abs(eta.rate()! - 5) < 0.5, String(eta.rate()));
    const before = eta.rate();
    eta.observe(50, 15000); // fewer batches than already seen: ignored
    assert.strictEqual(eta.rate(), before);
  });

  it('formats durations', () => {
    assert.strictEqual(etaSeconds(10, 0), undefined);
    assert.strictEqual(etaSeconds(10, undefined), undefined);
    assert.strictEqual(etaSeconds(-3, 1), 0);
    assert.strictEqual(formatDuration(undefined), '—');
    assert.strictEqual(formatDuration(42.4), '42 s');
    assert.strictEqual(formatDuration(0.2), '< 1 s');
    assert.strictEqual(formatDuration(0), '0 s');
    assert.strictEqual(formatDuration(125), '2:05');
    assert.strictEqual(formatDuration(3725), '1:02:05');
  });
});

describe('training chart series', () => {
  it('puts batch points at fractional epochs and epoch points at their end', () => {
    assert.strictEqual(batchX(0, 2, 4), 0.5);
    assert.strictEqual(batchX(2, 4, 4), 3);
    assert.strictEqual(epochX(2), 3);
    assert.deepStrictEqual(epochSeries([{ epoch: 0, loss: 1, val_acc: 0.5 }, { epoch: 1, loss: 1 }, { epoch: 2, loss: 1, val_acc: 0.7 }], 'val_acc'),
      [{ x: 1, y: 0.5 }, { x: 3, y: 0.7 }]);
  });

  it('inserts in x order, replacing a point at the same x', () => {
    const s: Point[] = [];
    insertPoint(s, { x: 1, y: 1 });
    insertPoint(s, { x: 3, y: 3 });
    insertPoint(s, { x: 2, y: 2 });
    insertPoint(s, { x: 3, y: 4 });
    assert.deepStrictEqual(s, [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: 4 }]);
  });

  it('smooths with a bias-corrected moving average and drops non-finite values', () => {
    const sm = new Smoother(0.5);
    assert.strictEqual(sm.next(4), 4); // bias correction: the first value is itself
    assert.ok(Math.abs(sm.next(2) - (4 * 0.25 + 2 * 0.5) / 0.75) < 1e-12);
    assert.strictEqual(finite(null), undefined);
    assert.strictEqual(finite(NaN), undefined);
    assert.strictEqual(finite(0), 0);
  });
});
