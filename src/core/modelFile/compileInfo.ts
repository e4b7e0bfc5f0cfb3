/**
 * How a saved model was compiled, from Keras 3's `compile_config` (in config.json) or a legacy
 * file's `training_config` attribute: optimizer class and learning rate, loss, metrics. It
 * becomes the ModelSpec's compile, so training a file (fine-tuning) starts from its own
 * settings, as Keras' `load_model` does.
 */
import type { StoredCompile } from './types';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `"adam"`, `{class_name: "Adam", config: {learning_rate}}` or Keras 3's serialised optimizer. */
function optimizerOf(v: unknown): { optimizer?: string; learningRate?: number } {
  if (typeof v === 'string') return { optimizer: v };
  if (!isObject(v)) return {};
  const config = isObject(v.config) ? v.config : {};
  const rate = config.learning_rate ?? config.lr;
  return { optimizer: typeof v.class_name === 'string' ? v.class_name : undefined, learningRate: typeof rate === 'number' ? rate : undefined };
}

/** A loss as a name (`"sparse_categorical_crossentropy"`, or a serialised loss object's class), with from_logits. */
function lossOf(v: unknown): { loss?: string; fromLogits?: boolean } {
  if (typeof v === 'string') return { loss: v };
  if (!isObject(v)) return {};
  const config = isObject(v.config) ? v.config : {};
  return { loss: typeof v.class_name === 'string' ? v.class_name : undefined, fromLogits: typeof config.from_logits === 'boolean' ? config.from_logits : undefined };
}

function metricsOf(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  // A serialised metric names itself in its config (tf.keras 2: MeanMetricWrapper {name: 'accuracy'}).
  const name = (m: Record<string, unknown>): string[] => {
    const configName = isObject(m.config) ? m.config.name : undefined;
    return typeof configName === 'string' ? [configName] : typeof m.class_name === 'string' ? [m.class_name] : [];
  };
  return v.flatMap((m) => (typeof m === 'string' ? [m] : isObject(m) ? name(m) : Array.isArray(m) ? metricsOf(m) ?? [] : []));
}

/** Keras 3 `compile_config` ({optimizer, loss, metrics}) or legacy `training_config` ({optimizer_config, loss, metrics}). */
export function storedCompile(config: unknown): StoredCompile | undefined {
  if (!isObject(config)) return undefined;
  const compile: StoredCompile = { ...optimizerOf(config.optimizer ?? config.optimizer_config), ...lossOf(config.loss), metrics: metricsOf(config.metrics) };
  return compile.optimizer || compile.loss ? compile : undefined;
}
