/**
 * The inspection graph walk (src/core/viz/inspect/graph.ts): cutting a model at any layer, a
 * layer inside a nested model included, reproduces model.predict, and the head alone equals the
 * sub-model TF.js builds from the same layers (tf.model on the layer's own graph).
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { describeLayers, findLayer, lastConvLayer, layerLocations, splitAt } from '../../src/core/viz/inspect/graph';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** conv → BN → pool → conv → dropout → flatten → dense softmax: BN and Dropout must run in inference mode. */
function sequentialNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 's_conv1' }),
      tf.layers.batchNormalization({ name: 's_bn' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 's_pool' }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', name: 's_conv2' }),
      tf.layers.dropout({ rate: 0.5, name: 's_drop' }),
      tf.layers.flatten({ name: 's_flat' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 's_dense' }),
    ],
  });
}

/** A residual block: the skip from r_conv1 joins after r_conv3, so cutting at r_conv2 leaves a branch that does not go through it. */
function residualNet(): tf.LayersModel {
  const input = tf.input({ shape: [10, 10, 2] });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'r_conv1' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'r_conv2' }).apply(a) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'r_conv3' }).apply(b) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'r_add' }).apply([a, c]) as tf.SymbolicTensor;
  const act = tf.layers.activation({ activation: 'relu', name: 'r_relu' }).apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'r_gap' }).apply(act) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: 'r_logits' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'residual' });
}

/** A functional conv base (with a residual join inside) used as one layer of a functional model: Chollet's frozen-VGG16 shape. */
function nestedFunctionalNet(): { model: tf.LayersModel; base: tf.LayersModel } {
  const baseIn = tf.input({ shape: [16, 16, 3] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'base_conv1' }).apply(baseIn) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'base_conv2' }).apply(c1) as tf.SymbolicTensor;
  const joined = tf.layers.add({ name: 'base_add' }).apply([c1, c2]) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ poolSize: 2, name: 'base_pool' }).apply(joined) as tf.SymbolicTensor;
  const base = tf.model({ inputs: baseIn, outputs: pooled, name: 'conv_base' });

  const input = tf.input({ shape: [16, 16, 3] });
  const scaled = tf.layers.rescaling({ scale: 1 / 255, name: 'rescale' }).apply(input) as tf.SymbolicTensor;
  const features = base.apply(scaled) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(features) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', name: 'head' }).apply(flat) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: out, name: 'transfer' }), base };
}

/** A Sequential conv base inside a Sequential model, first (TF.js then adopts the base's graph) or after a Rescaling layer. */
function nestedSequentialNet(baseFirst: boolean): tf.Sequential {
  const base = tf.sequential({
    name: 'seq_base',
    layers: [
      tf.layers.conv2d({ inputShape: [14, 14, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'sb_conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'sb_pool' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', name: 'sb_conv2' }),
    ],
  });
  const front = baseFirst ? [] : [tf.layers.rescaling({ inputShape: [14, 14, 1], scale: 1 / 255, name: 'so_rescale' })];
  return tf.sequential({
    name: 'seq_outer',
    layers: [...front, base, tf.layers.flatten({ name: 'so_flat' }), tf.layers.dense({ units: 4, activation: 'sigmoid', name: 'so_dense' })],
  });
}

function randomInput(model: tf.LayersModel, n = 2): tf.Tensor4D {
  const [, h, w, c] = model.inputs[0]?.shape as number[];
  return tf.randomUniform<tf.Rank.R4>([n, h, w, c], 0, 255, 'float32', 7);
}

/** Every split point reproduces predict; checked for every layer the walk finds, nested ones included. */
function checkAllSplits(model: tf.LayersModel): string[] {
  const x = randomInput(model);
  const expected = model.predict(x) as tf.Tensor;
  const names = layerLocations(model).map((l) => l.path.map((p) => p.name).join('/'));
  for (const name of names) {
    const split = splitAt(model, name);
    const diff = tf.tidy(() => maxAbsDiff(split.tail(split.head(x), x), expected));
    assert.ok(diff < 1e-5, `${model.name} cut at ${name}: max |tail(head(x)) − predict(x)| = ${diff}`);
  }
  tf.dispose([x, expected]);
  return names;
}

describe('inspect graph: splitting a model at a layer', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('a Sequential model: every cut reproduces predict, BN and Dropout in inference mode', () => {
    const model = sequentialNet();
    const names = checkAllSplits(model);
    assert.deepStrictEqual(names, ['s_conv1', 's_bn', 's_pool', 's_conv2', 's_drop', 's_flat', 's_dense']);
    model.dispose();
  });

  it('a residual functional model: cutting inside the block recomputes the skip branch', () => {
    const model = residualNet();
    checkAllSplits(model);
    // The head alone is the layer's output as TF.js' own sub-model computes it.
    const x = randomInput(model);
    for (const name of ['r_conv2', 'r_add', 'r_gap']) {
      const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output });
      const diff = tf.tidy(() => maxAbsDiff(splitAt(model, name).head(x), sub.predict(x) as tf.Tensor));
      assert.ok(diff < 1e-5, `${name}: head differs from the sub-model by ${diff}`);
    }
    x.dispose();
    model.dispose();
  });

  it('a functional conv base nested in a functional model: cuts inside the base, where tf.model gives "Graph disconnected"', () => {
    const { model, base } = nestedFunctionalNet();
    const names = checkAllSplits(model);
    assert.deepStrictEqual(names, [
      'rescale',
      'conv_base',
      'conv_base/base_conv1',
      'conv_base/base_conv2',
      'conv_base/base_add',
      'conv_base/base_pool',
      'flat',
      'head',
    ]);
    assert.throws(() => tf.model({ inputs: model.inputs, outputs: base.getLayer('base_conv2').output }), /disconnected/i);

    // The head at a nested layer equals the nested model's own sub-model fed the rescaled input.
    const x = randomInput(model);
    const sub = tf.model({ inputs: base.inputs, outputs: base.getLayer('base_conv2').output });
    const diff = tf.tidy(() => maxAbsDiff(splitAt(model, 'base_conv2').head(x), sub.predict(x.div(255)) as tf.Tensor));
    assert.ok(diff < 1e-5, `nested head differs by ${diff}`);

    // A gradient of a class score reaches the cut inside the nested base.
    const split = splitAt(model, 'base_add');
    const grad = tf.tidy(() => {
      const a = split.head(x);
      const g = tf.grad((t: tf.Tensor) => split.tail(t, x).slice([0, 1], [1, 1]).sum())(a);
      return { shape: g.shape, norm: g.abs().sum().dataSync()[0] };
    });
    assert.deepStrictEqual(grad.shape, [2, 16, 16, 4]);
    assert.ok(grad.norm > 0, 'the gradient is not all zero');
    x.dispose();
    model.dispose();
  });

  it('a Sequential base nested in a Sequential model, after another layer or first', () => {
    const after = nestedSequentialNet(false);
    assert.deepStrictEqual(checkAllSplits(after), [
      'so_rescale',
      'seq_base',
      'seq_base/sb_conv1',
      'seq_base/sb_pool',
      'seq_base/sb_conv2',
      'so_flat',
      'so_dense',
    ]);
    after.dispose();
    // First in the Sequential, the base's layers are the outer graph's own; they still name their parent.
    const first = nestedSequentialNet(true);
    assert.deepStrictEqual(checkAllSplits(first), ['sb_conv1', 'sb_pool', 'sb_conv2', 'so_flat', 'so_dense']);
    assert.deepStrictEqual(
      describeLayers(first).map((l) => l.parent),
      ['seq_base', 'seq_base', 'seq_base', undefined, undefined],
    );
    assert.strictEqual(findLayer(first, 'seq_base/sb_pool')?.layer.name, 'sb_pool');
    first.dispose();
  });

  it('findLayer takes a plain name or a nested path; an unknown name is a clear error', () => {
    const { model } = nestedFunctionalNet();
    assert.deepStrictEqual(
      findLayer(model, 'base_pool')?.path.map((l) => l.name),
      ['conv_base', 'base_pool'],
    );
    assert.strictEqual(findLayer(model, 'conv_base/base_conv1')?.parent, 'conv_base');
    assert.strictEqual(findLayer(model, 'flat')?.parent, undefined);
    assert.strictEqual(findLayer(model, 'nope'), null);
    assert.throws(() => splitAt(model, 'nope'), /no layer 'nope'/);
    model.dispose();
  });

  it('describes layers with kinds and shapes; the last conv layer looks into the nested base', () => {
    const { model } = nestedFunctionalNet();
    const layers = describeLayers(model);
    const byName = new Map(layers.map((l) => [l.name, l]));
    assert.deepStrictEqual(byName.get('base_conv2'), { name: 'base_conv2', className: 'Conv2D', shape: [16, 16, 4], kind: 'conv', parent: 'conv_base' });
    assert.strictEqual(byName.get('base_pool')?.kind, 'pool');
    assert.strictEqual(byName.get('base_add')?.kind, 'other');
    assert.strictEqual(byName.get('flat')?.kind, 'other');
    // The residual sum after the last conv, not the pooling after it.
    assert.strictEqual(lastConvLayer(layers), 'base_add');
    model.dispose();
  });

  it('the last conv layer skips a 1×1 logits convolution (MobileNetV3) and needs a convolution', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'features' }).apply(input) as tf.SymbolicTensor;
    const pooled = tf.layers.averagePooling2d({ poolSize: 6, name: 'squeeze' }).apply(conv) as tf.SymbolicTensor;
    const logits = tf.layers.conv2d({ filters: 5, kernelSize: 1, name: 'logits' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.flatten().apply(logits) as tf.SymbolicTensor });
    assert.strictEqual(lastConvLayer(describeLayers(model)), 'features');
    model.dispose();

    const dense = tf.sequential({
      layers: [tf.layers.rescaling({ inputShape: [4, 4, 1], scale: 1 / 255 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
    });
    assert.strictEqual(lastConvLayer(describeLayers(dense)), null);
    dense.dispose();
  });
});
