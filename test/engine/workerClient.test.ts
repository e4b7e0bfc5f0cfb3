/**
 * The worker runtime (src/core/worker/): WorkerClient against a tiny worker
 * (helpers/echoWorker.ts, tsc's out/test/helpers/echoWorker.js) that serves requests
 * with serve(): answers, progress, cancellation reaching the handler's signal, timeouts, the
 * one-at-a-time queue, crashes and exits as one-line rejections followed by a fresh worker,
 * stdout forwarding and dispose. Also the script lookup every worker shares.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { WorkerClient, WorkerFailedError } from '../../src/core/worker/client';
import { workerEnvVar, workerScriptPath } from '../../src/core/worker/scriptPath';
import workers from '../../src/core/worker/workers.json';
import { count, crash, echo, release, step, unsendable, waitForCancel, wrongAnswer } from '../helpers/echoProtocol';

const ECHO_WORKER = path.join(__dirname, '..', 'helpers', 'echoWorker.js');

/** A client of the echo worker whose output lines are collected, with a way to wait for one. */
function echoClient(timeoutMs?: number): { client: WorkerClient; lineSeen: (line: string) => Promise<void> } {
  const lines: string[] = [];
  const waiting: { line: string; resolve: () => void }[] = [];
  const client = new WorkerClient({
    name: 'vizWorker', label: 'echo worker', scriptPath: ECHO_WORKER, timeoutMs,
    onOutput: (line) => {
      lines.push(line);
      for (const w of waiting.filter((w) => w.line === line)) w.resolve();
    },
  });
  const lineSeen = (line: string): Promise<void> => (lines.includes(line) ? Promise.resolve() : new Promise((resolve) => waiting.push({ line, resolve })));
  return { client, lineSeen };
}

describe('worker runtime', function () {
  this.timeout(20000);
  let client: WorkerClient;
  let lineSeen: (line: string) => Promise<void>;
  beforeEach(() => ({ client, lineSeen } = echoClient()));
  afterEach(() => client.dispose());

  it('answers requests from one lazily started worker, with checked results', async () => {
    assert.deepStrictEqual(await client.request(echo, { text: 'hello' }), { text: 'hello' });
    assert.deepStrictEqual(await Promise.all([client.request(echo, { text: 'a' }), client.request(echo, { text: 'b' })]), [{ text: 'a' }, { text: 'b' }]);
    await assert.rejects(client.request(wrongAnswer, null), /the answer to 'wrongAnswer' is malformed/);
    await assert.rejects(client.request(echo, { text: 3 } as unknown as { text: string }), (e: Error) => e.name === 'ProtocolError' && e.message.includes('invalid parameters for \'echo\''));
  });

  it('relays progress before the answer', async () => {
    const seen: number[] = [];
    const n = await client.request(count, { n: 4 }, { onProgress: (i) => seen.push(i) });
    assert.strictEqual(n, 4);
    assert.deepStrictEqual(seen, [1, 2, 3, 4]);
  });

  it("a cancelled request rejects and aborts the handler's signal; the worker's stdout reaches onOutput", async () => {
    const controller = new AbortController();
    const pending = client.request(waitForCancel, { tag: 'one' }, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (e: Error) => e.name === 'CancelledError' && e.message.includes('\'waitForCancel\' was cancelled'));
    await lineSeen('aborted one');
    assert.deepStrictEqual(await client.request(echo, { text: 'still here' }), { text: 'still here' });
  });

  it('a request that outlives its timeout rejects, and its handler is aborted', async () => {
    const timed = echoClient(50);
    try {
      await assert.rejects(timed.client.request(waitForCancel, { tag: 'late' }), (e: Error) => e.name === 'RpcTimeoutError' && e.message.includes('\'waitForCancel\' got no response within 50 ms'));
      await timed.lineSeen('aborted late');
    } finally {
      timed.client.dispose();
    }
  });

  it('queued handlers run one at a time, and one cancelled while waiting never starts', async () => {
    const held = client.request(step, { tag: 'a', hold: true });
    const controller = new AbortController();
    const skipped = client.request(step, { tag: 'skipped', hold: false }, { signal: controller.signal });
    const next = client.request(step, { tag: 'b', hold: false });
    controller.abort();
    await assert.rejects(skipped, /cancelled/);
    await client.request(release, null);
    assert.deepStrictEqual(await held, []);
    assert.deepStrictEqual(await next, ['a'], "'b' started after 'a' finished, and 'skipped' never ran");
  });

  it('an answer a worker message cannot carry becomes an error, not a request that never ends', async () => {
    await assert.rejects(client.request(unsendable, null), /cannot send the answer to 'unsendable'/);
  });

  it('a crash rejects everything pending with one line, and the next request starts a fresh worker', async () => {
    const waiting = client.request(waitForCancel, { tag: 'orphan' });
    const crashing = client.request(crash, {});
    for (const p of [waiting, crashing]) {
      await assert.rejects(p, (e: Error) => e instanceof WorkerFailedError && e.failure === 'crashed' && e.message === 'the echo worker crashed: boom outside the handler');
    }
    assert.deepStrictEqual(await client.request(echo, { text: 'again' }), { text: 'again' });
    await assert.rejects(client.request(crash, { exitCode: 3 }), (e: Error) => e instanceof WorkerFailedError && e.exitCode === 3 && e.message.includes('the echo worker stopped (exit code 3) before answering \'crash\''));
    assert.deepStrictEqual(await client.request(echo, { text: 'and again' }), { text: 'and again' });
  });

  it('terminate() ends the worker at once: pending requests reject as exited, the client stays usable', async () => {
    const pending = client.request(waitForCancel, { tag: 'cut' });
    await client.request(echo, { text: 'started' });
    await client.terminate();
    await assert.rejects(pending, (e: Error) => e instanceof WorkerFailedError && e.failure === 'exited');
    assert.deepStrictEqual(await client.request(echo, { text: 'fresh' }), { text: 'fresh' });
  });

  it('dispose() rejects what is pending and refuses later requests', async () => {
    const pending = client.request(waitForCancel, { tag: 'disposed' });
    await client.request(echo, { text: 'started' });
    client.dispose();
    await assert.rejects(pending, /the echo worker's request 'waitForCancel' was cancelled: its client was disposed/);
    await assert.rejects(client.request(echo, { text: 'late' }), /the echo worker client was disposed; 'echo' was not sent/);
  });

  it('a missing script is a clear rejection naming the override', async () => {
    const missing = new WorkerClient({ name: 'trainWorker', label: 'training worker', scriptPath: path.join(__dirname, 'no-such-worker.js') });
    await assert.rejects(missing.request(echo, { text: 'x' }), (e: Error) => e instanceof WorkerFailedError && e.failure === 'missing' && /the training worker script is missing: .*no-such-worker\.js \(build the project, or set CONVLENS_TRAIN_WORKER\)/.test(e.message));
    missing.dispose();
  });

  describe('script lookup', () => {
    it('one environment variable per worker name', () => {
      assert.deepStrictEqual(Object.keys(workers).map((name) => workerEnvVar(name as keyof typeof workers)), ['CONVLENS_TRAIN_WORKER', 'CONVLENS_VIZ_WORKER']);
    });

    it("finds tsc's output of each entry when there is no bundle, and the variable overrides it", () => {
      for (const [name, entry] of Object.entries(workers) as [keyof typeof workers, string][]) {
        const found = workerScriptPath(name);
        assert.strictEqual(path.relative(path.resolve(__dirname, '../..'), found), entry.replace(/\.ts$/, '.js'));
        assert.ok(fs.existsSync(found), found);
      }
      const variable = workerEnvVar('vizWorker');
      const before = process.env[variable];
      process.env[variable] = '/elsewhere/viz.js';
      try {
        assert.strictEqual(workerScriptPath('vizWorker'), '/elsewhere/viz.js');
      } finally {
        if (before === undefined) delete process.env[variable];
        else process.env[variable] = before;
      }
    });
  });
});
