/**
 * A model trained for the inspection tests: a small convnet on synthetic shapes (24×24×1),
 * trained once per test process by the real CLI (`convlens train`, its worker), in a
 * temporary folder the process removes on exit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTrainCli } from '../../src/cli/train';

export const SHAPES_SOURCE = `from keras import layers, models

shapes = models.Sequential()
shapes.add(layers.Conv2D(8, (3, 3), activation="relu", input_shape=(24, 24, 1)))
shapes.add(layers.MaxPooling2D((2, 2)))
shapes.add(layers.Conv2D(16, (3, 3), activation="relu"))
shapes.add(layers.Flatten())
shapes.add(layers.Dense(4, activation="softmax"))
shapes.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

dense_only = models.Sequential()
dense_only.add(layers.Flatten(input_shape=(24, 24, 1)))
dense_only.add(layers.Dense(4, activation="softmax"))
dense_only.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
`;

export interface TrainedRun {
  /** The temporary project folder. */
  dir: string;
  /** The source file defining `shapes` and `dense_only`. */
  file: string;
  /** The run folder of `shapes`. */
  runDir: string;
  /** The run folder of `dense_only` (no conv layer). */
  denseRunDir: string;
}

let trained: Promise<TrainedRun> | undefined;

async function train(file: string, dir: string, model: string): Promise<string> {
  let out = '';
  let err = '';
  const code = await runTrainCli([file, '--model', model, '--data', 'synthetic', '--epochs', '3', '--batch-size', '16', '--backend', 'cpu', '--out', dir, '--json'], {
    out: (s) => { out += `${s}\n`; },
    err: (s) => { err += `${s}\n`; },
  });
  if (code !== 0) throw new Error(`training ${model} failed: ${err}`);
  const summary = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { runDir: string };
  return summary.runDir;
}

export function trainedRun(): Promise<TrainedRun> {
  trained ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-inspect-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'shapes.py');
    fs.writeFileSync(file, SHAPES_SOURCE);
    const runDir = await train(file, dir, 'shapes');
    const denseRunDir = await train(file, dir, 'dense_only');
    return { dir, file, runDir, denseRunDir };
  })();
  return trained;
}
