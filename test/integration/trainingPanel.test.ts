/**
 * The training panel in a real VS Code, driven by a scripted run of synthetic events (no
 * training happens): epoch rows, status, the test report and confusion matrix read from
 * the panel's own DOM; a panel closed mid-run reconnects to the run when reopened; Stop
 * reaches the controller; screenshots in light, dark and high contrast.
 *
 * The API is `activate()`'s export `training: TrainingPanelsApi`.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ConvLensApi } from '../../src/extension';
import type { TrainingPanelHandle, TrainingPanelsApi } from '../../src/panels/trainingPanel';
import type { PastRun, RunInfo, TrainingEvent } from '../../src/protocol/training';
import { pngDataUrl } from '../../src/core/viz/png';
import { canInspectWorkbench, screenshot, shootThemes } from './helpers/screenshots';
import { pages, type Pages } from './helpers/pages';
import { activateExtension, closeAllEditors, sleep, waitFor } from './helpers/vscode';

const CLASSES = ['cat', 'dog', 'bird'];
const SETTINGS = { dataset: 'synthetic-3', epochs: 3, batchSize: 32, validationSplit: 0.1, seed: 7 };
const BATCHES = 8;

function runInfo(runId: string, modelName: string): RunInfo {
  return {
    runId, modelName, fileName: 'keras/three_classes.py', backend: 'wasm + oneDNN', settings: SETTINGS, startedAt: Date.now(), batchesPerEpoch: BATCHES, trainCount: 256, valCount: 28,
    augmentation: ['random_flip: mirrors left-right with probability 0.5', 'random_rotation: rotates by up to ±36° (positive = counter-clockwise) (reflect fill)'],
    pixelScale: 255,
  };
}

/** A plausible learning curve: loss falls, accuracy rises, validation a little behind. */
function batchEvent(runId: string, epoch: number, batch: number): TrainingEvent {
  const t = epoch + batch / BATCHES;
  return { type: 'batch', runId, epoch, batch, batches: BATCHES, loss: 1.1 * Math.exp(-0.7 * t) + 0.05 * Math.sin(batch), acc: 0.95 - 0.6 * Math.exp(-0.9 * t), imagesPerSec: 1200 + 40 * batch };
}

function epochEvent(runId: string, epoch: number): TrainingEvent {
  const t = epoch + 1;
  return {
    type: 'epoch', runId, epoch, seconds: 1.5 + epoch * 0.1,
    logs: { loss: 1.1 * Math.exp(-0.7 * t), acc: 0.95 - 0.6 * Math.exp(-0.9 * t), val_loss: 1.15 * Math.exp(-0.6 * t) + 0.05, val_acc: 0.92 - 0.6 * Math.exp(-0.8 * t) },
  };
}

function epochOf(runId: string, epoch: number): TrainingEvent[] {
  const out: TrainingEvent[] = [];
  for (let b = 1; b <= BATCHES; b++) out.push(batchEvent(runId, epoch, b));
  out.push(epochEvent(runId, epoch));
  return out;
}

/**
 * Misclassified thumbnails as the host sends them: PNG data URLs (the protocol refuses any
 * other image). Each is a 28×28 diagonal ramp whose direction depends on the pair, made once.
 */
const thumbnails = new Map<string, string>();
async function makeThumbnail(label: string): Promise<void> {
  const pixels = new Float32Array(28 * 28);
  const flip = label.charCodeAt(0) % 2 === 0;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) pixels[y * 28 + x] = ((flip ? 27 - x : x) + y) / 54;
  thumbnails.set(label, await pngDataUrl(pixels, 28, 28, 1));
}
function imageUrl(label: string): string {
  const url = thumbnails.get(label);
  if (!url) throw new Error(`no thumbnail made for ${label}`);
  return url;
}
const MISCLASSIFIED = [{ index: 4, label: 0, predicted: 1 }, { index: 17, label: 1, predicted: 2 }, { index: 31, label: 2, predicted: 1 }, { index: 40, label: 2, predicted: 0 }];

const DONE = (runId: string): TrainingEvent => ({
  type: 'done', runId,
  report: {
    testAccuracy: 0.8733, testLoss: 0.3561, imagesPerSec: 1432, runDir: '/tmp/convlens-runs/three_classes/run-1',
    confusion: [[92, 5, 3], [7, 85, 8], [4, 11, 85]], classNames: CLASSES, perClassAccuracy: [0.92, 0.85, 0.85],
    misclassified: MISCLASSIFIED
      .map((m) => ({ ...m, imageDataUrl: imageUrl(`${m.label}${m.predicted}`) })),
  },
});

const PAST: PastRun[] = [
  { runId: 'past-1', startedAt: Date.parse('2025-01-10T09:30:00'), settings: { ...SETTINGS, batchSize: 64 }, finalValAcc: 0.74,
    history: [{ epoch: 0, loss: 1.2, val_acc: 0.41 }, { epoch: 1, loss: 0.9, val_acc: 0.63 }, { epoch: 2, loss: 0.7, val_acc: 0.74 }] },
  { runId: 'past-2', startedAt: Date.parse('2025-01-11T14:05:00'), settings: SETTINGS, finalValAcc: 0.83,
    history: [{ epoch: 0, loss: 1.0, val_acc: 0.55 }, { epoch: 1, loss: 0.7, val_acc: 0.76 }, { epoch: 2, loss: 0.5, val_acc: 0.83 }] },
];

describe('training panel', () => {
  let api: TrainingPanelsApi;
  let page: Pages['training'];

  before(async () => {
    const exports = (await activateExtension<ConvLensApi>()).exports;
    api = exports.training;
    page = pages(exports).training;
    for (const m of MISCLASSIFIED) await makeThumbnail(`${m.label}${m.predicted}`);
  });
  after(closeAllEditors);

  const query = (selectors: string[], key?: string) => page(key).query(selectors);
  const text = async (selector: string, key?: string) => (await query([selector], key).catch((): Record<string, string | null> => ({})))[selector] ?? null;
  const rows = async (key?: string): Promise<number> => {
    const sels = [1, 2, 3, 4, 5].map((i) => `#epoch-table tbody tr:nth-child(${i})`);
    const r = await query(sels, key);
    return sels.filter((s) => r[s] !== null).length;
  };
  const post = (handle: TrainingPanelHandle, events: TrainingEvent[]) => { for (const e of events) handle.post(e); };

  it('draws a scripted run live and its test report', async () => {
    await closeAllEditors();
    const key = 'it://three_classes#model';
    const handle = api.show(key, 'model');
    assert.ok(handle.isOpen);
    handle.setHistory(PAST);
    post(handle, [{ type: 'runStarted', run: runInfo('run-a', 'model') }]);
    await waitFor(async () => (await text('#run-status', key)) === 'Training', 15000, 'the panel to show the run');
    assert.strictEqual(await text('#backend', key), 'wasm + oneDNN');
    assert.strictEqual(await text('#run-input', key),
      'Augmented per training batch: random_flip: mirrors left-right with probability 0.5; random_rotation: rotates by up to ±36° (positive = counter-clockwise) (reflect fill) · images go in as 0–255 pixels (the model rescales them)');
    // The first epoch in steps, so the ETA has batch timing to work from.
    for (const e of epochOf('run-a', 0).slice(0, 4)) {
      handle.post(e);
      await sleep(60);
    }
    const mid = await query(['#eta', '#images-per-sec', '#epoch-progress'], key);
    assert.match(mid['#eta'] ?? '', /^(< 1 s|\d+ s|\d+(:\d\d)+)$/, `ETA ${mid['#eta']}`);
    assert.match(mid['#images-per-sec'] ?? '', /^1,\d{3}$/);
    assert.strictEqual(mid['#epoch-progress'], '1 / 3');
    post(handle, [...epochOf('run-a', 0).slice(4), ...epochOf('run-a', 1), ...epochOf('run-a', 2)]);
    await waitFor(async () => (await rows(key)) === 3, 10000, 'three epoch rows');
    assert.ok(handle.isRunning);
    assert.strictEqual(await text('#epoch-table tbody tr:nth-child(3) th', key), '3');
    assert.strictEqual(await text('#epoch-table tbody tr:nth-child(3) td:nth-of-type(5)', key), '1.7'); // seconds
    // Overlay an earlier run on the accuracy chart through its checkbox.
    await page(key).click('#past-runs input[data-run-id="past-2"]');
    handle.post(DONE('run-a'));
    const dom = await waitFor(async () => {
      const r = await query(['#run-status', '#test-accuracy', '#test-loss', '#stop', '#eta', '#confusion tbody tr:nth-child(1) td:nth-of-type(1)',
        '#confusion tbody tr:nth-child(3) td:nth-of-type(2)', '#confusion thead th:nth-child(2)', '#per-class tbody tr:nth-child(2)', '#misclassified li:nth-child(4) figcaption',
        '#past-runs li:nth-child(2)'], key);
      return r['#run-status'] === 'Done' ? r : undefined;
    }, 10000, 'the run to be done');
    assert.strictEqual(dom['#test-accuracy'], '87.33%');
    assert.strictEqual(dom['#test-loss'], '0.3561');
    assert.strictEqual(dom['#confusion tbody tr:nth-child(1) td:nth-of-type(1)'], '92');
    assert.strictEqual(dom['#confusion tbody tr:nth-child(3) td:nth-of-type(2)'], '11');
    assert.strictEqual(dom['#confusion thead th:nth-child(2)'], 'cat');
    assert.match(dom['#per-class tbody tr:nth-child(2)'] ?? '', /dog\s*85\.0%/);
    assert.strictEqual(dom['#misclassified li:nth-child(4) figcaption'], 'bird → cat');
    assert.strictEqual(dom['#eta'], '0 s');
    assert.strictEqual(handle.isRunning, false);
    assert.strictEqual(await rows(key), 3);
    assert.match(dom['#past-runs li:nth-child(2)'] ?? '', /2025-01-11 14:05 · synthetic-3 · 3 ep · batch 32 · final val acc 83\.00%/);
    // Export… (beside Inspect once the run has a saved model) asks the host to export the run.
    assert.strictEqual(await text('#export:not([hidden])', key), 'Export…');
    const exportAsked = new Promise<void>((resolve) => {
      const listening = handle.onExport(() => {
        listening.dispose();
        resolve();
      });
    });
    await page(key).click('#export');
    await exportAsked;
    // The charts' text alternatives: the latest values, and the overlaid run.
    const charts = await query(['#acc-chart', '#loss-chart-summary', '#acc-chart-summary'], key);
    assert.notStrictEqual(charts['#acc-chart'], null);
    assert.match(charts['#loss-chart-summary'] ?? '', /^Train 0\.1347, validation 0\.2401 after epoch 3 of 3\.$/);
    assert.match(charts['#acc-chart-summary'] ?? '', /validation 86\.56% after epoch 3 of 3\. Compared with val acc · 2025-01-11 14:05\.$/);

    if (canInspectWorkbench()) {
      // The whole window for the panel, so the report below the charts is in the picture too.
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      // Toasts left by earlier suites' training runs would cover the report.
      await vscode.commands.executeCommand('notifications.clearAll');
      try {
        // 400 ms: the charts re-read their colours on the next frame.
        await shootThemes('training', (s) => query(s, key), 400);
      } finally {
        await vscode.commands.executeCommand('workbench.view.explorer');
      }
    }
  });

  it('reconnects a panel closed and reopened mid-run to the live run', async () => {
    await closeAllEditors();
    const key = 'it://three_classes#reconnect';
    let handle = api.show(key, 'reconnect');
    post(handle, [{ type: 'runStarted', run: runInfo('run-b', 'reconnect') }, ...epochOf('run-b', 0), ...epochOf('run-b', 1)]);
    await waitFor(async () => (await rows(key)) === 2, 15000, 'two epoch rows');
    handle.close();
    await waitFor(() => !handle.isOpen, 5000, 'the panel to close');
    // Training goes on while nobody watches.
    post(handle, epochOf('run-b', 2).slice(0, 3));
    handle = api.show(key, 'reconnect');
    assert.strictEqual(api.get(key), handle);
    const r = await waitFor(async () => {
      const q = await query(['#run-status', '#epoch-progress', '#model-name', '#epoch-table tbody tr:nth-child(2)'], key).catch(() => undefined);
      // The header numbers follow on the next animation frame.
      return q?.['#epoch-table tbody tr:nth-child(2)'] && q['#epoch-progress'] !== '0 / 3' ? q : undefined;
    }, 15000, 'the reopened panel to replay the run');
    assert.strictEqual(r['#run-status'], 'Training');
    assert.strictEqual(r['#model-name'], 'reconnect');
    assert.strictEqual(r['#epoch-progress'], '3 / 3'); // from the latest batch, in epoch 3
    assert.strictEqual(await rows(key), 2);
    if (canInspectWorkbench()) assert.ok(await screenshot('training-reconnected'));
    // ... and continues live.
    post(handle, [...epochOf('run-b', 2).slice(3), DONE('run-b')]);
    await waitFor(async () => (await rows(key)) === 3 && (await text('#run-status', key)) === 'Done', 10000, 'the live events after reconnecting');
  });

  it('Stop posts stop for the current run, and is disabled once it ended', async () => {
    await closeAllEditors();
    const key = 'it://three_classes#stop';
    const handle = api.show(key, 'stoppable');
    const stops: string[] = [];
    const sub = handle.onStop((runId) => stops.push(runId));
    try {
      post(handle, [{ type: 'runStarted', run: runInfo('run-c', 'stoppable') }, ...epochOf('run-c', 0).slice(0, 3)]);
      await waitFor(async () => (await text('#run-status', key)) === 'Training', 15000, 'the run');
      await page(key).click('#stop');
      await waitFor(() => stops.length === 1, 5000, 'onStop to fire');
      assert.deepStrictEqual(stops, ['run-c']);
      assert.strictEqual(await text('#run-status', key), 'Stopping…');
      handle.post({ type: 'stopped', runId: 'run-c', reason: 'stopped by the user after 3 batches' });
      await waitFor(async () => (await text('#run-status', key)) === 'Stopped', 5000, 'the stopped status');
      assert.strictEqual(await text('#status-detail', key), 'stopped by the user after 3 batches');
      await page(key).click('#stop'); // disabled: nothing more is posted
      await sleep(300);
      assert.strictEqual(stops.length, 1);
      // An error of a new run shows its message.
      post(handle, [{ type: 'runStarted', run: runInfo('run-d', 'stoppable') }, { type: 'error', runId: 'run-d', message: 'the loss became NaN' }]);
      await waitFor(async () => (await text('#run-status', key)) === 'Error: the loss became NaN', 5000, 'the error status');
      assert.deepStrictEqual(await page(key).cspViolations(), [], 'the training panel broke no CSP rule');
    } finally {
      sub.dispose();
    }
  });
});
