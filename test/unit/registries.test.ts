/**
 * The registries are the single source of truth: the data set catalog is what the quick
 * pick, the CLI and the preview offer, through one set of loaders (one MNIST reader); the
 * layer catalog is what the shape engine, the TF.js translation, the augmentation plan and
 * the arithmetic view know, with nothing in them the catalog lacks.
 */
import * as assert from 'assert';
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { addAugmentCommand } from '../../src/cli/augment';
import { addTrainCommand } from '../../src/cli/train';
import { AUGMENTATION_STEP_CLASSES } from '../../src/core/engine/augment/params';
import {
  DATASETS, INDEXED_SAMPLE_SOURCES, NAMED_DATASET_IDS, SAMPLE_SOURCES, isDatasetId, isNamedDatasetId, isSampleSourceId,
} from '../../src/core/engine/data/catalog';
import { describeDataset, loadDataset, loadSample } from '../../src/core/engine/data/registry';
import { MNIST_SHAPE } from '../../src/core/engine/data/mnist';
import { datasetArgument, parseDatasetSpec } from '../../src/core/engine/data/types';
import { TRANSLATORS } from '../../src/core/engine/tfjsTranslators';
import { AUGMENTATION_CLASSES, MERGE_CLASSES, MERGE_FUNCTIONS, allLayerClasses, layerClass, tfjsSupport } from '../../src/core/model/catalog';
import { LAYER_RULES } from '../../src/core/shapes/rules';
import { augmentProtocol } from '../../src/protocol/augment';
import { guard } from '../../src/protocol/define';
import { arithmeticConfig } from '../../src/panels/payload';
import { datasetPickItems } from '../../src/training/datasetPicks';

const isAugmentWebviewMessage = guard(augmentProtocol.toHost);

const ROOT = path.resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function optionHelp(command: Command, flag: string): string {
  const option = command.options.find((o) => o.long === flag);
  assert.ok(option, `no ${flag} option`);
  return option.description;
}

const io = { out: (): void => undefined, err: (): void => undefined };

describe('registries', () => {
  describe('data sets', () => {
    it('the quick pick offers exactly the catalog, in its order, and brings back the last folder', () => {
      const items = datasetPickItems(NAMED_DATASET_IDS[0]);
      assert.deepStrictEqual(items.map((i) => [i.label, i.description]), DATASETS.map((d) => [d.label, d.description]));
      // Named data sets carry their id; a data set chosen by path asks for one.
      assert.deepStrictEqual(items.map((i) => i.data), DATASETS.map((d) => ('path' in d ? undefined : d.id)));
      const withFolder = datasetPickItems('/data/cats-vs-dogs');
      assert.strictEqual(withFolder.length, DATASETS.length + 1);
      const last = withFolder.find((i) => i.data === '/data/cats-vs-dogs');
      assert.strictEqual(last?.label, 'Last folder: cats-vs-dogs');
      // The folder of the code's flow_from_directory is introduced as such.
      const fromCode = datasetPickItems('/data/cats_and_dogs_small', 'Folder of flow_from_directory in model.fit');
      assert.ok(fromCode.some((i) => i.label === 'Folder of flow_from_directory in model.fit: cats_and_dogs_small' && i.data === '/data/cats_and_dogs_small'));
    });

    it('the CLI names every data set in its help and parses what it names', () => {
      const train = addTrainCommand(new Command(), io);
      const dataHelp = optionHelp(train, '--data');
      for (const d of DATASETS) assert.ok(dataHelp.includes('path' in d ? d.path : `'${d.id}'`), `${d.id} missing from --data help: ${dataHelp}`);
      for (const id of NAMED_DATASET_IDS) {
        assert.deepStrictEqual(parseDatasetSpec(id), { kind: id });
        assert.strictEqual(datasetArgument(parseDatasetSpec(id)), id);
      }
      // Anything else is a folder, even one called like a kind that takes a path.
      for (const value of ['./images', 'folder']) assert.deepStrictEqual(parseDatasetSpec(value), { kind: 'folder', path: value });
      assert.ok(isDatasetId('folder') && !isNamedDatasetId('folder') && !isDatasetId('./images'));

      const augment = addAugmentCommand(new Command(), io);
      const imageHelp = optionHelp(augment, '--image');
      for (const source of INDEXED_SAMPLE_SOURCES) assert.ok(imageHelp.includes(`'${source}'`), `${source} missing from --image help: ${imageHelp}`);
      assert.match(imageHelp, /an image file/);
    });

    it('every preview sample source is one the augmentation protocol accepts', () => {
      assert.deepStrictEqual([...SAMPLE_SOURCES].sort(), [...new Set(DATASETS.map((d) => d.sample.source))].sort());
      for (const source of SAMPLE_SOURCES) {
        assert.ok(isSampleSourceId(source));
        assert.ok(isAugmentWebviewMessage({ type: 'sample', source }), `the protocol refuses '${source}'`);
      }
    });

    it('exactly one source file reads the MNIST digits, and none the mnist package (a build-time input)', () => {
      const sources = tsFiles(path.join(ROOT, 'src'));
      assert.deepStrictEqual(sources.filter((f) => /require\(\s*[`'"]mnist\b/.test(fs.readFileSync(f, 'utf8'))), []);
      const readers = sources.filter((f) => fs.readFileSync(f, 'utf8').includes('mnist.bin.gz'));
      assert.deepStrictEqual(readers.map((f) => path.relative(ROOT, f)), [path.join('src', 'core', 'engine', 'data', 'mnist.ts')]);
    });

    it('MNIST through the registry is the package digits, and the preview takes the same digit from it', async () => {
      const ds = await loadDataset({ kind: 'mnist' });
      assert.deepStrictEqual(describeDataset({ kind: 'mnist' }).fixedShape, MNIST_SHAPE);
      const pixels = 28 * 28;
      // Read the package directly here, not through src/, to compare against.
      const digit = (d: number): number[] => (JSON.parse(fs.readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data;
      for (const d of [0, 3, 9]) {
        const raw = digit(d);
        const at = ds.train.sources?.indexOf(`mnist:${d}/1`) ?? -1;
        assert.ok(at >= 0, `mnist:${d}/1 not in the training split`);
        assert.strictEqual(ds.train.y[at], d);
        assert.deepStrictEqual(Array.from(ds.train.x.subarray(at * pixels, (at + 1) * pixels)), Array.from(Float32Array.from(raw.slice(pixels, 2 * pixels))));
        // Preview index 10 + d: digit d, its sample 1.
        const sample = await loadSample({ kind: 'mnist', index: 10 + d }, [...MNIST_SHAPE]);
        assert.strictEqual(sample.label, `MNIST digit ${d} (#${10 + d})`);
        assert.deepStrictEqual(Array.from(sample.pixels), Array.from(ds.train.x.subarray(at * pixels, (at + 1) * pixels)));
      }
    });

    it('refuses a preview index that is not a whole number', async () => {
      await assert.rejects(loadSample({ kind: 'synthetic', index: -1 }, [8, 8, 1]), { name: 'DataError', message: /synthetic sample index must be a whole number/ });
    });
  });

  describe('layer classes', () => {
    const classes = allLayerClasses();

    it('every catalog class has a shape rule, or says why it cannot have one', () => {
      for (const info of classes) {
        if (info.opaque) assert.ok(!(info.className in LAYER_RULES) && info.opaque.length > 10, `${info.className}: opaque with a rule`);
        else assert.ok(info.className in LAYER_RULES, `${info.className} has no shape rule and no reason`);
      }
    });

    it('every catalog class has a TF.js translation, an identity stand-in, its own layer, or a written reason', () => {
      for (const info of classes) {
        const support = tfjsSupport(info);
        if (support === 'translated') assert.ok(info.className in TRANSLATORS, `${info.className} is marked translated but has no translator`);
        else {
          assert.ok(!(info.className in TRANSLATORS), `${info.className} has a translator but is marked ${JSON.stringify(support)}`);
          if (support === 'identity') assert.strictEqual(info.role, 'augmentation', `${info.className}: only augmentation stands in as an identity`);
          // ConvLens' own TF.js layers: only preprocess_input, built in engine/preprocessInput.ts.
          else if (support === 'custom') assert.strictEqual(info.className, 'PreprocessInput');
          else assert.ok(support.reason.length > 10, `${info.className}: no reason given`);
        }
      }
    });

    it('no shape rule or translator for a class the catalog lacks', () => {
      for (const name of [...Object.keys(LAYER_RULES), ...Object.keys(TRANSLATORS)]) {
        assert.strictEqual(layerClass(name)?.className, name, `${name} is not a catalog class`);
      }
    });

    it('augmentation, merge and arithmetic sets come from the catalog', () => {
      for (const name of AUGMENTATION_STEP_CLASSES) assert.ok(AUGMENTATION_CLASSES.has(name), `${name} is applied per batch but not an augmentation class`);
      assert.deepStrictEqual(new Set(Object.values(MERGE_FUNCTIONS)), MERGE_CLASSES);
      for (const info of classes) {
        const layer = { className: info.className, name: 'l', tfjsName: 'l', config: { kernel_size: 3 }, argRanges: {}, inbound: [], range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
        assert.strictEqual(arithmeticConfig(layer)?.op, info.arithmetic, info.className);
      }
    });
  });
});
