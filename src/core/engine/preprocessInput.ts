/**
 * `keras.applications.<net>.preprocess_input` as a TF.js layer, so a transfer-learning model
 * that calls it (Chollet's frozen-VGG16 model) trains and is inspected as Keras runs it. The
 * modes are keras/src/applications/imagenet_utils.py's, on 0–255 RGB pixels:
 *  - 'caffe' (VGG16/19, ResNet50/101/152): RGB → BGR, minus ImageNet's mean pixel;
 *  - 'tf' (MobileNet, MobileNetV2, ResNetV2, Xception, InceptionV3): x / 127.5 − 1;
 *  - 'torch' (DenseNet): x / 255, minus ImageNet's mean, over its standard deviation;
 *  - 'none' (EfficientNet, which preprocesses inside the model): unchanged.
 * Registered with TF.js' serialisation, so saved runs load again (checkpoints, inspection).
 */
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;
import type { PreprocessMode } from '../model/preprocess';

export type { PreprocessMode } from '../model/preprocess';
export const PREPROCESS_CLASS = 'ConvLensPreprocessInput';

type LayerClass = new (config: { mode?: PreprocessMode; name?: string }) => tfjs.layers.Layer;
const classes = new WeakMap<object, LayerClass>();

/** The layer class for this TF.js instance, made and registered for serialisation once. */
function layerClass(tf: Tf): LayerClass {
  const known = classes.get(tf);
  if (known) return known;
  class PreprocessInput extends tf.layers.Layer {
    static className = PREPROCESS_CLASS;
    readonly mode: PreprocessMode;

    constructor(config: { mode?: PreprocessMode; name?: string }) {
      super({ name: config.name });
      this.mode = config.mode ?? 'caffe';
    }

    override computeOutputShape(shape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape | tfjs.Shape[] {
      return shape;
    }

    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        switch (this.mode) {
          case 'caffe': return tf.reverse(x, -1).sub(tf.tensor1d([103.939, 116.779, 123.68]));
          case 'tf': return x.div(127.5).sub(1);
          case 'torch': return x.div(255).sub(tf.tensor1d([0.485, 0.456, 0.406])).div(tf.tensor1d([0.229, 0.224, 0.225]));
          default: return x.clone();
        }
      });
    }

    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), mode: this.mode };
    }
  }
  tf.serialization.registerClass(PreprocessInput);
  classes.set(tf, PreprocessInput);
  return PreprocessInput;
}

/** Makes the class known to `tf` (before loading a saved model that may contain it). */
export function registerPreprocessInput(tf: Tf): void {
  layerClass(tf);
}

export function preprocessInputLayer(tf: Tf, mode: PreprocessMode, name?: string): tfjs.layers.Layer {
  const Layer = layerClass(tf);
  return new Layer({ mode, name });
}
