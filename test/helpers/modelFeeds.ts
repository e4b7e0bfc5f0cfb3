/**
 * What a run gives the model, in order: Sequential.trainOnBatch and predict wrapped while
 * `run` is in flight (in-process runs only), each call's input copied out.
 */
import * as tf from '@tensorflow/tfjs';

export interface Fed {
  kind: 'train' | 'predict';
  /** Images in the call. */
  count: number;
  x: Float32Array;
}

export async function recordFeeds<T>(run: () => Promise<T>): Promise<{ fed: Fed[]; result: T }> {
  const fed: Fed[] = [];
  const proto = tf.Sequential.prototype;
  // Kept unbound on purpose: the wrappers call them with the model as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { trainOnBatch, predict } = proto;
  const copy = (kind: Fed['kind'], x: unknown): void => {
    const t = x as tf.Tensor;
    fed.push({ kind, count: t.shape[0], x: t.dataSync() as Float32Array });
  };
  proto.trainOnBatch = function (this: tf.Sequential, x, y) {
    copy('train', x);
    return trainOnBatch.call(this, x, y);
  };
  proto.predict = function (this: tf.Sequential, x, args) {
    copy('predict', x);
    return predict.call(this, x, args);
  };
  try {
    return { fed, result: await run() };
  } finally {
    proto.trainOnBatch = trainOnBatch;
    proto.predict = predict;
  }
}
