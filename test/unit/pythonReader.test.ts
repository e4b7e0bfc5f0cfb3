/**
 * The Python reader: Keras model code in, ModelSpecs out, without running anything.
 * Each test reads a small program and checks the models, layers, configs, ranges and
 * diagnostics the reader reports.
 */
import * as assert from 'assert';
import type { LayerSpec, ModelSpec, ReadResult } from '../../src/core/model/spec';
import { LineIndex } from '../../src/core/source/python/ranges';
import { readPython } from '../../src/core/source/python/reader';
import { analyzeModel } from '../../src/core/shapes/analyze';

/** Joins lines so tests can state code with exact line numbers. */
function py(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

function only(result: ReadResult): ModelSpec {
  assert.strictEqual(result.models.length, 1, `expected one model, got ${result.models.map((m) => m.name).join(', ')}`);
  return result.models[0];
}

const classes = (m: ModelSpec): string[] => m.layers.map((l) => l.className);
const names = (m: ModelSpec): string[] => m.layers.map((l) => l.name);
const layer = (m: ModelSpec, name: string): LayerSpec => {
  const l = m.layers.find((x) => x.name === name);
  assert.ok(l, `no layer ${name} in ${names(m).join(', ')}`);
  return l;
};
const errors = (r: ReadResult) => r.diagnostics.filter((d) => d.severity === 'error');
const warnings = (r: ReadResult) => r.diagnostics.filter((d) => d.severity === 'warning');

describe('Python reader', () => {
  describe('Sequential models', () => {
    it('reads Sequential() with model.add() calls and their configs', () => {
      const m = only(readPython(py(
        'from keras import layers, models',
        'model = models.Sequential()',
        "model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(150, 150, 3)))",
        'model.add(layers.MaxPooling2D((2, 2)))',
        'model.add(layers.Flatten())',
        'model.add(layers.Dense(64 * 2, activation="relu"))',
      )));
      assert.strictEqual(m.name, 'model');
      assert.strictEqual(m.kerasName, 'sequential');
      assert.strictEqual(m.kind, 'sequential');
      assert.strictEqual(m.language, 'python');
      assert.deepStrictEqual(classes(m), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
      assert.deepStrictEqual(m.layers[0].config, { filters: 32, kernel_size: [3, 3], activation: 'relu', input_shape: [150, 150, 3] });
      assert.deepStrictEqual(m.layers[1].config, { pool_size: [2, 2] });
      assert.deepStrictEqual(m.layers[3].config, { units: 128, activation: 'relu' });
      assert.deepStrictEqual(m.inputShape, [150, 150, 3]);
      assert.deepStrictEqual(m.layers.map((l) => l.inbound), [[], [0], [1], [2]]);
    });

    it('reads a Sequential list with keras.Input and module constants', () => {
      const m = only(readPython(py(
        'import keras',
        'from keras import layers',
        'num_classes = 10',
        'input_shape = (28, 28, 1)',
        'model = keras.Sequential([',
        '    keras.Input(shape=input_shape),',
        '    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),',
        '    layers.MaxPooling2D(pool_size=(2, 2)),',
        '    layers.Flatten(),',
        '    layers.Dropout(0.5),',
        '    layers.Dense(num_classes, activation="softmax"),',
        '])',
      )));
      assert.deepStrictEqual(classes(m), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
      assert.deepStrictEqual(m.inputShape, [28, 28, 1]);
      assert.deepStrictEqual(m.layers[0].config, { filters: 32, kernel_size: [3, 3], activation: 'relu' });
      assert.strictEqual(m.layers[3].config.rate, 0.5);
      assert.strictEqual(m.layers[4].config.units, 10);
      assert.deepStrictEqual(names(m), ['conv2d', 'max_pooling2d', 'flatten', 'dropout', 'dense']);
    });

    it('gives the model constructor range and each layer construction range (1-based, end exclusive)', () => {
      const m = only(readPython(py(
        'from tensorflow import keras',
        'model = keras.Sequential()',
        'model.add(keras.layers.Dense(4, input_shape=(3,)))',
      )));
      assert.deepStrictEqual(m.range, { start: { line: 2, column: 9 }, end: { line: 2, column: 27 } });
      assert.deepStrictEqual(m.layers[0].range, { start: { line: 3, column: 11 }, end: { line: 3, column: 50 } });
      // Positional argument: its expression; keyword argument: `name=value`.
      assert.deepStrictEqual(m.layers[0].argRanges.units, { start: { line: 3, column: 30 }, end: { line: 3, column: 31 } });
      assert.deepStrictEqual(m.layers[0].argRanges.input_shape, { start: { line: 3, column: 33 }, end: { line: 3, column: 49 } });
    });

    it('reads model.build() as the input shape', () => {
      const m = only(readPython(py(
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(8)])',
        'model.build((None, 16))',
      )));
      assert.deepStrictEqual(m.inputShape, [16]);
    });

    it('reads the TF 2.3 spelling layers.experimental.preprocessing.* as the same layers', () => {
      const m = only(readPython(py(
        'import tensorflow as tf',
        'from tensorflow.keras import layers',
        'model = tf.keras.Sequential([',
        '    layers.experimental.preprocessing.Rescaling(1.0 / 255, input_shape=(8, 8, 3)),',
        '    layers.experimental.preprocessing.RandomFlip("horizontal"),',
        '])',
      )));
      assert.deepStrictEqual(classes(m), ['Rescaling', 'RandomFlip']);
      assert.strictEqual(analyzeModel(m).complete, true);
    });

    it('reads RandomBrightness (trained and previewed) as a known, shape-keeping layer without weights', () => {
      const result = readPython(py(
        'from keras import layers, models',
        'model = models.Sequential([',
        '    layers.Input(shape=(32, 32, 3)),',
        '    layers.RandomBrightness(0.2, value_range=(0, 1)),',
        '    layers.Conv2D(4, 3),',
        '])',
      ));
      const m = only(result);
      assert.deepStrictEqual(result.diagnostics, []);
      const bright = layer(m, 'random_brightness');
      assert.strictEqual(bright.unresolved, undefined);
      assert.deepStrictEqual(bright.config, { factor: 0.2, value_range: [0, 1] });
      const summary = analyzeModel(m);
      assert.strictEqual(summary.complete, true);
      assert.deepStrictEqual(summary.diagnostics, []);
      assert.deepStrictEqual(m.inputShape, [32, 32, 3]);
      assert.deepStrictEqual(summary.layers.map((l) => [l.className, l.outputShape, l.params]), [
        ['RandomBrightness', [null, 32, 32, 3], 0],
        ['Conv2D', [null, 30, 30, 4], (3 * 3 * 3 + 1) * 4],
      ]);
    });
  });

  describe('functional models', () => {
    it('reads a residual network built by a helper called in a loop', () => {
      const m = only(readPython(py(
        'import keras',
        'from keras import layers',
        'def conv_block(x, filters):',
        '    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)',
        '    x = layers.BatchNormalization()(x)',
        '    return x',
        'inputs = keras.Input(shape=(32, 32, 3))',
        'x = inputs',
        'for f in [32, 64, 128]:',
        '    x = conv_block(x, f)',
        '    residual = x',
        '    x = layers.add([x, residual])',
        'model = keras.Model(inputs=inputs, outputs=x)',
      )));
      assert.strictEqual(m.name, 'model');
      assert.strictEqual(m.kind, 'functional');
      assert.deepStrictEqual(names(m), [
        'input_layer', 'conv2d', 'batch_normalization', 'add',
        'conv2d_1', 'batch_normalization_1', 'add_1',
        'conv2d_2', 'batch_normalization_2', 'add_2',
      ]);
      assert.deepStrictEqual(m.layers.map((l) => l.config.filters).filter((f) => f !== undefined), [32, 64, 128]);
      // The add merges the block output with itself (residual = x).
      assert.deepStrictEqual(layer(m, 'add').inbound, [2, 2]);
      assert.deepStrictEqual(layer(m, 'conv2d_1').inbound, [3]);
      assert.deepStrictEqual(m.inputs, [0]);
      assert.deepStrictEqual(m.outputs, [9]);
      // A layer applied inside the helper points at the application in the helper.
      assert.strictEqual(layer(m, 'conv2d_2').range.start.line, 4);
    });

    it('connects a skip connection around two layers', () => {
      const m = only(readPython(py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'inputs = keras.Input(shape=(8, 8, 16))',
        'y = layers.Conv2D(16, 3, padding="same")(inputs)',
        'y = layers.Conv2D(16, 3, padding="same")(y)',
        'out = layers.Add()([inputs, y])',
        'net = keras.Model(inputs, out, name="resnet_block")',
      )));
      assert.strictEqual(m.name, 'net');
      assert.strictEqual(m.kerasName, 'resnet_block');
      assert.deepStrictEqual(classes(m), ['InputLayer', 'Conv2D', 'Conv2D', 'Add']);
      assert.deepStrictEqual(m.layers[3].inbound, [0, 2]);
      assert.deepStrictEqual(m.layers[0].config, { shape: [8, 8, 16] });
    });

    it('reads a model returned by a builder function and names it after the module variable', () => {
      const r = readPython(py(
        'import tensorflow as tf',
        'def build_model(units=64, classes=10):',
        '    inputs = tf.keras.Input(shape=(784,))',
        '    x = tf.keras.layers.Dense(units, activation="relu")(inputs)',
        '    outputs = tf.keras.layers.Dense(classes)(x)',
        '    model = tf.keras.Model(inputs=inputs, outputs=outputs)',
        '    return model',
        'classifier = build_model(classes=3)',
      ));
      const m = only(r);
      assert.strictEqual(m.name, 'classifier');
      assert.deepStrictEqual(m.layers.map((l) => l.config.units), [undefined, 64, 3]);
    });

    it('reads one model per builder call with fresh layers each time', () => {
      const r = readPython(py(
        'from keras import layers, models',
        'def make(n):',
        '    m = models.Sequential()',
        '    m.add(layers.Dense(n))',
        '    return m',
        'small = make(4)',
        'big = make(400)',
      ));
      assert.deepStrictEqual(r.models.map((m) => m.name), ['small', 'big']);
      assert.deepStrictEqual(r.models.map((m) => m.layers[0].name), ['dense', 'dense_1']);
      assert.deepStrictEqual(r.models.map((m) => m.layers[0].config.units), [4, 400]);
    });

    it('marks a shared layer applied twice', () => {
      const m = only(readPython(py(
        'import keras',
        'a = keras.Input((4,))',
        'b = keras.Input((4,))',
        'shared = keras.layers.Dense(2)',
        'out = keras.layers.concatenate([shared(a), shared(b)])',
        'model = keras.Model([a, b], out)',
      )));
      assert.deepStrictEqual(classes(m), ['InputLayer', 'InputLayer', 'Dense', 'Dense', 'Concatenate']);
      assert.strictEqual(m.layers[3].sharedWith, 2);
      assert.deepStrictEqual(m.inputs, [0, 1]);
    });
    it('reads a nested Sequential applied as a layer inside a residual loop (keras.io Xception-style)', () => {
      const r = readPython(py(
        'import keras',
        'from keras import layers',
        'augment = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])',
        'def make_model(input_shape, num_classes):',
        '    inputs = keras.Input(shape=input_shape)',
        '    x = augment(inputs)',
        '    x = layers.Conv2D(128, 3, strides=2, padding="same")(x)',
        '    previous = x',
        '    for size in [256, 512]:',
        '        x = layers.SeparableConv2D(size, 3, padding="same")(x)',
        '        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)',
        '        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous)',
        '        x = layers.add([x, residual])',
        '        previous = x',
        '    units = 1 if num_classes == 2 else num_classes',
        '    return keras.Model(inputs, layers.Dense(units)(x))',
        'image_size = (180, 180)',
        'model = make_model(input_shape=image_size + (3,), num_classes=2)',
      ));
      assert.deepStrictEqual(r.models.map((m) => m.name), ['augment', 'model']);
      const m = r.models[1];
      assert.deepStrictEqual(classes(m), ['InputLayer', 'Sequential', 'Conv2D', 'SeparableConv2D', 'MaxPooling2D', 'Conv2D', 'Add',
        'SeparableConv2D', 'MaxPooling2D', 'Conv2D', 'Add', 'Dense']);
      assert.deepStrictEqual(m.layers[0].config.shape, [180, 180, 3]);
      assert.deepStrictEqual(classes(m.layers[1].nested!), ['RandomFlip', 'RandomRotation']);
      // Both residual convs read the previous block's output; each add joins two branches.
      assert.deepStrictEqual(m.layers[5].inbound, [2]);
      assert.deepStrictEqual(m.layers[6].inbound, [4, 5]);
      assert.deepStrictEqual(m.layers[9].inbound, [6]);
      assert.strictEqual(m.layers[11].config.units, 1);
    });
  });

  describe('import spellings', () => {
    const spellings: [string, string[]][] = [
      ['keras', ['import keras', 'model = keras.Sequential([keras.layers.Dense(1)])']],
      ['tensorflow.keras', ['from tensorflow import keras', 'model = keras.Sequential([keras.layers.Dense(1)])']],
      ['tf.keras', ['import tensorflow as tf', 'model = tf.keras.Sequential([tf.keras.layers.Dense(1)])']],
      ['tf.keras.models', ['import tensorflow as tf', 'model = tf.keras.models.Sequential([tf.keras.layers.Dense(1)])']],
      ['from tensorflow.keras.layers import', ['from tensorflow.keras.models import Sequential', 'from tensorflow.keras.layers import Conv2D, Dense', 'model = Sequential([Dense(1)])']],
      ['import as', ['from tensorflow.keras import layers as L, models as M', 'model = M.Sequential([L.Dense(1)])']],
      ['star import', ['from keras.models import *', 'from keras.layers import *', 'model = Sequential([Dense(1)])']],
      ['keras.api', ['import keras.api as K', 'model = K.Sequential([K.layers.Dense(1)])']],
    ];
    for (const [label, lines] of spellings) {
      it(`reads ${label}`, () => {
        const m = only(readPython(py(...lines)));
        assert.strictEqual(m.name, 'model');
        assert.deepStrictEqual(classes(m), ['Dense']);
        assert.strictEqual(m.layers[0].config.units, 1);
      });
    }

    it('binds aliases from a star import (MaxPool2D) and merge functions', () => {
      const m = only(readPython(py(
        'from tensorflow.keras.layers import *',
        'from tensorflow.keras import Model',
        'i = Input((8, 8, 3))',
        'p = MaxPool2D()(i)',
        'model = Model(i, add([p, p]))',
      )));
      assert.deepStrictEqual(classes(m), ['InputLayer', 'MaxPooling2D', 'Add']);
    });

    it('reads tf.nn activations as their function name', () => {
      const m = only(readPython(py(
        'import tensorflow as tf',
        'model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation=tf.nn.relu)])',
      )));
      assert.strictEqual(m.layers[0].config.activation, 'relu');
    });
  });

  describe('Python evaluation', () => {
    it('evaluates arithmetic, tuples, slices and builtins in layer arguments', () => {
      const m = only(readPython(py(
        'import keras',
        'shape = (None, 32, 32, 3)',
        'base = 16',
        'model = keras.Sequential([',
        '    keras.Input(shape=shape[1:]),',
        '    keras.layers.Conv2D(base * 2 ** 2, shape[1] // 8, strides=(1,) * 2),',
        '    keras.layers.Conv2D(int(100 / 3), max(3, len(shape)), padding="same" if base > 8 else "valid"),',
        '    keras.layers.Dense(1_000 + 0x10 + abs(-1) + round(2.5) + min([7, 8])),',
        '    keras.layers.Dropout(1e-1 + 0.2),',
        '    keras.layers.Reshape(tuple(list(shape[:2])) + (-1,)),',
        '])',
      )));
      assert.deepStrictEqual(m.inputShape, [32, 32, 3]);
      assert.deepStrictEqual(m.layers[0].config, { filters: 64, kernel_size: 4, strides: [1, 1] });
      assert.deepStrictEqual(m.layers[1].config, { filters: 33, kernel_size: 4, padding: 'same' });
      assert.strictEqual(m.layers[2].config.units, 1000 + 16 + 1 + 2 + 7);
      assert.ok(Math.abs((m.layers[3].config.rate as number) - 0.3) < 1e-12);
      assert.deepStrictEqual(m.layers[4].config.target_shape, [null, 32, -1]);
    });

    it('reads 1./255 (trailing-dot floats) without a syntax error', () => {
      const r = readPython(py(
        'import keras',
        'model = keras.Sequential([keras.layers.Rescaling(1./255, offset=2.)])',
      ));
      assert.deepStrictEqual(errors(r), []);
      assert.deepStrictEqual(only(r).layers[0].config, { scale: 1 / 255, offset: 2 });
    });

    it('loops over range(), tuple lists with unpacking, and comprehensions', () => {
      const m = only(readPython(py(
        'from keras import layers, models',
        'model = models.Sequential()',
        'for f, k in [(32, 3), (64, 5)]:',
        '    model.add(layers.Conv2D(f, k))',
        'for i in range(1, 7, 2):',
        '    if i == 3:',
        '        continue',
        '    model.add(layers.Dense(i))',
        'for units in [u * 10 for u in range(5) if u % 2 == 0]:',
        '    if units > 20:',
        '        break',
        '    model.add(layers.Dense(units, name=f"dense_{units}"))',
      )));
      assert.deepStrictEqual(m.layers.map((l) => [l.className, l.config.filters ?? l.config.units]), [
        ['Conv2D', 32], ['Conv2D', 64], ['Dense', 1], ['Dense', 5], ['Dense', 0], ['Dense', 20],
      ]);
      assert.deepStrictEqual(m.layers[3].config.kernel_size, undefined);
      assert.deepStrictEqual(m.layers[1].config.kernel_size, 5);
      assert.deepStrictEqual(names(m).slice(4), ['dense_0', 'dense_20']);
    });

    it('builds layer lists with append, list repetition and concatenation', () => {
      const m = only(readPython(py(
        'import keras',
        'stack = []',
        'for n in (8, 16):',
        '    stack.append(keras.layers.Dense(n))',
        'stack += [keras.layers.Dropout(0.1)] * 2',
        'model = keras.Sequential([keras.layers.Flatten()] + stack)',
      )));
      assert.deepStrictEqual(classes(m), ['Flatten', 'Dense', 'Dense', 'Dropout', 'Dropout']);
      // `[layer] * 2` repeats the same layer object: the second is shared.
      assert.strictEqual(m.layers[4].sharedWith, 3);
    });

    it('follows if/elif/else on known values and keyword, default and *args parameters', () => {
      const m = only(readPython(py(
        'import keras',
        'def head(x, classes, *extra, dropout=None, **opts):',
        '    if dropout:',
        '        x = keras.layers.Dropout(dropout)(x)',
        '    if classes == 2:',
        '        act = "sigmoid"',
        '        classes = 1',
        '    elif classes > 2:',
        '        act = "softmax"',
        '    else:',
        '        act = None',
        '    return keras.layers.Dense(classes, activation=act, **opts)(x)',
        'inp = keras.Input((4,))',
        'model = keras.Model(inp, head(inp, 2, 1, 2, dropout=0.25, use_bias=False))',
      )));
      assert.deepStrictEqual(classes(m), ['InputLayer', 'Dropout', 'Dense']);
      assert.deepStrictEqual(m.layers[2].config, { units: 1, activation: 'sigmoid', use_bias: false });
    });

    it('runs the __main__ block, with/try bodies and global assignments', () => {
      const r = readPython(py(
        'import keras',
        'model = None',
        'def build():',
        '    global model',
        '    model = keras.Sequential([keras.layers.Dense(2)])',
        'if __name__ == "__main__":',
        '    with open("log.txt") as f:',
        '        try:',
        '            build()',
        '        except Exception:',
        '            pass',
      ));
      const m = only(r);
      assert.strictEqual(m.name, 'model');
      assert.deepStrictEqual(classes(m), ['Dense']);
    });

    it('takes the first branch of an unknown condition and says so', () => {
      const r = readPython(py(
        'import sys',
        'import keras',
        'if sys.argv[1] == "big":',
        '    units = 128',
        'else:',
        '    units = 8',
        'model = keras.Sequential([keras.layers.Dense(units)])',
      ));
      assert.strictEqual(only(r).layers[0].config.units, 128);
      const info = r.diagnostics.find((d) => d.severity === 'info');
      assert.ok(info, JSON.stringify(r.diagnostics));
      assert.ok(info.message.includes('first branch'), JSON.stringify(r.diagnostics));
      assert.strictEqual(info.range.start.line, 3);
    });

    it('takes the channels_last branch of K.image_data_format()', () => {
      const m = only(readPython(py(
        'from keras import backend as K',
        'from keras.models import Sequential',
        'from keras.layers import Conv2D',
        "if K.image_data_format() == 'channels_first':",
        '    input_shape = (1, 28, 28)',
        'else:',
        '    input_shape = (28, 28, 1)',
        'model = Sequential()',
        'model.add(Conv2D(32, kernel_size=(3, 3), input_shape=input_shape))',
      )));
      assert.deepStrictEqual(m.inputShape, [28, 28, 1]);
    });
  });

  describe('compile', () => {
    it('reads optimizer, learning rate, loss and metrics', () => {
      const m = only(readPython(py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'model = keras.Sequential([layers.Dense(1, activation="sigmoid")])',
        'model.compile(loss="binary_crossentropy",',
        '              optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),',
        '              metrics=["accuracy"])',
      )));
      assert.ok(m.compile);
      assert.strictEqual(m.compile.optimizer, 'rmsprop');
      assert.strictEqual(m.compile.learningRate, 1e-4);
      assert.strictEqual(m.compile.loss, 'binary_crossentropy');
      assert.deepStrictEqual(m.compile.metrics, ['accuracy']);
      assert.deepStrictEqual(m.compile.range.start, { line: 4, column: 1 });
      assert.deepStrictEqual(m.compile.range.end, { line: 6, column: 36 });
    });

    it('reads a loss object with from_logits and a string optimizer', () => {
      const m = only(readPython(py(
        'import tensorflow as tf',
        'model = tf.keras.Sequential([tf.keras.layers.Dense(10)])',
        "model.compile('adam', tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))",
      )));
      assert.strictEqual(m.compile?.optimizer, 'adam');
      assert.strictEqual(m.compile?.loss, 'sparse_categorical_crossentropy');
      assert.strictEqual(m.compile?.fromLogits, true);
    });
  });

  describe('what cannot be analysed', () => {
    it('turns an instance of a class that is not a Layer subclass into an unresolved layer', () => {
      const m = only(readPython(py(
        'import keras',
        'class Residual(Base):',
        '    def call(self, x):',
        '        return x',
        'inp = keras.Input((4,))',
        'out = keras.layers.Dense(2)(Residual()(inp))',
        'model = keras.Model(inp, out)',
      )));
      assert.deepStrictEqual(classes(m), ['InputLayer', 'Unknown', 'Dense']);
      assert.match(m.layers[1].unresolved ?? '', /custom class Residual/);
      assert.deepStrictEqual(m.layers[2].inbound, [1]);
    });

    it('marks a Lambda layer unresolved when its function cannot be followed', () => {
      const m = only(readPython(py(
        'from keras import layers, models',
        'import numpy as np',
        'model = models.Sequential([layers.Lambda(lambda t: np.fft.fft(t), input_shape=(4,)), layers.Dense(1)])',
      )));
      assert.deepStrictEqual(classes(m), ['Lambda', 'Dense']);
      assert.match(m.layers[0].unresolved ?? '', /Lambda/);
    });

    it('keeps the graph connected through tensor arithmetic and slicing', () => {
      const m = only(readPython(py(
        'import keras',
        'inp = keras.Input((4,))',
        'y = inp * 2 + inp',
        'z = keras.layers.Dense(1)(y[:, :2])',
        'model = keras.Model(inp, z)',
      )));
      assert.deepStrictEqual(classes(m), ['InputLayer', 'Unknown', 'Unknown', 'Unknown', 'Dense']);
      assert.deepStrictEqual(m.layers[2].inbound, [1, 0]);
      assert.ok(m.layers.slice(1, 4).every((l) => l.unresolved));
    });

    it('warns about a loop over a value it cannot know and goes on', () => {
      const r = readPython(py(
        'import keras',
        'import json',
        'cfg = json.load(open("cfg.json"))',
        'model = keras.Sequential()',
        'for units in cfg["layers"]:',
        '    model.add(keras.layers.Dense(units))',
        'model.add(keras.layers.Dense(1))',
      ));
      const w = warnings(r).find((d) => d.message.includes('loop is not evaluated'));
      assert.ok(w, JSON.stringify(r.diagnostics));
      assert.strictEqual(w.range.start.line, 5);
      assert.deepStrictEqual(classes(only(r)), ['Dense']);
    });

    it('lets user functions run as callables (lambda helpers)', () => {
      const m = only(readPython(py(
        'import keras',
        'double = lambda n: n * 2',
        'model = keras.Sequential([keras.layers.Dense(double(21))])',
      )));
      assert.strictEqual(m.layers[0].config.units, 42);
    });
  });

  describe('syntax errors', () => {
    it('reports one error per error region and still reads the models before it', () => {
      const r = readPython(py(
        'import keras',
        'first = keras.Sequential([keras.layers.Dense(3)])',
        'x = = 4',
        'second = keras.Sequential([keras.layers.Dense(5)])',
      ));
      const errs = errors(r);
      assert.strictEqual(errs.length, 1, JSON.stringify(errs));
      assert.match(errs[0].message, /^Python syntax error: unexpected "="/);
      assert.deepStrictEqual(errs[0].range.start, { line: 3, column: 5 });
      assert.deepStrictEqual(r.models.map((m) => m.name), ['first', 'second']);
      assert.strictEqual(r.models[1].layers[0].config.units, 5);
    });

    it('reports an unclosed call without throwing', () => {
      const r = readPython(py(
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(3)])',
        'model.add(keras.layers.Dense(4',
      ));
      assert.ok(errors(r).length >= 1);
      assert.ok(errors(r).every((d) => d.message.startsWith('Python syntax error')));
      assert.strictEqual(r.models[0].layers[0].config.units, 3);
    });

    it('survives garbage', () => {
      const r = readPython(')))(((::\n\tdef class\n@@ $ `\n\u0000\uffff');
      assert.strictEqual(r.language, 'python');
      assert.deepStrictEqual(r.models, []);
      assert.ok(errors(r).length >= 1);
    });
  });

  describe('caps', () => {
    const quick = (text: string): ReadResult => {
      const t0 = Date.now();
      const r = readPython(text);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
      return r;
    };

    it('stops `while True` and keeps reading after it', () => {
      const r = quick(py('import keras', 'while True:', '    n = 1', 'model = keras.Sequential()'));
      assert.ok(warnings(r).some((d) => /loop runs more than \d+ times/.test(d.message) && d.range.start.line === 2));
      assert.strictEqual(only(r).name, 'model');
    });

    it('stops `for i in range(10**12)` without building the range', () => {
      const r = quick(py('total = 0', 'for i in range(10**12):', '    total += i'));
      assert.ok(warnings(r).some((d) => /loop runs more than \d+ times/.test(d.message)));
    });

    it('does not allocate huge lists or strings', () => {
      const r = quick(py('a = [0] * 10**9', 'b = "x" * 10**9', 'c = list(range(10**10))'));
      assert.strictEqual(warnings(r).filter((d) => d.message.includes('evaluation stopped')).length, 3);
    });

    it('stops runaway recursion and exponential call trees', () => {
      const r = quick(py('def f(n):', '    return f(n + 1)', 'f(0)', 'def g():', '    g(); g()', 'g()'));
      assert.ok(warnings(r).some((d) => /nested more than \d+ deep/.test(d.message)));
      assert.ok(warnings(r).some((d) => d.message.includes('evaluation steps')));
    });

    it('stops deeply nested code', () => {
      const r = quick(`x = ${'-'.repeat(3000)}1\n`);
      assert.ok(warnings(r).some((d) => /nested more than \d+ levels/.test(d.message)));
    });
  });

  it('converts offsets to 1-based lines and columns across LF, CRLF and CR line ends', () => {
    const lines = new LineIndex('ab\ncd\r\nef\rg');
    assert.deepStrictEqual(lines.position(0), { line: 1, column: 1 });
    assert.deepStrictEqual(lines.position(2), { line: 1, column: 3 });
    assert.deepStrictEqual(lines.position(3), { line: 2, column: 1 });
    assert.deepStrictEqual(lines.position(7), { line: 3, column: 1 });
    assert.deepStrictEqual(lines.range(10, 11), { start: { line: 4, column: 1 }, end: { line: 4, column: 2 } });
  });

  it('reads a VGG16 definition in a few milliseconds', () => {
    const lines = ['import tensorflow as tf', 'from tensorflow.keras import layers, models', 'def VGG16(input_shape=(224, 224, 3), classes=1000):',
      '    img_input = layers.Input(shape=input_shape)', '    x = img_input'];
    for (const [block, filters, convs] of [[1, 64, 2], [2, 128, 2], [3, 256, 3], [4, 512, 3], [5, 512, 3]]) {
      for (let c = 1; c <= convs; c++) {
        lines.push(`    x = layers.Conv2D(${filters}, (3, 3), activation='relu', padding='same', name='block${block}_conv${c}')(x)`);
      }
      lines.push(`    x = layers.MaxPooling2D((2, 2), strides=(2, 2), name='block${block}_pool')(x)`);
    }
    lines.push('    x = layers.Flatten(name="flatten")(x)', '    x = layers.Dense(4096, activation="relu", name="fc1")(x)',
      '    x = layers.Dense(4096, activation="relu", name="fc2")(x)', '    x = layers.Dense(classes, activation="softmax", name="predictions")(x)',
      '    return models.Model(img_input, x, name="vgg16")', 'model = VGG16()');
    const text = py(...lines);
    readPython(text); // warm up
    const t0 = process.hrtime.bigint();
    const runs = 20;
    let m: ModelSpec | undefined;
    for (let i = 0; i < runs; i++) m = only(readPython(text));
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    assert.strictEqual(m?.layers.length, 23);
    assert.strictEqual(m?.layers[22].name, 'predictions');
    assert.ok(ms < 25, `${ms.toFixed(2)} ms per read`);
  });
});
