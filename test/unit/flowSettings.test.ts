/**
 * The code's Keras iterators held against the model, as Keras' fit() would: class_mode's labels
 * against the output and loss (Keras: 'binary' and 'sparse' give one number per image,
 * 'categorical' a one-hot row), and flow_from_directory's target_size × color_mode as the
 * folder's image shape.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCompatibility, type ModelIO } from '../../src/core/engine/data/validate';
import type { CompileSettings, LossName } from '../../src/core/engine/train/compile';
import { checkClassMode, describeTrainingData } from '../../src/core/engine/train/flowSettings';
import type { FlowSettings } from '../../src/core/engine/train/types';

const flow = (classMode: string, more: Partial<FlowSettings> = {}): FlowSettings => ({ label: 'train_generator = datagen.flow_from_directory(...), line 3', method: 'flow_from_directory', classMode, ...more });
const compiled = (loss: LossName): Pick<CompileSettings, 'loss' | 'source'> => ({ loss, source: { optimizer: 'code', learningRate: 'default', loss: 'code' } });
const byDefault = (loss: LossName): Pick<CompileSettings, 'loss' | 'source'> => ({ loss, source: { optimizer: 'default', learningRate: 'default', loss: 'default' } });

describe("class_mode against the model's output and loss", () => {
  it('accepts the pairings Keras trains', () => {
    checkClassMode(flow('binary'), compiled('binary_crossentropy'), 1); // Chollet 5.2
    checkClassMode(flow('binary'), compiled('sparse_categorical_crossentropy'), 2); // 0/1 as class ids
    checkClassMode(flow('categorical'), compiled('categorical_crossentropy'), 5);
    checkClassMode(flow('categorical'), compiled('binary_crossentropy'), 2); // one-hot rows, element-wise
    checkClassMode(flow('sparse'), compiled('sparse_categorical_crossentropy'), 5);
    checkClassMode(flow('sparse'), compiled('binary_crossentropy'), 1);
    // No loss in the code: ConvLens' default follows the output, only the output is held against the mode.
    checkClassMode(flow('sparse'), byDefault('categorical_crossentropy'), 3);
  });

  it('refuses the pairings Keras rejects or trains on mis-shaped labels, saying what to change', () => {
    const refuses = (f: FlowSettings, c: Pick<CompileSettings, 'loss' | 'source'>, units: number, message: RegExp): void => {
      assert.throws(() => checkClassMode(f, c, units), (e: Error) => e.name === 'DataError' && message.test(e.message) && !e.message.includes('\n'));
    };
    refuses(flow('binary'), compiled('categorical_crossentropy'), 2, /class_mode='binary' gives one 0\/1 label per image, but the model ends in 2 units with categorical_crossentropy: use class_mode='categorical'/);
    refuses(flow('binary'), byDefault('categorical_crossentropy'), 2, /class_mode='binary' .* but the model ends in 2 units: use class_mode='categorical'/);
    refuses(flow('binary'), compiled('categorical_crossentropy'), 1, /ends in 1 unit with categorical_crossentropy: compile with binary_crossentropy/);
    refuses(flow('categorical'), compiled('binary_crossentropy'), 1, /class_mode='categorical' gives one-hot labels \(one column per class\), but the model ends in 1 unit with binary_crossentropy: use class_mode='binary'/);
    refuses(flow('categorical'), compiled('sparse_categorical_crossentropy'), 4, /use class_mode='sparse', or compile with categorical_crossentropy/);
    refuses(flow('sparse'), compiled('categorical_crossentropy'), 4, /class_mode='sparse' gives one integer class label per image, but the model ends in 4 units with categorical_crossentropy/);
    refuses(flow('input'), compiled('mean_squared_error'), 4, /^train_generator = datagen\.flow_from_directory\(\.\.\.\), line 3: class_mode='input' gives no class labels/);
    refuses(flow('multi_output'), compiled('categorical_crossentropy'), 4, /class_mode='multi_output' is not one of Keras' class modes/);
  });
});

describe("flow_from_directory's target_size and color_mode as the folder's image shape", () => {
  const io: ModelIO = { inputShape: [150, 150, 3], outputUnits: 1, outputActivation: 'sigmoid', inputs: 1, outputs: 1, dialect: 'keras' };
  const generator = (more: Partial<FlowSettings>) => ({ name: 'datagen', config: {}, flow: flow('binary', more) });
  // A folder with one subfolder per class (describing it lists the files; nothing is decoded).
  let folder: { kind: 'folder'; path: string };
  before(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-flow-'));
    for (const cls of ['cats', 'dogs']) {
      fs.mkdirSync(path.join(root, cls));
      fs.writeFileSync(path.join(root, cls, '1.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));
    }
    folder = { kind: 'folder', path: root };
  });
  after(() => fs.rmSync(folder.path, { recursive: true, force: true }));

  it('loads a folder at target_size in color_mode; the model must take that shape', () => {
    const data = describeTrainingData({ data: folder, generator: generator({ targetSize: [150, 150], colorMode: 'rgb' }) });
    assert.deepStrictEqual(data.flow?.shape, [150, 150, 3]);
    // Keras' default color_mode is 'rgb'.
    assert.deepStrictEqual(describeTrainingData({ data: folder, generator: generator({ targetSize: [150, 150] }) }).flow?.shape, [150, 150, 3]);
    // A model with free height and width takes the flow's size.
    assert.deepStrictEqual(checkCompatibility({ ...io, inputShape: [null, null, 1] }, { ...data, flow: { label: 'gen', settings: "target_size=(40, 30), color_mode='grayscale'", shape: [40, 30, 1] } }), [40, 30, 1]);
    assert.throws(() => describeTrainingData({ data: folder, generator: generator({ targetSize: [8, 8], colorMode: 'hsv' }) }), /color_mode='hsv' is not one of Keras' 'grayscale', 'rgb', 'rgba'/);
  });

  it('leaves data that is not a folder, and flow(x, y), to their own shapes', () => {
    assert.strictEqual(describeTrainingData({ data: { kind: 'mnist' }, generator: generator({ targetSize: [150, 150] }) }).flow, undefined);
    assert.strictEqual(describeTrainingData({ data: folder, generator: { name: 'd', config: {}, flow: { label: 'd.flow(...), line 2', method: 'flow', batchSize: 8 } } }).flow, undefined);
  });

  it("counts the classes classes=[...] names, in its order, not the folder's subfolders", () => {
    assert.deepStrictEqual(describeTrainingData({ data: folder, generator: generator({ targetSize: [150, 150] }) }).classNames, ['cats', 'dogs']);
    const data = describeTrainingData({ data: folder, generator: generator({ targetSize: [150, 150], classes: ['dogs', 'cats', 'birds'] }) });
    assert.deepStrictEqual([data.numClasses, data.classNames], [3, ['dogs', 'cats', 'birds']]);
  });

  it('refuses rgba: ConvLens loads 1 or 3 channels', () => {
    const data = describeTrainingData({ data: folder, generator: generator({ targetSize: [150, 150], colorMode: 'rgba' }) });
    assert.throws(() => checkCompatibility({ ...io, inputShape: [150, 150, 4] }, data), /gives 150×150×4 images .*ConvLens loads images with 1 \(greyscale\) or 3 \(RGB\) channels/);
  });
});
