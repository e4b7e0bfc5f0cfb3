/**
 * Grad-CAM (Selvaraju et al. 2017) as Chollet and keras.io's `grad_cam.py` compute it: the
 * gradient of the class score with respect to a conv layer's output, each channel weighted by
 * its mean gradient over rows and columns, the weighted channel sum through ReLU, divided by its
 * maximum, resized bilinearly to the input, drawn in jet and laid over the image at 0.4.
 *
 * The class score is the logit, as keras.io does by setting the last layer's activation to
 * None: a softmax or sigmoid flattens the gradient where the model is sure (tf-keras-vis #30).
 * Here the output layer is evaluated without its activation (predict.ts `preActivation`: a
 * Dense layer's x·W + b, an Activation layer's input); where that cannot be separated, the
 * activation is inverted (log p for softmax, log(p / (1 − p)) for sigmoid).
 *
 * The model is cut with graph.ts, so the layer may sit inside a nested conv base.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DataError } from '../../engine/data/types';
import { pngDataUrl } from '../png';
import { featureMapLayer } from './activations';
import { colorize, jet } from './colormap';
import { splitAt } from './graph';
import { displayPixels, PREDICTION_IMAGE_SIDE } from './image';
import { classifierHead, classLabel, preActivation, probabilitiesFrom, rankClasses, type ClassifierHead } from './predict';
import type { ClassScore, GradCamResult, InspectModelInfo } from './types';

type Tf = typeof tfjs;

/** Chollet's and keras.io's heatmap opacity over the image. */
export const OVERLAY_ALPHA = 0.4;

export interface GradCamOptions {
  /** The class to explain; the predicted one by default. */
  classIndex?: number;
  /** The conv layer (plain name or 'parent/name'); info.lastConvLayer by default. */
  layer?: string;
}

/** Class `index`'s score from the logits (or the output, when `isLogits` is false: then the activation is inverted). */
function classScore(tf: Tf, head: ClassifierHead, out: tfjs.Tensor, isLogits: boolean, index: number): tfjs.Tensor {
  const unit = head.units === 1 ? 0 : index;
  let score = out.slice([0, unit], [1, 1]).reshape([]);
  if (!isLogits && head.activation === 'softmax') score = tf.log(score);
  if (!isLogits && head.activation === 'sigmoid') score = tf.log(score).sub(tf.log(tf.sub(1, score)));
  // One output unit: its logit is class 1's; class 0's is the logit of 1 − p, which is −z.
  return head.units === 1 && index === 0 ? score.neg() : score;
}

/** The Grad-CAM map at the layer's resolution, h × w in [0, 1], for the first image of `x`. */
export function gradCamMap(tf: Tf, model: tfjs.LayersModel, x: tfjs.Tensor4D, layer: string, classIndex: number): tfjs.Tensor2D {
  const head = classifierHead(model);
  let isLogits = head.activation === 'linear';
  const split = splitAt(model, layer, {
    output: (outputLayer, inputs) => {
      const z = head.activation === 'linear' ? undefined : preActivation(tf, outputLayer, inputs);
      // Read by classScore below, which runs after the tail that calls this.
      isLogits = isLogits || z !== undefined;
      return z ?? (outputLayer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tfjs.Tensor);
    },
  });
  return tf.tidy((): tfjs.Tensor2D => {
    const image = x.slice([0, 0, 0, 0], [1, -1, -1, -1]);
    const features = split.head(image) as tfjs.Tensor4D;
    const grads = tf.grad((a: tfjs.Tensor) => classScore(tf, head, split.tail(a, image), isLogits, classIndex))(features);
    const weights = grads.mean([0, 1, 2]);
    const cam = tf.relu(features.mul(weights).sum(-1).squeeze([0])) as tfjs.Tensor2D;
    const max = cam.max();
    // An all-zero map (no channel speaks for the class) stays zero rather than 0/0.
    return tf.where(max.greater(0), cam.div(max), tf.zerosLike(cam)) as tfjs.Tensor2D;
  });
}

function scoreOf(info: InspectModelInfo, probabilities: Float32Array, index: number): ClassScore {
  return { index, label: classLabel(info, index), probability: probabilities[index] ?? 0 };
}

export async function gradCam(tf: Tf, model: tfjs.LayersModel, info: InspectModelInfo, x: tfjs.Tensor4D, options: GradCamOptions = {}): Promise<GradCamResult> {
  const layerName = options.layer ?? info.lastConvLayer;
  if (layerName === null) throw new DataError(`model '${info.modelName}' has no convolutional layer: Grad-CAM needs one`);
  featureMapLayer(info, layerName);
  const head = classifierHead(model);
  const probabilities = tf.tidy(() => probabilitiesFrom(tf, head, model.predict(x) as tfjs.Tensor));
  const predicted = rankClasses(info, probabilities, 1)[0];
  const classIndex = options.classIndex ?? predicted.index;
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= head.classes)
    throw new DataError(`class ${classIndex} is out of range: the model has ${head.classes} classes (0–${head.classes - 1})`);

  const { height, width, channels } = info.input;
  const resized = tf.tidy(() => {
    const cam = gradCamMap(tf, model, x, layerName, classIndex);
    // Half-pixel centres: the resize OpenCV (Chollet) and PIL use.
    return tf.image.resizeBilinear(cam.expandDims<tfjs.Tensor3D>(-1), [height, width], false, true).reshape([height * width]);
  });
  const values = await resized.data<'float32'>();
  resized.dispose();

  let peakIndex = 0;
  values.forEach((v, i) => {
    if (v > values[peakIndex]) peakIndex = i;
  });
  const rows = Array.from({ length: height }, (_, r) => Array.from(values.subarray(r * width, (r + 1) * width)));

  const colours = colorize(values, jet);
  const pixels = displayPixels(tf, info, x);
  // The image plus 0.4 × the heatmap, clipped (Chollet 1st ed.: `heatmap * 0.4 + img` written as 8-bit).
  const overlay = new Uint8Array(height * width * 3);
  for (let i = 0; i < height * width; i++) {
    for (let k = 0; k < 3; k++) {
      const pixel = pixels[i * channels + (channels === 3 ? k : 0)] * 255;
      overlay[i * 3 + k] = Math.min(255, Math.round(pixel + OVERLAY_ALPHA * colours[i * 3 + k]));
    }
  }
  return {
    layer: layerName,
    predicted,
    target: scoreOf(info, probabilities, classIndex),
    heatmap: { width, height, values: rows },
    peak: { x: peakIndex % width, y: Math.floor(peakIndex / width) },
    heatmapImage: await pngDataUrl(colours, height, width, 3, { minSide: PREDICTION_IMAGE_SIDE }),
    overlayImage: await pngDataUrl(overlay, height, width, 3, { minSide: PREDICTION_IMAGE_SIDE }),
  };
}
