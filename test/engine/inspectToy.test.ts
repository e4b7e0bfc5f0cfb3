/**
 * Grad-CAM on a task where the answer is known: a bright square on a noisy background at a
 * random place, class 'square' against class 'noise only'. A small convnet is trained in
 * process for a few seconds; for images with a square, the heatmap's peak must fall on it.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/core/engine/backend/select';
import { gradCam } from '../../src/core/viz/inspect/gradcam';
import { predict } from '../../src/core/viz/inspect/predict';
import { inspectInfo, seededRandom } from '../helpers/inspectModels';

const SIZE = 20;
const SQUARE = 5;

interface Toy {
  pixels: number[];
  /** The square's top-left corner, or null for noise only. */
  box: { x: number; y: number } | null;
}

function toyImage(rand: () => number, withSquare: boolean): Toy {
  const pixels = Array.from({ length: SIZE * SIZE }, () => rand() * 0.5);
  if (!withSquare) return { pixels, box: null };
  const box = { x: Math.floor(rand() * (SIZE - SQUARE + 1)), y: Math.floor(rand() * (SIZE - SQUARE + 1)) };
  for (let r = 0; r < SQUARE; r++) for (let c = 0; c < SQUARE; c++) pixels[(box.y + r) * SIZE + box.x + c] = 0.8 + rand() * 0.2;
  return { pixels, box };
}

function toyModel(): tf.LayersModel {
  const seeded = (seed: number): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform> } => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });
  return tf.sequential({
    name: 'toy',
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', ...seeded(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'last_conv', ...seeded(2) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: 'softmax', ...seeded(3) }),
    ],
  });
}

describe('Grad-CAM on a trained toy task (a square on noise)', () => {
  let backend = '';
  before(async () => {
    // wasm trains the toy net several times faster than cpu (about 70 s there).
    backend = (await selectBackend(tf, 'auto')).name;
  });
  after(async () => {
    await tf.setBackend('cpu');
  });

  it('the heatmap peak falls on the square for nearly every test image', async function () {
    this.timeout(120000);
    const rand = seededRandom(2024);
    const train = Array.from({ length: 320 }, (_, i) => toyImage(rand, i % 2 === 1));
    const xs = tf.tensor4d(
      train.flatMap((t) => t.pixels),
      [train.length, SIZE, SIZE, 1],
    );
    const ys = tf.oneHot(
      tf.tensor1d(
        train.map((t) => (t.box ? 1 : 0)),
        'int32',
      ),
      2,
    );
    const model = toyModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const started = Date.now();
    const history = await model.fit(xs, ys, { epochs: 12, batchSize: 32, shuffle: false, verbose: 0 });
    const trainSeconds = (Date.now() - started) / 1000;
    tf.dispose([xs, ys]);

    const info = inspectInfo(model, ['noise', 'square']);
    assert.strictEqual(info.lastConvLayer, 'last_conv');
    const tests = Array.from({ length: 40 }, () => toyImage(rand, true));
    let correct = 0;
    let onSquare = 0;
    for (const t of tests) {
      const x = tf.tensor4d(t.pixels, [1, SIZE, SIZE, 1]);
      if (predict(tf, model, info, x)[0]?.label === 'square') correct++;
      // The class the test is about, whatever was predicted.
      const { peak } = await gradCam(tf, model, info, x, { classIndex: 1 });
      const box = t.box as { x: number; y: number };
      if (peak.x >= box.x && peak.x < box.x + SQUARE && peak.y >= box.y && peak.y < box.y + SQUARE) onSquare++;
      x.dispose();
    }
    const accuracy = history.history['acc']?.at(-1) ?? history.history['accuracy']?.at(-1);
    console.log(
      `      trained ${trainSeconds.toFixed(1)} s on ${backend} (final train accuracy ${String(accuracy)}); test accuracy ${correct}/40; Grad-CAM peak on the square ${onSquare}/40`,
    );
    assert.ok(correct >= 36, `the toy model did not learn the task (${correct}/40 right)`);
    assert.ok(onSquare >= 34, `the Grad-CAM peak fell on the square for only ${onSquare} of 40 images`);
    model.dispose();
  });
});
