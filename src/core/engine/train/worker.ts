/**
 * The training worker's entry (a `worker_threads` Worker), started by TrainingSession.
 * Compiled by tsc to out/src/core/engine/train/worker.js; bundled by esbuild as
 * dist/trainWorker.js (core/worker/workers.json names both).
 *
 * It answers `train`, `trainGenerative` (a VAE or GAN recipe; one run per worker: TrainingSession starts a fresh worker each time)
 * and `stop` (protocol.ts). Errors keep their class name across the thread, so the host can
 * tell the user's mistakes (DataError, CompileError, …) from crashes.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { answer, serve } from '../../worker/serve';
import { TrainControl, runTraining } from './loop';
import { stop, train } from './protocol';
import { trainGenerative } from '../../generative/train/protocol';
import { runGenerativeTraining } from '../../generative/train/run';

const control = new TrainControl();

serve([
  answer(train, ({ spec, settings }, { progress }) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfjs;
    return runTraining(tf, spec, settings, { emit: progress, control });
  }),
  answer(trainGenerative, ({ specs, recipe, settings }, { progress }) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfjs;
    return runGenerativeTraining(tf, specs, recipe, settings, { emit: progress, control });
  }),
  answer(stop, () => {
    control.cancel();
    return null;
  }),
]);
