/**
 * Browser side of the training panel: live loss and accuracy charts, the epoch table, a
 * header with backend, speed, ETA, progress and Stop, the test report when the run is
 * done, and earlier runs of the model to overlay on the accuracy chart. Everything is
 * drawn from TrainingEvents; a reload gets the host's replay and draws the same page.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { trainingProtocol, type EpochLogs, type PastRun, type RunInfo, type TrainingEvent, type TrainingHostMessage, type TrainingReport } from '../src/protocol/training';
import { h } from './lib/dom';
import { MetricChart, observeTheme, type Series } from './lib/trainingCharts';
import { batchesDone, EtaEstimator, formatDuration, progress } from './lib/trainingEta';
import { Host } from './lib/host';
import { renderReport } from './lib/trainingReport';
import { batchX, epochSeries, epochX, finite, fixed, insertPoint, percent, runLabel, Smoother, type Point } from './lib/trainingSeries';

type BatchEvent = Extract<TrainingEvent, { type: 'batch' }>;
type EpochEvent = Extract<TrainingEvent, { type: 'epoch' }>;
type Phase = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error';

/** At most this many train points per epoch on the charts (long epochs are thinned). */
const POINTS_PER_EPOCH = 200;
/** Earlier runs kept in the persisted state. */
const MAX_PERSISTED_RUNS = 20;

const app = document.getElementById('app') as HTMLElement;
const host = new Host(trainingProtocol, onMessage);

let identity: { modelKey: string; title: string } | undefined;
let run: RunInfo | undefined;
let phase: Phase = 'idle';
let epochs: EpochEvent[] = [];
let lastBatch: BatchEvent | undefined;
let report: TrainingReport | undefined;
let pastRuns: PastRun[] = [];
const overlaid = new Set<string>();
const eta = new EtaEstimator();
const trainLoss: Point[] = [];
const trainAcc: Point[] = [];
const lossSmoother = new Smoother();
const accSmoother = new Smoother();

// ---- the shell (built once) ---------------------------------------------------------

const title = h('h1', { id: 'model-name' }, 'Training');
const meta = h('p', { id: 'run-meta', class: 'muted meta' }, 'Waiting for a training run…');
const inputMeta = h('p', { id: 'run-input', class: 'muted meta', hidden: true });
const status = h('span', { id: 'run-status', class: 'status', role: 'status', 'aria-live': 'polite' }, 'Idle');
const statusDetail = h('span', { id: 'status-detail', class: 'muted' });
const backend = h('span', { id: 'backend', class: 'badge', title: 'TensorFlow.js backend' }, '—');
const epochText = h('span', { id: 'epoch-progress', class: 'value' }, '—');
const speed = h('span', { id: 'images-per-sec', class: 'value' }, '—');
const etaText = h('span', { id: 'eta', class: 'value' }, '—');
const stop = h('vscode-button', { id: 'stop', secondary: true, disabled: true, 'aria-label': 'Stop training' }, 'Stop') as HTMLElement & { disabled: boolean };
const revealSource = h('button', { id: 'reveal', class: 'link', type: 'button' }, 'Show model source');
const inspectRun = h('vscode-button', { id: 'inspect', secondary: true, hidden: true, title: 'What the trained model sees: feature maps, filter patterns, Grad-CAM' }, 'Inspect');
const exportRun = h('vscode-button', { id: 'export', secondary: true, hidden: true, title: 'Save the trained model as a Keras 3 .keras file or a TF.js layers model' }, 'Export…');
const progressFill = h('div', { class: 'progress-fill' });
const progressBar = h('div', { id: 'progress', class: 'progress', role: 'progressbar', 'aria-label': 'Training progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, progressFill);

const lossChart = new MetricChart('loss-chart', 'loss', false);
const accChart = new MetricChart('acc-chart', 'accuracy', true);

const tableBody = h('tbody');
const epochTable = h('table', { id: 'epoch-table', class: 'layers epochs' },
  h('caption', { class: 'sr-only' }, 'Metrics after each epoch'),
  h('thead', {}, h('tr', {}, ...['Epoch', 'Loss', 'Accuracy', 'Val loss', 'Val accuracy', 'Seconds'].map((t, i) => h('th', { scope: 'col', class: i === 0 ? '' : 'num' }, t)))),
  tableBody);
const reportRegion = h('div', { id: 'report-region' });
const pastList = h('ul', { id: 'past-runs', class: 'past-runs' });
const pastRegion = h('section', { id: 'past-region', class: 'past-region', 'aria-labelledby': 'past-title', hidden: true },
  h('h2', { id: 'past-title' }, 'Earlier runs'),
  h('p', { class: 'muted meta' }, 'Tick a run to overlay its validation accuracy on the accuracy chart.'),
  pastList);

stop.addEventListener('click', () => {
  if (!run || phase !== 'running') return;
  phase = 'stopping';
  host.post({ type: 'stop', runId: run.runId });
  renderStatus();
});
revealSource.addEventListener('click', () => host.post({ type: 'reveal' }));
inspectRun.addEventListener('click', () => host.post({ type: 'inspect' }));
exportRun.addEventListener('click', () => host.post({ type: 'export' }));

app.replaceChildren(
  h('header', { class: 'header training-header' },
    h('div', { class: 'title-row' }, title, backend),
    meta,
    inputMeta,
    h('div', { class: 'status-row' },
      status, statusDetail,
      h('span', { class: 'stat' }, h('span', { class: 'label' }, 'Epoch'), epochText),
      h('span', { class: 'stat' }, h('span', { class: 'label' }, 'Images/s'), speed),
      h('span', { class: 'stat' }, h('span', { class: 'label' }, 'ETA'), etaText),
      h('span', { class: 'spacer' }),
      revealSource, inspectRun, exportRun, stop),
    progressBar),
  h('section', { class: 'charts', 'aria-label': 'Charts' }, lossChart.element, accChart.element),
  h('div', { class: 'details' },
    h('div', {},
      h('section', { class: 'epochs-region', 'aria-labelledby': 'epochs-title' }, h('h2', { id: 'epochs-title' }, 'Epochs'), h('div', { class: 'table-region' }, epochTable)),
      pastRegion),
    reportRegion),
);

observeTheme(() => {
  lossChart.retheme();
  accChart.retheme();
});

// ---- rendering ------------------------------------------------------------------------

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const totalBatches = (): number => (run ? run.settings.epochs * run.batchesPerEpoch : 0);

function doneBatches(): number {
  if (!run) return 0;
  const fromEpochs = epochs.length ? (epochs[epochs.length - 1].epoch + 1) * run.batchesPerEpoch : 0;
  const fromBatch = lastBatch ? batchesDone(lastBatch.epoch, lastBatch.batch, lastBatch.batches || run.batchesPerEpoch) : 0;
  return Math.max(fromEpochs, fromBatch);
}

function renderStatus(): void {
  const running = phase === 'running';
  const label: Record<Phase, string> = { idle: 'Idle', running: 'Training', stopping: 'Stopping…', done: 'Done', stopped: 'Stopped', error: 'Error' };
  if (phase !== 'error') status.textContent = label[phase];
  status.className = `status ${phase}`;
  stop.disabled = !running;
  stop.setAttribute('aria-disabled', String(!running));
  // A run that ended with a saved model can be looked into.
  inspectRun.hidden = phase !== 'done' && phase !== 'stopped';
  exportRun.hidden = inspectRun.hidden;
  document.body.dataset.phase = phase;
}

let headerFrame = 0;
/** Header numbers: coalesced to one update per frame, since batches can arrive faster. */
function scheduleHeader(): void {
  if (headerFrame) return;
  headerFrame = requestAnimationFrame(() => {
    headerFrame = 0;
    renderHeaderNumbers();
  });
}

function renderHeaderNumbers(): void {
  if (!run) return;
  const total = totalBatches();
  const done = doneBatches();
  const frac = phase === 'done' ? 1 : progress(done, total);
  progressFill.style.width = `${(frac * 100).toFixed(2)}%`;
  progressBar.setAttribute('aria-valuenow', String(Math.round(frac * 100)));
  progressBar.setAttribute('aria-valuetext', `${Math.round(frac * 100)}%: ${int(done)} of ${int(total)} batches`);
  const epochNow = lastBatch && (!epochs.length || lastBatch.epoch > epochs[epochs.length - 1].epoch) ? lastBatch.epoch + 1 : epochs.length ? epochs[epochs.length - 1].epoch + 1 : 0;
  epochText.textContent = `${epochNow} / ${run.settings.epochs}`;
  const ips = report?.imagesPerSec ?? lastBatch?.imagesPerSec;
  speed.textContent = ips !== undefined && Number.isFinite(ips) ? int(ips) : '—';
  if (phase === 'running' || phase === 'stopping') {
    const fallback = lastBatch && run.settings.batchSize > 0 ? lastBatch.imagesPerSec / run.settings.batchSize : undefined;
    etaText.textContent = formatDuration(eta.eta(total, fallback));
  } else {
    etaText.textContent = phase === 'done' ? '0 s' : '—';
  }
}

function renderRunHeader(r: RunInfo): void {
  title.textContent = r.modelName;
  backend.textContent = r.backend;
  const s = r.settings;
  meta.textContent = `${r.fileName} · ${s.dataset} · ${int(r.trainCount)} train / ${int(r.valCount)} validation images · ${s.epochs} epochs · batch ${s.batchSize} · seed ${s.seed}`;
  // What the model's own input layers mean for the data: augmentation per training batch, raw pixels.
  const parts = [
    ...(r.augmentation && r.augmentation.length > 0 ? [`Augmented per training batch: ${r.augmentation.join('; ')}`] : []),
    ...(r.pixelScale === 255 ? ['images go in as 0–255 pixels (the model rescales them)'] : []),
  ];
  inputMeta.textContent = parts.join(' · ');
  inputMeta.hidden = parts.length === 0;
}

function cell(text: string, num = true): HTMLElement {
  return h('td', { class: num ? 'num' : '' }, text);
}

function renderEpochTable(): void {
  const best = epochs.reduce<number | undefined>((b, e) => {
    const v = finite(e.logs.val_acc);
    return v !== undefined && (b === undefined || v > (finite(epochs[b].logs.val_acc) ?? -1)) ? epochs.indexOf(e) : b;
  }, undefined);
  tableBody.replaceChildren(...epochs.map((e, i) => {
    const l: EpochLogs = e.logs;
    const tr = h('tr', { 'data-epoch': e.epoch, class: i === best && epochs.length > 1 ? 'best' : undefined },
      h('th', { scope: 'row' }, `${e.epoch + 1}`),
      cell(fixed(finite(l.loss))), cell(percent(finite(l.acc))), cell(fixed(finite(l.val_loss))), cell(percent(finite(l.val_acc))),
      cell(e.seconds.toFixed(1)));
    if (i === best && epochs.length > 1) tr.setAttribute('aria-label', `Epoch ${e.epoch + 1}, best validation accuracy`);
    return tr;
  }));
}

function lastOf(key: keyof EpochLogs): number | undefined {
  for (let i = epochs.length - 1; i >= 0; i--) {
    const v = finite(epochs[i].logs[key]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function renderCharts(): void {
  const n = run?.settings.epochs ?? Math.max(1, ...pastRuns.filter((p) => overlaid.has(p.runId)).map((p) => p.history.length));
  const valLoss = epochs.flatMap((e) => (finite(e.logs.val_loss) !== undefined ? [{ x: epochX(e.epoch), y: finite(e.logs.val_loss) as number }] : []));
  const valAcc = epochs.flatMap((e) => (finite(e.logs.val_acc) !== undefined ? [{ x: epochX(e.epoch), y: finite(e.logs.val_acc) as number }] : []));
  const lossSeries: Series[] = [];
  const accSeries: Series[] = [];
  if (run) {
    lossSeries.push({ label: 'train loss', role: 'train', points: trainLoss }, { label: 'validation loss', role: 'val', points: valLoss });
    if (trainAcc.length) accSeries.push({ label: 'train accuracy', role: 'train', points: trainAcc });
    accSeries.push({ label: 'validation accuracy', role: 'val', points: valAcc });
  }
  let k = 0;
  const overlays: string[] = [];
  for (const p of pastRuns) {
    if (!overlaid.has(p.runId) || p.runId === run?.runId) continue;
    const label = `val acc · ${runLabel(p).split(' · ')[0]}`;
    overlays.push(label);
    accSeries.push({ label, role: 'overlay', points: epochSeries(p.history, 'val_acc'), paletteIndex: k++ });
  }
  const after = epochs.length ? `after epoch ${epochs[epochs.length - 1].epoch + 1} of ${n}` : 'no epoch finished yet';
  lossChart.setSeries(lossSeries, n, `Train ${fixed(lastOf('loss'))}, validation ${fixed(lastOf('val_loss'))} ${after}.`);
  accChart.setSeries(accSeries, n, `Train ${percent(lastOf('acc'))}, validation ${percent(lastOf('val_acc'))} ${after}.${overlays.length ? ` Compared with ${overlays.join(', ')}.` : ''}`);
}

function renderPastRuns(): void {
  const shown = pastRuns.filter((p) => p.runId !== run?.runId);
  pastRegion.hidden = shown.length === 0;
  pastList.replaceChildren(...shown.map((p, i) => {
    // A native checkbox: keyboard and screen readers work as everywhere, and click() toggles it.
    const id = `past-run-${i}`;
    const box = h('input', { type: 'checkbox', id, class: 'run-toggle', 'data-run-id': p.runId, checked: overlaid.has(p.runId) });
    box.addEventListener('change', () => {
      if (box.checked) overlaid.add(p.runId);
      else overlaid.delete(p.runId);
      renderCharts();
    });
    return h('li', {}, box, h('label', { for: id }, `${runLabel(p)} · final val acc ${percent(finite(p.finalValAcc) ?? lastValAcc(p))}`));
  }));
}

const lastValAcc = (p: PastRun): number | undefined => {
  const s = epochSeries(p.history, 'val_acc');
  return s.length ? s[s.length - 1].y : undefined;
};

/** Past runs plus the one on screen, for the serializer to show after a window reload. */
function saveState(): void {
  if (!identity) return;
  const runs = pastRuns.filter((p) => p.runId !== run?.runId);
  if (run && epochs.length) {
    const history = epochs.map((e) => ({ epoch: e.epoch, ...e.logs }));
    runs.push({ runId: run.runId, startedAt: run.startedAt, settings: run.settings, history, finalValAcc: finite(history[history.length - 1].val_acc) });
  }
  runs.sort((a, b) => a.startedAt - b.startedAt);
  host.state = { ...identity, runs: runs.slice(-MAX_PERSISTED_RUNS) };
}

// ---- events ---------------------------------------------------------------------------

function startRun(r: RunInfo): void {
  run = r;
  phase = 'running';
  epochs = [];
  lastBatch = undefined;
  report = undefined;
  eta.reset();
  trainLoss.length = 0;
  trainAcc.length = 0;
  lossSmoother.reset();
  accSmoother.reset();
  statusDetail.textContent = '';
  reportRegion.replaceChildren();
  tableBody.replaceChildren();
  renderRunHeader(r);
  renderStatus();
  renderPastRuns();
  renderCharts();
  renderHeaderNumbers();
}

function onBatch(e: BatchEvent): void {
  if (!run) return;
  lastBatch = e;
  const batches = e.batches || run.batchesPerEpoch;
  eta.observe(batchesDone(e.epoch, e.batch, batches), performance.now());
  const step = Math.max(1, Math.ceil(batches / POINTS_PER_EPOCH));
  if (e.batch % step === 0 || e.batch === batches) {
    const x = batchX(e.epoch, e.batch, batches);
    const loss = finite(e.loss);
    if (loss !== undefined) insertPoint(trainLoss, { x, y: lossSmoother.next(loss) });
    const acc = finite(e.acc);
    if (acc !== undefined) insertPoint(trainAcc, { x, y: accSmoother.next(acc) });
    renderCharts();
  }
  scheduleHeader();
}

function onEpoch(e: EpochEvent): void {
  const i = epochs.findIndex((x) => x.epoch >= e.epoch);
  if (i < 0) epochs.push(e);
  else if (epochs[i].epoch === e.epoch) epochs[i] = e;
  else epochs.splice(i, 0, e);
  // An epoch seen without its batches (a replay after reconnecting): its end-of-epoch train metrics stand in.
  const inEpoch = (p: Point) => p.x > e.epoch && p.x <= e.epoch + 1;
  const loss = finite(e.logs.loss);
  if (loss !== undefined && !trainLoss.some(inEpoch)) insertPoint(trainLoss, { x: epochX(e.epoch), y: loss });
  const acc = finite(e.logs.acc);
  if (acc !== undefined && !trainAcc.some(inEpoch)) insertPoint(trainAcc, { x: epochX(e.epoch), y: acc });
  renderEpochTable();
  renderCharts();
  scheduleHeader();
  saveState();
}

function onEnd(e: Extract<TrainingEvent, { type: 'done' | 'stopped' | 'error' }>): void {
  if (e.type === 'done') {
    phase = 'done';
    report = e.report;
    reportRegion.replaceChildren(renderReport(e.report));
  } else if (e.type === 'stopped') {
    phase = 'stopped';
    statusDetail.textContent = e.reason;
  } else {
    phase = 'error';
    status.textContent = `Error: ${e.message}`;
  }
  renderStatus();
  renderHeaderNumbers();
  saveState();
}

function onMessage(m: TrainingHostMessage): void {
  if (m.type === 'identity') {
    identity = { modelKey: m.modelKey, title: m.title };
    if (!run) title.textContent = m.title;
    saveState();
    return;
  }
  if (m.type === 'history') {
    pastRuns = [...m.runs].sort((a, b) => a.startedAt - b.startedAt);
    for (const id of [...overlaid]) if (!pastRuns.some((p) => p.runId === id)) overlaid.delete(id);
    renderPastRuns();
    renderCharts();
    saveState();
    return;
  }
  if (m.type === 'runStarted') {
    // The run now on screen joins the earlier runs, so it can be compared with the new one.
    if (run && run.runId !== m.run.runId && epochs.length && !pastRuns.some((p) => p.runId === run?.runId)) {
      const history = epochs.map((e) => ({ epoch: e.epoch, ...e.logs }));
      pastRuns.push({ runId: run.runId, startedAt: run.startedAt, settings: run.settings, history, finalValAcc: finite(history[history.length - 1].val_acc) });
    }
    startRun(m.run);
    return;
  }
  if (m.runId !== run?.runId) return;
  if (phase !== 'running' && phase !== 'stopping') return; // nothing after the end of a run
  switch (m.type) {
    case 'batch':
      onBatch(m);
      break;
    case 'epoch':
      onEpoch(m);
      break;
    case 'done':
    case 'stopped':
    case 'error':
      onEnd(m);
      break;
  }
}

renderStatus();
host.ready();
