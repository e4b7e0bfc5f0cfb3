/**
 * Browser side of the training panel: live loss and accuracy charts, the epoch table, a
 * header with backend, speed, ETA, progress and Stop, the test report when the run is
 * done, and earlier runs of the model to overlay on the accuracy chart. A VAE's or GAN's
 * run shows its own losses instead (no accuracy), and each epoch's samples with a slider.
 * Everything is drawn from TrainingEvents; a reload gets the host's replay and draws the
 * same page.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { trainingProtocol, type PastRun, type RunInfo, type TrainingEvent, type TrainingHostMessage, type TrainingReport } from '../src/protocol/training';
import { h } from './lib/dom';
import { observeTheme } from './lib/trainingCharts';
import { batchesDone, EtaEstimator, formatDuration, progress } from './lib/trainingEta';
import { Host } from './lib/host';
import { EpochSamples, RecipeCurves, type RecipeEpoch } from './lib/recipeHistory';
import { renderReport } from './lib/trainingReport';
import { epochColumns, finite } from './lib/trainingSeries';
import { ClassifierCharts } from './lib/classifierCharts';
import { PastRunsList } from './lib/trainingPastRuns';
import { EpochTable } from './lib/trainingTable';

type BatchEvent = Extract<TrainingEvent, { type: 'batch' }>;
type EpochEvent = Extract<TrainingEvent, { type: 'epoch' }>;
type Phase = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error';

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
const eta = new EtaEstimator();

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

const classifierCharts = new ClassifierCharts();
// A VAE's or GAN's run: its losses by Keras' names, and the samples of each epoch.
const recipeCurves = new RecipeCurves('gen-');
const epochSamples = new EpochSamples();
const recipeCharts = h('section', { id: 'recipe-history', class: 'recipe-history', 'aria-label': 'Losses and samples', hidden: true }, recipeCurves.element, epochSamples.element);

const epochTable = new EpochTable();
const reportRegion = h('div', { id: 'report-region' });
const pastRuns = new PastRunsList(() => renderCharts());

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
  classifierCharts.element,
  recipeCharts,
  h('div', { class: 'details' },
    h('div', {},
      h('section', { class: 'epochs-region', 'aria-labelledby': 'epochs-title' }, h('h2', { id: 'epochs-title' }, 'Epochs'), h('div', { class: 'table-region' }, epochTable.element)),
      pastRuns.element),
    reportRegion),
);

observeTheme(() => {
  classifierCharts.retheme();
  recipeCurves.retheme();
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
  // A run that ended with a saved model can be looked into (a recipe's, in the latent-space panel).
  inspectRun.hidden = phase !== 'done' && phase !== 'stopped';
  inspectRun.textContent = run?.generative ? 'Explore Latent Space' : 'Inspect';
  inspectRun.title = run?.generative ? 'The trained decoder or generator: decode any point of the latent space' : 'What the trained model sees: feature maps, filter patterns, Grad-CAM';
  // A VAE's or GAN's run saves its models per role: Explore Latent Space is its way in, not Export.
  exportRun.hidden = inspectRun.hidden || Boolean(run?.generative);
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
  title.textContent = r.generative?.recipe ?? r.modelName;
  document.body.dataset.kind = r.generative ? 'recipe' : 'classifier';
  classifierCharts.element.hidden = r.generative !== undefined;
  recipeCharts.hidden = r.generative === undefined;
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

/** The losses a recipe's epochs logged, in the order they first appear; undefined for a classifier. */
function recipeKeys(): string[] | undefined {
  return run?.generative ? [...new Set(epochs.flatMap((e) => Object.keys(e.logs)))] : undefined;
}

function renderEpochTable(): void {
  epochTable.render(epochs, epochColumns(recipeKeys()));
}

/** A recipe's curves and samples; `restart`: a new run, whose samples the slider follows from the start. */
function renderRecipe(restart = false): void {
  const history: RecipeEpoch[] = epochs.map((e) => ({ epoch: e.epoch + 1, logs: e.logs, samples: e.samples ?? null }));
  recipeCurves.show(history, run?.settings.epochs ?? history.length);
  epochSamples.show(history, restart);
}

function renderCharts(): void {
  if (run?.generative) return renderRecipe();
  classifierCharts.render(epochs, run !== undefined, run?.settings.epochs ?? pastRuns.longestOverlaid(), pastRuns.overlays(run?.runId));
}

function renderPastRuns(): void {
  // Earlier runs are compared by validation accuracy, which a recipe's run does not have.
  pastRuns.render(run?.runId, !run?.generative);
}

/** The classifier's run on screen as an earlier run, once it has an epoch (a recipe's has no accuracy to compare). */
function shownAsPastRun(): PastRun | undefined {
  if (!run || run.generative || epochs.length === 0) return undefined;
  const history = epochs.map((e) => ({ epoch: e.epoch, ...e.logs }));
  return { runId: run.runId, startedAt: run.startedAt, settings: run.settings, history, finalValAcc: finite(history[history.length - 1].val_acc) };
}

/** Past runs plus the one on screen, for the serializer to show after a window reload. */
function saveState(): void {
  if (!identity) return;
  const shown = shownAsPastRun();
  const runs = [...pastRuns.all.filter((p) => p.runId !== run?.runId), ...(shown ? [shown] : [])];
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
  classifierCharts.reset();
  statusDetail.textContent = '';
  reportRegion.replaceChildren();
  epochTable.clear();
  renderRunHeader(r);
  renderStatus();
  renderPastRuns();
  if (r.generative) renderRecipe(true);
  else renderCharts();
  renderHeaderNumbers();
}

function onBatch(e: BatchEvent): void {
  if (!run) return;
  lastBatch = e;
  const batches = e.batches || run.batchesPerEpoch;
  eta.observe(batchesDone(e.epoch, e.batch, batches), performance.now());
  // A recipe's losses are drawn per epoch: its batches move the progress and speed only.
  if (!run.generative && classifierCharts.addBatch(e.epoch, e.batch, batches, e.loss, e.acc)) renderCharts();
  scheduleHeader();
}

function onEpoch(e: EpochEvent): void {
  const i = epochs.findIndex((x) => x.epoch >= e.epoch);
  if (i < 0) epochs.push(e);
  else if (epochs[i].epoch === e.epoch) epochs[i] = e;
  else epochs.splice(i, 0, e);
  if (!run?.generative) classifierCharts.addEpoch(e);
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
    pastRuns.setRuns(m.runs);
    renderPastRuns();
    renderCharts();
    saveState();
    return;
  }
  if (m.type === 'runStarted') {
    // The run now on screen joins the earlier runs, so it can be compared with the new one.
    const shown = run?.runId !== m.run.runId ? shownAsPastRun() : undefined;
    if (shown) pastRuns.add(shown);
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
