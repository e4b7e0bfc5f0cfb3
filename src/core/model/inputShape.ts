/**
 * The input shape (without the batch axis) a layer's config declares, read the way Keras
 * does: `shape` (Input, Keras 3) or `input_shape`, then `batch_shape` / `batch_input_shape`
 * without their batch axis, then Dense's `input_dim`. Shared by the readers (a Sequential's
 * input) and the tfjs builder.
 */
import { isUnknown, type ConfigObject, type ConfigValue } from './spec';

export type DeclaredInputShape =
  | { shape: (number | null)[] }
  /** `unknown`: the value is not known statically; `invalid`: it is not a shape. */
  | { problem: 'unknown' | 'invalid'; key: string; detail: string }
  | undefined;

export function declaredInputShape(config: ConfigObject): DeclaredInputShape {
  const read = (key: string): DeclaredInputShape => {
    const v: ConfigValue | undefined = config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return { shape: [v] };
    if (isUnknown(v)) return { problem: 'unknown', key, detail: v.unknown };
    if (Array.isArray(v)) {
      const unknownItem = v.find(isUnknown);
      if (unknownItem) return { problem: 'unknown', key, detail: unknownItem.unknown };
      if (v.every((x) => typeof x === 'number' || x === null)) return { shape: v };
    }
    return { problem: 'invalid', key, detail: `expected a shape tuple, got ${JSON.stringify(v)}` };
  };
  const direct = read('shape') ?? read('input_shape');
  if (direct) return direct;
  const batch = read('batch_shape') ?? read('batch_input_shape');
  if (batch) return 'shape' in batch ? { shape: batch.shape.slice(1) } : batch;
  const inputDim = config['input_dim'];
  return typeof inputDim === 'number' ? { shape: [inputDim] } : undefined;
}
