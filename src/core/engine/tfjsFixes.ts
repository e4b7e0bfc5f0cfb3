/**
 * Work-arounds for TF.js (tfjs-layers 4.x) behaviour that differs from Keras, applied to
 * individual layer or model instances by the builder. Each one is small, local to the
 * instance it patches, and explains what it corrects.
 */

import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
type Layer = tfjs.layers.Layer;
type Shape = (number | null)[];

/**
 * SeparableConv2D: TF.js builds the pointwise kernel with the *depthwise* initialiser (its
 * constructor reads `depthwiseInitializer` twice). Resolves the requested identifier through
 * an unbuilt Dense (constructing a layer allocates no tensors) and sets it before the layer
 * is built.
 */
export function fixPointwiseInitializer(tf: Tf, layer: Layer, identifier: unknown): void {
  const probe = tf.layers.dense({ units: 1, kernelInitializer: identifier as 'glorotUniform' });
  (layer as unknown as { pointwiseInitializer: unknown }).pointwiseInitializer =
    (probe as unknown as { kernelInitializer: unknown }).kernelInitializer;
}

/**
 * Resizing: TF.js' layer (a) reports the output shape `[height, width, inputShape[2]]`,
 * dropping the batch axis and taking the wrong channel count, so it cannot follow any
 * layer in a model; and (b) resizes with `alignCorners = !cropToAspectRatio`, i.e. with
 * aligned corners by default, where Keras (tf.image.resize) uses half-pixel centres.
 * Both are corrected on the instance; `crop_to_aspect_ratio=True` is rejected earlier.
 */
export function fixResizing(tf: Tf, layer: Layer, height: number, width: number, interpolation: string): void {
  const patched = layer as unknown as {
    computeOutputShape(shape: Shape | Shape[]): Shape;
    call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor;
  };
  patched.computeOutputShape = (shape) => {
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as Shape;
    return [...s.slice(0, s.length - 3), height, width, s[s.length - 1]];
  };
  patched.call = (inputs) =>
    tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tfjs.Tensor4D;
      return interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(x, [height, width], false, true)
        : tf.image.resizeBilinear(x, [height, width], false, true);
    });
}

/**
 * TF.js reference-counts layers once per application, but `LayersModel.dispose()` releases
 * each of its layers once, so the weights of a layer applied k > 1 times in one model (a
 * shared layer) would never be freed. Makes the model's dispose release those extra counts.
 */
export function disposeSharedLayersWithModel(model: tfjs.LayersModel, applications: Map<Layer, number>): void {
  const extra = [...applications].filter(([, n]) => n > 1);
  if (extra.length === 0) return;
  const dispose = model.dispose.bind(model);
  model.dispose = () => {
    const result = dispose();
    if (result.refCountAfterDispose === 0) {
      for (const [layer, n] of extra) {
        for (let k = 1; k < n; k++) result.numDisposedVariables += layer.dispose().numDisposedVariables;
      }
    }
    return result;
  };
}
