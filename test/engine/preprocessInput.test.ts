/**
 * keras.applications' preprocess_input in TF.js: Chollet's frozen-VGG16 model
 * (examples/keras/transfer_learning_vgg16.py) builds and runs, its preprocess_input doing
 * what Keras' 'caffe' mode does (RGB → BGR, minus ImageNet's mean pixel), MobileNet's the 'tf'
 * mode, and a saved model with the layer loads again.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { analyzeSource } from '../../src/core/analysis';
import { buildTfjsModel } from '../../src/core/engine/build';
import { inputPipeline } from '../../src/core/engine/augment/plan';
import { modelArtifacts } from '../../src/core/engine/train/modelFiles';

const ROOT = path.resolve(__dirname, '../../..');

function spec(code: string, name = 'model') {
  return analyzeSource(code, 'python').specs.find((s) => s.name === name)!;
}

async function pixelThrough(model: tf.LayersModel, layerName: string, rgb: number[]): Promise<number[]> {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output });
  const h = model.inputs[0].shape[1] as number;
  const w = model.inputs[0].shape[2] as number;
  const out = tf.tidy(() => sub.predict(tf.tensor4d(Array.from({ length: h * w }, () => rgb).flat(), [1, h, w, 3])) as tf.Tensor);
  const values = Array.from((await out.data()).slice(0, 3));
  out.dispose();
  return values;
}

describe('preprocess_input in TF.js', () => {
  it("builds Chollet's frozen-VGG16 model and applies VGG's caffe preprocessing", async () => {
    const s = spec(fs.readFileSync(path.join(ROOT, 'examples', 'keras', 'transfer_learning_vgg16.py'), 'utf8'));
    assert.strictEqual(inputPipeline(s).pixelScale, 255, 'the model takes 0–255 pixels');
    const model = buildTfjsModel(tf, s);
    try {
      const layer = s.layers.find((l) => l.className === 'PreprocessInput')!;
      const [b, g, r] = await pixelThrough(model, layer.name, [200, 100, 50]);
      // Keras: x[..., ::-1] - [103.939, 116.779, 123.68] on BGR.
      assert.deepStrictEqual([b, g, r].map((v) => Math.round(v * 1000) / 1000), [50 - 103.939, 100 - 116.779, 200 - 123.68].map((v) => Math.round(v * 1000) / 1000));
      // Saved and loaded again (checkpoints, inspection): the class is registered for TF.js.
      const artifacts = await modelArtifacts(tf, model);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      assert.strictEqual(loaded.getLayer(layer.name).getClassName(), 'ConvLensPreprocessInput');
      loaded.dispose();
    } finally {
      model.dispose();
    }
  });

  it("MobileNetV2's preprocess_input scales to [-1, 1]", async () => {
    const s = spec([
      'import keras', 'inputs = keras.Input(shape=(8, 8, 3))', 'x = keras.applications.mobilenet_v2.preprocess_input(inputs)',
      'outputs = keras.layers.Conv2D(1, 1)(x)', 'model = keras.Model(inputs, outputs)', '',
    ].join('\n'));
    const model = buildTfjsModel(tf, s);
    try {
      const layer = s.layers.find((l) => l.className === 'PreprocessInput')!;
      assert.deepStrictEqual(await pixelThrough(model, layer.name, [255, 127.5, 0]), [1, 0, -1]);
    } finally {
      model.dispose();
    }
  });
});
