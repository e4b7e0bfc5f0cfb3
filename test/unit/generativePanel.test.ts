/**
 * A VAE's or GAN's run in the training panel, without VS Code: the worker's events become
 * panel events with the recipe's losses and each epoch's samples, a run folder replays as
 * the same events, followRun routes any run (Stop, throttling, the end), and the page's pure
 * parts pick the charts, the table columns and the epoch the sample slider shows.
 */
import * as assert from 'assert';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BackendInfo } from '../../src/core/engine/backend/select';
import type { GenerativeRecipe } from '../../src/core/generative/recipe';
import type { GenerativeSessionEvent } from '../../src/core/generative/train/session';
import type { GenerativeEpoch, GenerativeReport } from '../../src/core/generative/train/types';
import { encodePng } from '../../src/core/viz/png';
import { isTrainingEvent, type TrainingEvent } from '../../src/protocol/training';
import { GenerativeRunAdapter, replayGenerativeRun } from '../../src/training/generativeAdapter';
import { followRun } from '../../src/training/panelRun';
import { readPastRuns, type ShownSettings } from '../../src/training/runAdapter';
import { epochColumns, followedPosition, lossCharts } from '../../webview/lib/trainingSeries';

const GAN: GenerativeRecipe = { kind: 'gan', generator: 'generator', discriminator: 'discriminator', latentDim: 8, imageShape: [14, 14, 1] };
const SETTINGS: ShownSettings = { data: { kind: 'synthetic' }, epochs: 2, batchSize: 32, validationSplit: 0.2, seed: 3 };
const BACKEND: BackendInfo = { name: 'wasm', tfBackend: 'wasm', tried: [] };
const DATASET = { name: 'synthetic', kind: 'synthetic' as const, inputShape: [14, 14, 1] as [number, number, number], classNames: ['a'], train: 384, validation: 96, skipped: [] };

/** A GAN run folder as core/generative/train/run.ts writes it: settings, two epochs' sample grids, the report. */
async function ganRunFolder(root: string, finished = true): Promise<{ dir: string; history: GenerativeEpoch[] }> {
  const dir = path.join(root, '2026-01-01T00-00-00.000Z-gan-generator');
  fs.mkdirSync(path.join(dir, 'samples'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ model: 'gan-generator', recipe: GAN, settings: { ...SETTINGS, backend: 'auto', outDir: root }, backend: BACKEND, dataset: { ...DATASET, skipped: 0 } }));
  const history: GenerativeEpoch[] = [];
  for (const epoch of [1, 2]) {
    const samples = `samples/epoch-000${epoch}.png`;
    // Each epoch's grid differs: a brighter square after the second epoch.
    fs.writeFileSync(path.join(dir, samples), await encodePng(new Float32Array(14 * 14).fill(epoch / 2), 14, 14, 1, { minSide: 0 }));
    history.push({ epoch, logs: { d_loss: 0.7 - epoch * 0.05, g_loss: 0.8 + epoch * 0.1 }, seconds: 1.5, imagesPerSec: 250, samples });
  }
  const report: Partial<GenerativeReport> = { status: 'completed', runDir: dir, recipe: GAN, history, epochsCompleted: 2, startEpoch: 1 };
  if (finished) fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  fs.writeFileSync(path.join(dir, 'history.json'), JSON.stringify(history));
  return { dir, history };
}

/** What the worker sends for that run. */
function liveEvents(dir: string, history: GenerativeEpoch[]): GenerativeSessionEvent[] {
  return [
    { type: 'backend', backend: BACKEND },
    { type: 'dataset', dataset: DATASET },
    { type: 'run', runDir: dir, startEpoch: 1, recipe: GAN },
    ...history.flatMap((h): GenerativeSessionEvent[] => [
      { type: 'batch', epoch: h.epoch, batch: 12, batches: 12, logs: h.logs, imagesPerSec: 250 },
      { type: 'epoch', ...h, epochs: 2, numTensors: 40 },
      { type: 'checkpoint', epoch: h.epoch, path: path.join(dir, 'checkpoint', 'latest.json') },
    ]),
  ];
}

type Epoch = Extract<TrainingEvent, { type: 'epoch' }>;

describe('a generative run in the training panel', () => {
  let root: string;
  beforeEach(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-gen-panel-')); });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("posts the GAN's d_loss and g_loss per epoch with each epoch's sample grid, 0-based, and its end", async () => {
    const { dir, history } = await ganRunFolder(root);
    const posted: TrainingEvent[] = [];
    const adapter = new GenerativeRunAdapter('live', GAN, 'gan.py', SETTINGS, (e) => posted.push(e));
    liveEvents(dir, history).forEach((e) => adapter.handle(e));
    adapter.finish({ status: 'completed', runDir: dir, history, epochsCompleted: 2 } as GenerativeReport);
    assert.deepStrictEqual(posted.map((e) => e.type), ['runStarted', 'batch', 'epoch', 'batch', 'epoch', 'done']);
    for (const e of posted) assert.ok(isTrainingEvent(e), `the panel accepts ${JSON.stringify(e).slice(0, 80)}`);
    const started = posted[0] as Extract<TrainingEvent, { type: 'runStarted' }>;
    assert.deepStrictEqual(started.run.generative, { kind: 'gan', recipe: 'GAN: generator + discriminator, latent 8' });
    assert.deepStrictEqual([started.run.modelName, started.run.batchesPerEpoch, started.run.backend], ['generator', 12, 'wasm']);
    const epochs = posted.filter((e): e is Epoch => e.type === 'epoch');
    assert.deepStrictEqual(epochs.map((e) => e.epoch), [0, 1]);
    assert.deepStrictEqual(epochs[1].logs, { d_loss: 0.6, g_loss: 1.0 });
    // The picture the run folder holds for that epoch, byte for byte.
    assert.strictEqual(epochs[1].samples, `data:image/png;base64,${fs.readFileSync(path.join(dir, 'samples/epoch-0002.png')).toString('base64')}`);
    assert.notStrictEqual(epochs[0].samples, epochs[1].samples);
    // A GAN logs no `loss`: its batches carry none (rather than a made-up one).
    assert.strictEqual((posted[1] as Extract<TrainingEvent, { type: 'batch' }>).loss, undefined);
    assert.deepStrictEqual(posted.at(-1), { type: 'done', runId: 'live', report: { imagesPerSec: 250, runDir: dir } });
  });

  it('replays a finished run from its folder as the same epochs it posted live', async () => {
    const { dir, history } = await ganRunFolder(root);
    const live: TrainingEvent[] = [];
    const adapter = new GenerativeRunAdapter('r', GAN, 'gan.py', SETTINGS, (e) => live.push(e));
    liveEvents(dir, history).forEach((e) => adapter.handle(e));
    const replay = replayGenerativeRun(dir, 'gan.py');
    assert.ok(replay);
    assert.deepStrictEqual(replay.map((e) => e.type), ['runStarted', 'epoch', 'epoch', 'done']);
    const strip = (e: TrainingEvent) => ({ ...e, runId: undefined });
    assert.deepStrictEqual(replay.filter((e) => e.type === 'epoch').map(strip), live.filter((e) => e.type === 'epoch').map(strip));
    const started = replay[0] as Extract<TrainingEvent, { type: 'runStarted' }>;
    assert.strictEqual(started.run.runId, path.basename(dir));
    assert.deepStrictEqual([started.run.trainCount, started.run.valCount, started.run.settings.epochs], [384, 96, 2]);
    // Not a VAE or GAN run folder: nothing to replay; and a classifier's past runs leave recipes out.
    assert.strictEqual(replayGenerativeRun(root, 'gan.py'), undefined);
    assert.deepStrictEqual(readPastRuns(root, 'generator'), []);
  });

  it('replays an unfinished run up to its last checkpoint, as stopped', async () => {
    const { dir, history } = await ganRunFolder(root, false);
    fs.mkdirSync(path.join(dir, 'checkpoint'));
    fs.writeFileSync(path.join(dir, 'checkpoint', 'latest.json'), JSON.stringify({ epoch: 1, folder: 'e0001', history: history.slice(0, 1) }));
    const replay = replayGenerativeRun(dir, 'gan.py') ?? [];
    assert.deepStrictEqual(replay.map((e) => e.type), ['runStarted', 'epoch', 'stopped']);
    assert.match((replay[2] as Extract<TrainingEvent, { type: 'stopped' }>).reason, /^Unfinished: 1 epoch\(s\) checkpointed in /);
  });
});

describe('followRun: any run to its training panel', () => {
  const root = (): string => os.tmpdir();
  /** A session as followRun sees it: events, a result, cancel. */
  function fakeSession<R>() {
    const events = new EventEmitter();
    let settle!: { resolve: (r: R) => void; reject: (e: Error) => void };
    const result = new Promise<R>((resolve, reject) => { settle = { resolve, reject }; });
    let cancels = 0;
    return {
      session: { result, on: (type: 'event', l: (e: GenerativeSessionEvent) => void) => events.on(type, l), cancel: () => { cancels++; } },
      emit: (e: GenerativeSessionEvent) => events.emit('event', e),
      settle, cancels: () => cancels,
    };
  }
  function fakePanel() {
    const posted: TrainingEvent[] = [];
    const stops = new EventEmitter();
    let listeners = 0;
    return {
      panel: {
        post: (e: TrainingEvent) => posted.push(e),
        onStop: (l: (id: string) => void) => { stops.on('stop', l); listeners++; return { dispose: () => { stops.off('stop', l); listeners--; } }; },
      },
      posted, stop: (id: string) => stops.emit('stop', id), listeners: () => listeners,
    };
  }

  it('posts the run, cancels it on Stop of that run only, posts its end and lets go of Stop', async () => {
    const { session, emit, settle, cancels } = fakeSession<GenerativeReport>();
    const { panel, posted, stop, listeners } = fakePanel();
    const seen: string[] = [];
    const shown = followRun(panel, session, new GenerativeRunAdapter('run-1', GAN, 'gan.py', SETTINGS, panel.post), (e) => seen.push(e.type));
    emit({ type: 'run', runDir: root(), startEpoch: 1, recipe: GAN });
    // Batches closer than 100 ms apart are thinned, except an epoch's last.
    for (let b = 1; b <= 5; b++) emit({ type: 'batch', epoch: 1, batch: b, batches: 5, logs: { d_loss: 0.7, g_loss: 0.7 }, imagesPerSec: 100 });
    assert.deepStrictEqual(posted.map((e) => e.type), ['runStarted', 'batch', 'batch']);
    assert.deepStrictEqual(seen, ['run', 'batch', 'batch']);
    stop('another-run');
    assert.strictEqual(cancels(), 0);
    stop('run-1');
    assert.strictEqual(cancels(), 1);
    settle.resolve({ status: 'cancelled', runDir: '/runs/r', history: [], epochsCompleted: 0 } as unknown as GenerativeReport);
    await shown;
    assert.deepStrictEqual(posted.at(-1), { type: 'stopped', runId: 'run-1', reason: 'Stopped after 0 epoch(s); the last checkpoint is in /runs/r' });
    assert.strictEqual(listeners(), 0);
  });

  it('posts a failed run as an error with its message', async () => {
    const { session, settle } = fakeSession<GenerativeReport>();
    const { panel, posted } = fakePanel();
    const shown = followRun(panel, session, new GenerativeRunAdapter('run-2', GAN, 'gan.py', SETTINGS, panel.post));
    settle.reject(new Error('the training worker stopped (exit code 1) before training finished'));
    await shown;
    assert.deepStrictEqual(posted.map((e) => e.type), ['runStarted', 'error']);
    assert.deepStrictEqual(posted[1], { type: 'error', runId: 'run-2', message: 'the training worker stopped (exit code 1) before training finished' });
  });
});

describe("the training panel's parts for a recipe", () => {
  it("gives a VAE's losses a chart per term, train and validation together, and a GAN's two players one chart", () => {
    const vae = lossCharts(['loss', 'reconstruction_loss', 'kl_loss', 'val_loss', 'val_reconstruction_loss', 'val_kl_loss']);
    assert.deepStrictEqual(vae.map((c) => [c.id, c.title, c.keys.map((k) => `${k.key}:${k.role}`)]), [
      ['loss', 'total loss', ['loss:train', 'val_loss:val']],
      ['reconstruction_loss', 'reconstruction loss', ['reconstruction_loss:train', 'val_reconstruction_loss:val']],
      ['kl_loss', 'KL loss', ['kl_loss:train', 'val_kl_loss:val']],
    ]);
    const gan = lossCharts(['d_loss', 'g_loss']);
    assert.deepStrictEqual(gan.map((c) => [c.id, c.title, c.keys.map((k) => `${k.key}:${k.role}`)]), [['losses', 'loss', ['d_loss:train', 'g_loss:val']]]);
    assert.deepStrictEqual(lossCharts([]), []);
  });

  it("makes the epoch table's columns from the recipe's losses, training before validation", () => {
    assert.deepStrictEqual(epochColumns(['loss', 'val_loss', 'kl_loss', 'val_kl_loss']).map((c) => c.label), ['loss', 'kl_loss', 'val_loss', 'val_kl_loss']);
    assert.deepStrictEqual(epochColumns().map((c) => c.label), ['Loss', 'Accuracy', 'Val loss', 'Val accuracy']);
  });

  it('follows the latest epoch until the user picks one, and keeps that one as epochs arrive', () => {
    assert.strictEqual(followedPosition(undefined, 1), 1);
    assert.strictEqual(followedPosition(undefined, 7), 7);
    assert.strictEqual(followedPosition(3, 7), 3);
    assert.strictEqual(followedPosition(3, 2), 2, 'a shorter run (another one) clamps it');
  });

  it("accepts a GAN's epoch (no loss, no accuracy) and only PNG data URLs as samples", () => {
    const epoch = { type: 'epoch', runId: 'r', epoch: 0, logs: { d_loss: 0.69, g_loss: 0.71 }, seconds: 1, samples: 'data:image/png;base64,iVBORw0KGgo=' };
    assert.ok(isTrainingEvent(epoch));
    assert.ok(!isTrainingEvent({ ...epoch, samples: 'https://example.com/x.png' }));
    assert.ok(!isTrainingEvent({ ...epoch, logs: { d_loss: 'x' } }));
  });
});
