/**
 * The visualization worker as the inspection panel uses it: a long filter-pattern run gives
 * way between filters, so a feature map asked for meanwhile does not wait for the whole set,
 * and closing the panel frees the model the worker kept (a run in flight then stops cleanly).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { workerScriptPath } from '../../src/core/worker/scriptPath';
import { VizClient } from '../../src/core/viz/vizClient';
import { trainedRun } from './inspectFixture';

describe('inspect through the visualization worker', function () {
  this.timeout(240000);
  let client: VizClient;
  let runDir: string;

  before(async () => {
    assert.ok(fs.existsSync(workerScriptPath('vizWorker')), `compile first: ${workerScriptPath('vizWorker')}`);
    runDir = (await trainedRun()).runDir;
    client = new VizClient();
    await client.inspectOpen(runDir);
  });
  after(() => client.dispose());

  const image = { kind: 'synthetic', index: 0 } as const;

  it('a feature map asked for during a filter run is answered between two filters, and the run goes on', async () => {
    const order: string[] = [];
    let firstPattern!: () => void;
    const started = new Promise<void>((resolve) => { firstPattern = resolve; });
    let patterns = 0;
    const filters = client.filters(runDir, { layer: 'conv2d_1', filters: [0, 1, 2, 3, 4, 5], steps: 150, seed: 1 }, {
      onPattern: () => { patterns++; firstPattern(); },
    }).then((r) => { order.push('filters'); return r; });
    await started;
    const activations = await client.activations(runDir, image, 'conv2d');
    order.push('activations');
    const { count } = await filters;
    assert.deepStrictEqual(order, ['activations', 'filters'], 'the feature map did not wait for the whole filter set');
    assert.strictEqual(count, 6);
    assert.strictEqual(patterns, 6);
    assert.ok(activations.channels.length > 0, 'the feature maps came back');
  });

  it('closing frees the kept model; a filter run in flight stops with one line; the next request loads it again', async () => {
    let firstPattern!: () => void;
    const started = new Promise<void>((resolve) => { firstPattern = resolve; });
    const filters = client.filters(runDir, { layer: 'conv2d_1', filters: [0, 1, 2, 3, 4, 5, 6, 7], steps: 150, seed: 2 }, { onPattern: () => firstPattern() });
    const stopped = assert.rejects(filters, (e: Error) => e.message.includes('the model was closed or another one opened') && !e.message.includes('\n'));
    await started;
    assert.strictEqual(await client.inspectClose(runDir), true);
    await stopped;
    assert.strictEqual(await client.inspectClose(runDir), false, 'nothing left to close');
    const prediction = await client.predict(runDir, image);
    assert.strictEqual(prediction.top.length > 0, true);
  });
});
