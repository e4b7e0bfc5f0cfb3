/**
 * The training worker's entry (a `worker_threads` Worker). Compiled by tsc to
 * out/src/core/engine/train/worker.js; bundled by esbuild as its own file (dist/trainWorker.js).
 * TrainingSession takes its path at run time.
 *
 * Protocol: the host sends {type:'start', spec, settings}, later maybe {type:'cancel'}; the
 * worker posts TrainEvents and ends with exactly one 'done' or 'error'.
 */
import { parentPort } from 'worker_threads';
import type * as tfjs from '@tensorflow/tfjs';
import { errorKind, errorMessage } from './errors';
import { TrainControl, runTraining } from './loop';
import type { TrainEvent, WorkerRequest } from './types';

const port = parentPort;
if (!port) throw new Error('the ConvLens training worker must run in a worker thread');

const control = new TrainControl();
let started = false;

function emit(event: TrainEvent): void {
  port?.postMessage(event);
}

async function start(request: Extract<WorkerRequest, { type: 'start' }>): Promise<void> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfjs;
    const report = await runTraining(tf, request.spec, request.settings, { emit, control });
    emit({ type: 'done', report });
  } catch (e) {
    emit({ type: 'error', message: errorMessage(e), kind: errorKind(e) });
  }
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') control.cancel();
  else if (request.type === 'start' && !started) {
    started = true;
    void start(request);
  }
});
