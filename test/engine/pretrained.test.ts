/**
 * Pretrained keras.applications weights (issue #12): Chollet's frozen-VGG16 model starts from
 * the weight file Keras itself would load, `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`,
 * found in a weights folder; without it the run stops with one line naming the file and
 * Keras' download URL, and trains from random weights only when asked. The weight file is
 * written by h5py in Keras' weights-only layout (test/reference/keras_weights_file.py), with
 * seeded values: the test is about where the arrays land, not about ImageNet.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runTrainCli } from '../../src/cli/train';
import { loadModelFile } from '../../src/core/engine/train/modelFiles';
import { readModelFile } from '../../src/core/modelFile/open';

const ROOT = path.resolve(__dirname, '../../..');
const SOURCE = [
  'import keras',
  'from keras import layers',
  'conv_base = keras.applications.vgg16.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))',
  'conv_base.trainable = False',
  'inputs = keras.Input(shape=(32, 32, 3))',
  'x = conv_base(inputs)',
  'x = layers.Flatten()(x)',
  'outputs = layers.Dense(4, activation="softmax")(x)',
  'model = keras.Model(inputs, outputs)',
  'model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
  '',
].join('\n');

/** VGG16's conv base as Keras' weight file lists it: blocks of 2, 2, 3, 3, 3 convolutions (Simonyan & Zisserman, configuration D). */
function vgg16NotopLayout(): [string, [string, number[]][]][] {
  const layers: [string, [string, number[]][]][] = [['input_1', []]];
  let cin = 3;
  [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]].forEach(([filters, convs], b) => {
    for (let i = 1; i <= convs; i++) {
      const name = `block${b + 1}_conv${i}`;
      layers.push([name, [[`${name}_W_1:0`, [3, 3, cin, filters]], [`${name}_b_1:0`, [filters]]]]);
      cin = filters;
    }
    layers.push([`block${b + 1}_pool`, []]);
  });
  return layers;
}

describe('pretrained keras.applications weights', function () {
  this.timeout(300000);
  let dir: string;
  let weightsFolder: string;
  let model: string;
  const io = (lines: string[], errors: string[]) => ({ out: (s: string) => lines.push(s), err: (s: string) => errors.push(s) });

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-pretrained-'));
    weightsFolder = path.join(dir, 'keras-models');
    fs.mkdirSync(weightsFolder);
    model = path.join(dir, 'frozen_vgg16.py');
    fs.writeFileSync(model, SOURCE);
    const layout = path.join(dir, 'layout.json');
    fs.writeFileSync(layout, JSON.stringify(vgg16NotopLayout()));
    const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'test', 'reference', 'keras_weights_file.py'), path.join(weightsFolder, 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5'), layout], { encoding: 'utf8' });
    if (r.status !== 0 && r.stderr.includes('No module named \'h5py\'') && process.env.CI !== 'true') {
      console.log('      skipping: /usr/bin/python3 has no h5py (apt-get install python3-h5py; CI installs it)');
      this.skip();
    }
    assert.strictEqual(r.status, 0, r.stderr);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts the frozen conv base from the weight file Keras would load', async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await runTrainCli([model, '--model', 'model', '--data', 'synthetic', '--epochs', '1', '--weights-folder', weightsFolder, '--json'], io(lines, errors));
    assert.strictEqual(code, 0, errors.join('\n'));
    assert.ok(errors.some((l) => /^VGG16: pretrained weights from .*vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5 \(26 arrays\)$/.test(l)), errors.join('\n'));
    const summary = JSON.parse(lines.at(-1) ?? '{}') as { runDir: string };
    const trained = await loadModelFile(tf, path.join(summary.runDir, 'model.json'));
    try {
      const stored = readModelFile(path.join(weightsFolder, 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5')).weights;
      const base = trained.getLayer('vgg16') as tf.LayersModel;
      for (const layer of ['block1_conv1', 'block5_conv3']) {
        const kept = Array.from(await base.getLayer(layer).getWeights()[0].data());
        assert.deepStrictEqual(kept, Array.from(stored.find((l) => l.layer === layer)!.weights[0].values()), `${layer}: the file's kernel, untouched by training (frozen)`);
      }
    } finally {
      trained.dispose();
    }
  });

  it("without the file, says which file and Keras' URL in one line; trains from random weights only when asked", async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const lines: string[] = [];
    const errors: string[] = [];
    assert.strictEqual(await runTrainCli([model, '--model', 'model', '--data', 'synthetic', '--epochs', '1', '--weights-folder', empty], io(lines, errors)), 2);
    assert.match(errors.join('\n'), /VGG16 asks for pretrained weights: vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5 is not in .*empty \(Keras downloads it from https:\/\/storage\.googleapis\.com\/tensorflow\/keras-applications\/vgg16\/vgg16_weights_tf_dim_ordering_tf_kernels_notop\.h5\)/);
    const asked: string[] = [];
    assert.strictEqual(await runTrainCli([model, '--model', 'model', '--data', 'synthetic', '--epochs', '1', '--weights-folder', empty, '--random-pretrained', '--json'], io([], asked)), 0, asked.join('\n'));
    assert.ok(asked.some((l) => l.includes('VGG16: vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 not found, training from random weights as asked')), asked.join('\n'));
  });
});
