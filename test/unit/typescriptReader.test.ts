import * as assert from 'assert';
import type { ModelSpec, ReadResult } from '../../src/core/model/spec';
import { readTypeScript } from '../../src/core/source/typescript/reader';

const classNames = (m: ModelSpec): string[] => m.layers.map((l) => l.className);
const errors = (r: ReadResult) => r.diagnostics.filter((d) => d.severity === 'error');

describe('TypeScript reader', () => {
  describe('sequential models', () => {
    it('reads tf.sequential() + model.add with configs normalised to snake_case', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu'}));
model.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
`);
      assert.deepStrictEqual(errors(r), []);
      assert.strictEqual(r.language, 'typescript');
      assert.strictEqual(r.models.length, 1);
      const m = r.models[0];
      assert.strictEqual(m.name, 'model');
      assert.strictEqual(m.kind, 'sequential');
      assert.strictEqual(m.dialect, 'tfjs');
      assert.deepStrictEqual(classNames(m), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
      assert.deepStrictEqual(m.layers[0].config, { input_shape: [28, 28, 1], filters: 8, kernel_size: 5, activation: 'relu' });
      assert.deepStrictEqual(m.layers[1].config, { pool_size: [2, 2], strides: [2, 2] });
      assert.deepStrictEqual(m.inputShape, [28, 28, 1]);
      assert.deepStrictEqual(m.layers.map((l) => l.tfjsName), ['conv2d_Conv2D1', 'max_pooling2d_MaxPooling2D1', 'flatten_Flatten1', 'dense_Dense1']);
    });

    it('reads tf.sequential({layers: [...]}) with named imports', () => {
      const r = readTypeScript(`import {layers, sequential} from '@tensorflow/tfjs-node';
export const classifier = sequential({
  layers: [
    layers.dense({units: 64, inputShape: [784], activation: 'relu'}),
    layers.dropout({rate: 0.5}),
    layers.dense({units: 10}),
  ],
});`);
      assert.strictEqual(r.models.length, 1);
      assert.strictEqual(r.models[0].name, 'classifier');
      assert.deepStrictEqual(classNames(r.models[0]), ['Dense', 'Dropout', 'Dense']);
      assert.deepStrictEqual(r.models[0].layers[1].config, { rate: 0.5 });
    });

    it('reads compile(): optimizer, learning rate, loss and metrics', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.dense({units: 3, inputShape: [4]})]});
model.compile({optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy']});`);
      const c = r.models[0].compile;
      assert.ok(c);
      assert.strictEqual(c.optimizer, 'adam');
      assert.strictEqual(c.learningRate, 0.001);
      assert.strictEqual(c.loss, 'categorical_crossentropy');
      assert.deepStrictEqual(c.metrics, ['accuracy']);
      assert.deepStrictEqual(c.range.start, { line: 3, column: 1 });
    });
  });

  describe('functional models', () => {
    it('reads tf.model with a residual add and its inbound indices', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const input = tf.input({shape: [32, 32, 3]});
let x = tf.layers.conv2d({filters: 16, kernelSize: 3, padding: 'same'}).apply(input) as tf.SymbolicTensor;
const shortcut = x;
x = tf.layers.conv2d({filters: 16, kernelSize: 3, padding: 'same', activation: 'relu'}).apply(x) as tf.SymbolicTensor;
x = tf.layers.add().apply([x, shortcut]) as tf.SymbolicTensor;
x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
const output = tf.layers.dense({units: 10, activation: 'softmax'}).apply(x) as tf.SymbolicTensor;
const resnet = tf.model({inputs: input, outputs: output});
`);
      assert.deepStrictEqual(errors(r), []);
      assert.strictEqual(r.models.length, 1);
      const m = r.models[0];
      assert.strictEqual(m.name, 'resnet');
      assert.strictEqual(m.kind, 'functional');
      assert.deepStrictEqual(classNames(m), ['InputLayer', 'Conv2D', 'Conv2D', 'Add', 'GlobalAveragePooling2D', 'Dense']);
      assert.deepStrictEqual(m.layers.map((l) => l.inbound), [[], [0], [1], [2, 1], [3], [4]]);
      assert.deepStrictEqual(m.inputs, [0]);
      assert.deepStrictEqual(m.outputs, [5]);
      assert.deepStrictEqual(m.layers[0].config, { shape: [32, 32, 3] });
    });

    it('reads concatenate of two branches and shorthand {inputs, outputs}', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const inputs = tf.input({shape: [8]});
const a = tf.layers.dense({units: 4}).apply(inputs);
const b = tf.layers.dense({units: 6}).apply(inputs);
const outputs = tf.layers.concatenate().apply([a, b]);
const model = tf.model({inputs, outputs});`);
      const m = r.models[0];
      assert.deepStrictEqual(classNames(m), ['InputLayer', 'Dense', 'Dense', 'Concatenate']);
      assert.deepStrictEqual(m.layers[3].inbound, [1, 2]);
    });
  });

  describe('the interpreter', () => {
    it('follows constants, arithmetic, Math and template strings', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const IMAGE_SIZE = 28;
const BASE = 2 ** 3;
const half = Math.floor(IMAGE_SIZE / 3);
const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: BASE * 4, kernelSize: half % 5, name: \`conv_\${BASE}\`}));
model.add(tf.layers.dense({units: Math.max(3, BASE) + 1, useBias: !false}));`);
      const [conv, dense] = r.models[0].layers;
      assert.deepStrictEqual(conv.config, { input_shape: [28, 28, 1], filters: 32, kernel_size: 4, name: 'conv_8' });
      assert.strictEqual(conv.name, 'conv_8');
      assert.deepStrictEqual(dense.config, { units: 9, use_bias: true });
    });

    it('follows for-of loops (with destructuring), classic for loops and helper functions', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
function convBlock(model: tf.Sequential, filters: number, kernel = 3): void {
  model.add(tf.layers.conv2d({filters, kernelSize: kernel, padding: 'same'}));
  model.add(tf.layers.maxPooling2d({poolSize: 2}));
}
const model = tf.sequential();
model.add(tf.layers.inputLayer({inputShape: [64, 64, 3]}));
for (const [f, k] of [[32, 3], [64, 5]]) {
  convBlock(model, f, k);
}
for (let i = 0; i < 2; i++) {
  model.add(tf.layers.dense({units: 16 * (i + 1)}));
}
const widths = [8, 4];
widths.forEach((w) => model.add(tf.layers.dense({units: w})));
`);
      const m = r.models[0];
      assert.deepStrictEqual(classNames(m), ['InputLayer', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Dense', 'Dense', 'Dense', 'Dense']);
      assert.deepStrictEqual(m.layers.slice(1).filter((l) => l.className === 'Conv2D').map((l) => [l.config.filters, l.config.kernel_size]), [[32, 3], [64, 5]]);
      assert.deepStrictEqual(m.layers.slice(5).map((l) => l.config.units), [16, 32, 8, 4]);
      // Each call creates new layers, with TF.js' own numbering.
      assert.deepStrictEqual(m.layers.filter((l) => l.className === 'Conv2D').map((l) => l.tfjsName), ['conv2d_Conv2D1', 'conv2d_Conv2D2']);
    });

    it('follows a functional helper with an object parameter, if/else and a returned model', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const block = (x: tf.SymbolicTensor, {filters, pool = true}: {filters: number; pool?: boolean}) => {
  let y = tf.layers.conv2d({filters, kernelSize: 3}).apply(x) as tf.SymbolicTensor;
  if (pool) {
    y = tf.layers.maxPooling2d({poolSize: 2}).apply(y) as tf.SymbolicTensor;
  } else {
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  }
  return y;
};
export async function buildModel(): Promise<tf.LayersModel> {
  const input = tf.input({shape: [32, 32, 3]});
  let x = input;
  for (const filters of [16, 32]) x = block(x, {filters, pool: filters < 32});
  const net = tf.model({inputs: input, outputs: await x});
  return net;
}
const model = buildModel();`);
      assert.strictEqual(r.models.length, 1);
      const m = r.models[0];
      assert.strictEqual(m.name, 'model');
      assert.deepStrictEqual(classNames(m), ['InputLayer', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'BatchNormalization']);
      assert.deepStrictEqual(m.layers[3].config, { filters: 32, kernel_size: 3 });
    });

    it('follows enums, object lookups, switch, labelled loops and try/finally', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
enum Width { Narrow = 8, Wide = Narrow * 4, Wider }
const sizes: Record<string, number> = {small: 2, 3: 5};
const model = tf.sequential();
model.add(tf.layers.dense({units: Width.Wider, inputShape: [sizes['small'] + sizes[3]]}));
switch (sizes.small) {
  case 1: model.add(tf.layers.dense({units: 1})); break;
  case 2: model.add(tf.layers.dense({units: 2}));
  default: model.add(tf.layers.dense({units: 3}));
}
outer: for (const i of [1, 2, 3]) {
  for (const j of [1, 2]) {
    if (j === 2) continue outer;
    if (i === 3) break outer;
    model.add(tf.layers.dropout({rate: i / 10}));
  }
}
try { model.add(tf.layers.flatten()); throw new Error('stop'); } catch { model.add(tf.layers.dense({units: 4})); } finally { model.add(tf.layers.dense({units: 5})); }`);
      const m = r.models[0];
      assert.deepStrictEqual(m.layers[0].config, { units: 33, input_shape: [7] });
      assert.deepStrictEqual(m.layers.slice(1).map((l) => l.config.units ?? l.config.rate ?? l.className),
        [2, 3, 0.1, 0.2, 'Flatten', 4, 5]);
    });

    it('follows arr.map, slice, concat, spread and .length', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const units = [128, 64, 32, 16];
const hidden = units.slice(0, 2).map((u) => tf.layers.dense({units: u, activation: 'relu'}));
const all = [tf.layers.flatten({inputShape: [4, 4]}), ...hidden].concat([tf.layers.dense({units: units.length})]);
const model = tf.sequential({layers: all});`);
      const m = r.models[0];
      assert.deepStrictEqual(classNames(m), ['Flatten', 'Dense', 'Dense', 'Dense']);
      assert.deepStrictEqual(m.layers.map((l) => l.config.units ?? null), [null, 128, 64, 4]);
    });

    it('reads a module-level model-building function the file never calls', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
function convBlock(model, filters) { model.add(tf.layers.conv2d({filters, kernelSize: 3})); }
export function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({inputShape: [28, 28, 1]}));
  convBlock(model, 4);
  return model;
}`);
      assert.strictEqual(r.models.length, 1);
      assert.strictEqual(r.models[0].name, 'model');
      assert.deepStrictEqual(classNames(r.models[0]), ['InputLayer', 'Conv2D']);
      assert.strictEqual(r.models[0].layers[1].tfjsName, 'conv2d_Conv2D1');
    });

    it('evaluates an uncalled entry point once, not also the model function it calls', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
function createModel(units = 8) {
  const net = tf.sequential();
  net.add(tf.layers.dense({units, inputShape: [4]}));
  return net;
}
async function train(model: tf.Sequential, data: unknown) { await model.fit(data as any, data as any, {epochs: 3}); }
async function run() {
  const model = createModel();
  model.compile({optimizer: 'adam', loss: 'meanSquaredError'});
  await train(model, null);
}
document.addEventListener('DOMContentLoaded', run);`);
      assert.strictEqual(r.models.length, 1);
      assert.strictEqual(r.models[0].name, 'net');
      assert.deepStrictEqual(r.models[0].layers[0].config, { units: 8, input_shape: [4] });
      assert.strictEqual(r.models[0].compile?.loss, 'mean_squared_error');
    });

    it('names a model after its module-level variable rather than the variable inside a function', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
function make() { const m = tf.sequential(); m.add(tf.layers.dense({units: 1, inputShape: [2]})); return m; }
const first = make();
const second = make();`);
      assert.deepStrictEqual(r.models.map((m) => m.name), ['first', 'second']);
      assert.deepStrictEqual(r.models.map((m) => m.kerasName), ['sequential', 'sequential_1']);
    });
  });

  describe('JavaScript', () => {
    it('reads CommonJS require() and destructured require()', () => {
      const r = readTypeScript(`const tf = require('@tensorflow/tfjs-node');
const { layers } = require('@tensorflow/tfjs');
var model = tf.sequential();
model.add(layers.dense({ units: 32, inputShape: [10] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
module.exports = { model };`, 'model.js');
      assert.deepStrictEqual(errors(r), []);
      assert.strictEqual(r.models.length, 1);
      assert.strictEqual(r.models[0].name, 'model');
      assert.deepStrictEqual(classNames(r.models[0]), ['Dense', 'Dense']);
      assert.strictEqual(r.models[0].compile?.optimizer, 'sgd');
      assert.strictEqual(r.models[0].compile?.loss, 'binary_crossentropy');
    });

    it('parses JSX files and ignores imports of other modules', () => {
      const r = readTypeScript(`import React from 'react';
import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.dense({units: 2, inputShape: [3]})]});
export const View = () => <div>{model.name}</div>;`, 'View.jsx');
      assert.deepStrictEqual(errors(r), []);
      assert.deepStrictEqual(classNames(r.models[0]), ['Dense']);
    });
  });

  describe('ranges', () => {
    it('gives 1-based ranges of the model call and of each layer call and argument', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(
  tf.layers.dense({units: 10, inputShape: [5]}));
`);
      const m = r.models[0];
      assert.deepStrictEqual(m.range, { start: { line: 3, column: 15 }, end: { line: 3, column: 30 } });
      const dense = m.layers[0];
      assert.deepStrictEqual(dense.range, { start: { line: 5, column: 3 }, end: { line: 5, column: 48 } });
      assert.deepStrictEqual(dense.argRanges.units, { start: { line: 5, column: 27 }, end: { line: 5, column: 29 } });
      assert.deepStrictEqual(dense.argRanges.input_shape, { start: { line: 5, column: 43 }, end: { line: 5, column: 46 } });
    });

    it('gives a functional layer the range of the whole apply() call', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const i = tf.input({shape: [4]});
const o = tf.layers.dense({units: 1}).apply(i) as tf.SymbolicTensor;
const m = tf.model({inputs: i, outputs: o});`);
      const dense = r.models[0].layers[1];
      assert.deepStrictEqual(dense.range, { start: { line: 3, column: 11 }, end: { line: 3, column: 47 } });
      assert.deepStrictEqual(r.models[0].layers[0].range.start, { line: 2, column: 11 });
    });
  });

  describe('robustness', () => {
    it('reports syntax errors and still reads the models that parsed', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({units: 4, inputShape: [2]}));
const broken = (1 + ;
`);
      const errs = errors(r);
      assert.strictEqual(errs.length, 1);
      assert.strictEqual(errs[0].message, 'Expression expected.');
      assert.deepStrictEqual(errs[0].range.start, { line: 4, column: 21 });
      assert.strictEqual(r.models.length, 1);
      assert.deepStrictEqual(classNames(r.models[0]), ['Dense']);
    });

    it('stops infinite and huge loops quickly with a warning', () => {
      for (const code of ['while (true) {}', 'for (let i = 0; i < 1e12; i++) {}', 'let n = 0; do { n++; } while (n > 0);', 'for (;;) { continue; }']) {
        const started = Date.now();
        const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({layers: [tf.layers.dense({units: 1, inputShape: [1]})]});
${code}`);
        assert.ok(Date.now() - started < 2000, `${code} took too long`);
        assert.ok(r.diagnostics.some((d) => d.severity === 'warning' && d.message.startsWith('evaluation stopped: loop runs more than')), code);
        assert.strictEqual(r.models.length, 1, code);
      }
    });

    it('stops unbounded recursion and step explosions without throwing', () => {
      const r1 = readTypeScript('function f(n) { return f(n + 1); }\nconst x = f(0);');
      assert.ok(r1.diagnostics.some((d) => d.message.includes('calls nested more than')));
      const started = Date.now();
      const r2 = readTypeScript('for (let i = 0; i < 1e9; i++) { for (let j = 0; j < 1e9; j++) { const k = i * j; } }');
      assert.ok(Date.now() - started < 3000);
      assert.ok(r2.diagnostics.some((d) => d.message.startsWith('evaluation stopped')));
      const r3 = readTypeScript('let a = [1]; for (let i = 0; i < 100; i++) { a = [...a, ...a]; }\nlet s = "x"; for (let i = 0; i < 100; i++) { s = s + s; }');
      assert.ok(r3.diagnostics.some((d) => d.message.includes('array longer than')));
    });

    it('never throws on odd input', () => {
      const inputs = ['', '(((((', '}'.repeat(50), '['.repeat(5000), 'a'.repeat(10) + '+1'.repeat(20000), 'class A extends tf.layers.Layer { call() {} }\nnew A();',
        'const {a: [b, ...c] = [1, 2], ...d} = {e: 1}; b.c.d(); x[y] = z; label: for (const q in {a: 1}) { break label; }',
        'switch (1) { case 1: tf.layers.dense(); default: break; }', 'const tf = require("@tensorflow/tfjs"); tf.layers.conv2d(...undefined); tf.sequential(42);'];
      for (const text of inputs) {
        const r = readTypeScript(text, 'odd.ts');
        assert.ok(Array.isArray(r.models) && Array.isArray(r.diagnostics), text.slice(0, 20));
      }
    });

    it('takes the then-branch of an unknown condition and says so', () => {
      const r = readTypeScript(`import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
if (process.env.BIG) model.add(tf.layers.dense({units: 100, inputShape: [3]}));
else model.add(tf.layers.dense({units: 1, inputShape: [3]}));
if (!model) throw new Error('no model');`);
      assert.deepStrictEqual(r.models[0].layers.map((l) => l.config.units), [100]);
      const infos = r.diagnostics.filter((d) => d.severity === 'info');
      assert.deepStrictEqual(infos.map((d) => d.range.start.line), [3]);
    });
  });

  it('reads a VGG16-sized file quickly once typescript is loaded', () => {
    const blocks = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
    const lines = ["import * as tf from '@tensorflow/tfjs';", 'const model = tf.sequential();', "model.add(tf.layers.inputLayer({inputShape: [224, 224, 3]}));"];
    for (const [filters, n] of blocks) {
      for (let i = 0; i < n; i++) lines.push(`model.add(tf.layers.conv2d({filters: ${filters}, kernelSize: 3, padding: 'same', activation: 'relu'}));`);
      lines.push('model.add(tf.layers.maxPooling2d({poolSize: 2, strides: 2}));');
    }
    lines.push('model.add(tf.layers.flatten());', "model.add(tf.layers.dense({units: 4096, activation: 'relu'}));",
      "model.add(tf.layers.dense({units: 4096, activation: 'relu'}));", "model.add(tf.layers.dense({units: 1000, activation: 'softmax'}));");
    const text = lines.join('\n');
    readTypeScript(text); // warm up
    const started = process.hrtime.bigint();
    const r = readTypeScript(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.strictEqual(r.models[0].layers.length, 1 + 13 + 5 + 4);
    assert.ok(ms < 50, `took ${ms} ms`);
  });
});
