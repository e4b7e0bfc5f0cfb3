/**
 * A hidden folder beside the class folders (a notebook's .ipynb_checkpoints): Keras'
 * flow_from_directory counts it as a class (DirectoryIterator lists sorted(os.listdir(dir))
 * and keeps every directory), so a run on the code's iterator refuses it with the fix, while
 * a folder given without Keras' iterator keeps leaving hidden folders out.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFolder } from '../../src/core/engine/data/folder';
import { DataError, type KerasFolderLoad } from '../../src/core/engine/data/types';

const KERAS: KerasFolderLoad = { interpolation: 'nearest', validationInterpolation: 'nearest', followLinks: false };

describe('hidden class folders under flow_from_directory', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-hidden-'));
    for (const cls of ['cats', 'dogs', '.ipynb_checkpoints']) {
      fs.mkdirSync(path.join(root, cls));
      fs.writeFileSync(path.join(root, cls, 'a.png'), '');
    }
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('refuses, as Keras would find 3 classes where the user means 2', () => {
    assert.throws(() => listFolder(root, KERAS), (e: unknown) => e instanceof DataError &&
      e.message === `${path.join(root, '.ipynb_checkpoints')}: Keras' flow_from_directory takes this hidden folder as a class too (3 classes, not 2): delete it, or pass classes=[...]`);
  });

  it('follows classes=[...] when the code names the classes', () => {
    assert.deepStrictEqual(listFolder(root, { ...KERAS, classes: ['dogs', 'cats'] }).classNames, ['dogs', 'cats']);
  });

  it('leaves hidden folders out of a folder trained without Keras\' iterator', () => {
    assert.deepStrictEqual(listFolder(root).classNames, ['cats', 'dogs']);
  });
});
