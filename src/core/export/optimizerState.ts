/**
 * A run's Adam state as Keras 3 stores it under `optimizer/vars` in model.weights.h5:
 * `0` the iteration count (int64), `1` the learning rate (float32), then each trainable
 * variable's first and second moments in turn, in the order of the model's trainable
 * variables (keras/src/optimizers/adam.py builds them so; the Keras-written fixtures show it).
 * TF.js' Adam keeps the same quantities (its `iter`, and `<weight>/m`, `<weight>/v` in the
 * run's checkpoint), with the same update rule, so `fit` in Keras goes on where the run
 * stopped. Taken only when the checkpoint holds exactly the run's final weights.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readModelJson } from '../engine/train/modelFiles';
import { CHECKPOINT_DIR, type CheckpointState } from '../engine/train/checkpoint';
import type { OptimizerVariables, Variable } from './weightsH5';

/** The bytes of a model.json's weight shards, joined. */
function shardBytes(modelJson: string): Buffer {
  const json = readModelJson(modelJson);
  return Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p)))));
}

const BYTES: Record<string, number> = { float32: 4, int32: 4 };

/** The checkpoint's optimizer arrays by name, decoded from its file (little-endian, as TF.js writes). */
function decode(dir: string, optimizer: NonNullable<CheckpointState['optimizer']>): Map<string, { shape: number[]; data: Float32Array | Int32Array }> | undefined {
  const bytes = fs.readFileSync(path.join(dir, optimizer.file));
  const out = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  let offset = 0;
  for (const spec of optimizer.specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const width = BYTES[spec.dtype];
    if (width === undefined || offset + size * width > bytes.length) return undefined;
    const slice = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size * width);
    out.set(spec.name, { shape: spec.shape, data: spec.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice) });
    offset += size * width;
  }
  return out;
}

/**
 * The Adam state of the run whose final model is `modelJson`, or undefined when there is
 * none to take: another optimizer, no checkpoint, or a checkpoint of other weights than the
 * final ones (a run stopped early with its best weights restored, say).
 */
export function adamState(modelJson: string, optimizer: string | undefined, learningRate: number | undefined): OptimizerVariables | undefined {
  if (optimizer?.toLowerCase() !== 'adam' || learningRate === undefined) return undefined;
  const dir = path.join(path.dirname(modelJson), CHECKPOINT_DIR);
  const checkpointJson = path.join(dir, 'model.json');
  if (!fs.existsSync(checkpointJson)) return undefined;
  try {
    const state = (readModelJson(checkpointJson) as { convlens?: CheckpointState }).convlens?.optimizer;
    if (!state || !shardBytes(checkpointJson).equals(shardBytes(modelJson))) return undefined;
    const arrays = decode(dir, state);
    const iterations = arrays?.get('iter');
    if (!arrays || iterations?.data.length !== 1) return undefined;
    const variables: Variable[] = [
      { shape: [], values: BigInt64Array.from([BigInt(iterations.data[0])]) },
      { shape: [], values: Float32Array.from([learningRate]) },
    ];
    for (const name of state.variables) {
      const [m, v] = [arrays.get(`${name}/m`), arrays.get(`${name}/v`)];
      if (!(m?.data instanceof Float32Array) || !(v?.data instanceof Float32Array)) return undefined;
      variables.push({ shape: m.shape, values: m.data }, { shape: v.shape, values: v.data });
    }
    return { name: 'adam', variables };
  } catch {
    return undefined; // an unreadable checkpoint only means no optimizer state in the export
  }
}
