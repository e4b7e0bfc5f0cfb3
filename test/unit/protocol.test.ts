/**
 * The protocols and the RPC under every page and worker: the guards derived from the
 * declared messages reject malformed ones to the full depth of their schemas, and the RPC
 * checks parameters and results, streams progress, cancels, and never leaks a pending entry
 * (response, timeout, cancel and dispose all delete it).
 */
import * as assert from 'assert';
import * as v from 'valibot';
import { guard, request } from '../../src/protocol/define';
import { DEFAULT_RPC_TIMEOUT_MS, isRpcMessage, Rpc, RpcCancelledError, RpcTimeoutError, type RpcMessage } from '../../src/protocol/rpc';
import { summaryProtocol } from '../../src/protocol/summary';
import { testRequests } from '../../src/protocol/testHooks';

const range = { start: { line: 3, column: 1 }, end: { line: 3, column: 20 } };
const isWebviewMessage = guard(summaryProtocol.toHost);
const isHostMessage = guard(summaryProtocol.toWebview);
const isSummaryState = guard(summaryProtocol.state);
const isWhatIfParams = guard(summaryProtocol.requests.whatIf.params);

/** A request for these tests: a number in, its square out, with progress notes. */
const square = request('square', v.object({ n: v.number() }), v.number(), v.string());

/** Two Rpc ends wired to each other through queues, like a webview and its host. */
function pair(timeoutMs = 50) {
  const toB: RpcMessage[] = [];
  const toA: RpcMessage[] = [];
  const a = new Rpc((m) => toB.push(m), { timeoutMs });
  const b = new Rpc((m) => toA.push(m), { timeoutMs });
  const pump = async () => {
    for (let i = 0; i < 10 && (toA.length || toB.length); i++) {
      while (toB.length) b.handle(toB.shift());
      while (toA.length) a.handle(toA.shift());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { a, b, toA, toB, pump };
}

describe('protocol guards', () => {
  it('accepts well-formed webview messages and rejects malformed ones', () => {
    assert.ok(isWebviewMessage({ type: 'ready' }));
    assert.ok(isWebviewMessage({ type: 'reveal', range }));
    assert.ok(isWebviewMessage({ type: 'selectModel', name: 'model' }));
    for (const bad of [null, 42, 'ready', [], {}, { type: 'nope' }, { type: 'reveal' }, { type: 'reveal', range: { start: { line: 0, column: 1 }, end: range.end } },
      { type: 'reveal', range: { start: { line: 1.5, column: 1 }, end: range.end } }, { type: 'selectModel', name: 3 }]) {
      assert.strictEqual(isWebviewMessage(bad), false, JSON.stringify(bad));
    }
  });

  it('checks host messages, what-if sizes and saved state', () => {
    assert.ok(isHostMessage({ type: 'empty', reason: 'no model' }));
    assert.ok(isHostMessage({ type: 'focus', view: 'arithmetic', layerIndex: 2 }));
    assert.ok(isHostMessage({ type: 'focus', view: 'graph', layerIndex: 0 }));
    assert.strictEqual(isHostMessage({ type: 'focus', view: 'diagram' }), false);
    assert.strictEqual(isHostMessage({ type: 'model', payload: { uri: 'file:///a.py' } }), false);
    assert.ok(isWhatIfParams({ height: 64, width: 32 }));
    for (const bad of [{ height: 0, width: 3 }, { height: 2.5, width: 3 }, { height: 1e9, width: 3 }, { height: '64', width: 64 }, null]) {
      assert.strictEqual(isWhatIfParams(bad), false, JSON.stringify(bad));
    }
    assert.ok(isSummaryState({ uri: 'file:///a.py', modelName: 'model' }));
    assert.strictEqual(isSummaryState({ uri: 'file:///a.py' }), false);
  });

  it('checks a model payload to its layers, not only its top level', () => {
    const layer = {
      index: 0, name: 'conv2d', tfjsName: 'conv2d_Conv2D1', className: 'Conv2D', outputShape: [null, 26, 26, 32], params: 320, trainableParams: 320, nonTrainableParams: 0,
      formulas: { params: '(3·3·1 + 1)·32 = 320', shape: [] }, formula: '(3·3·1 + 1)·32 = 320', inbound: [], range,
    };
    const model = {
      name: 'model', kerasName: 'sequential', kind: 'sequential', range, inputShapes: [[null, 28, 28, 1]], layers: [layer],
      totalParams: 320, trainableParams: 320, nonTrainableParams: 0, sizeBytes: 1280, complete: true, diagnostics: [],
    };
    const payload = { uri: 'file:///a.py', fileName: 'a.py', modelNames: ['model'], model, arithmetic: {}, diagnostics: [] };
    assert.ok(isHostMessage({ type: 'model', payload }));
    assert.ok(isHostMessage({ type: 'model', payload: { ...payload, model: { ...model, layers: [{ ...layer, nested: model }] } } }), 'a nested model is checked recursively');
    assert.strictEqual(isHostMessage({ type: 'model', payload: { ...payload, model: { ...model, layers: [{ ...layer, params: '320' }] } } }), false);
    assert.strictEqual(isHostMessage({ type: 'model', payload: { ...payload, model: { ...model, layers: [{ ...layer, nested: { name: 'x' } }] } } }), false);
    assert.strictEqual(isHostMessage({ type: 'model', payload: { ...payload, diagnostics: [{ severity: 'fatal', message: 'x', line: 1 }] } }), false);
  });

  it('knows RPC envelopes', () => {
    assert.ok(isRpcMessage({ type: 'request', id: 1, method: 'whatIf', params: {} }));
    assert.strictEqual(isRpcMessage({ type: 'request', id: -1, method: 'whatIf' }), false);
    assert.strictEqual(isRpcMessage({ type: 'request', id: 1, method: '' }), false);
    assert.strictEqual(isRpcMessage({ type: 'request', id: '1', method: 'x' }), false);
    assert.ok(isRpcMessage({ type: 'response', id: 1, result: 3 }));
    assert.strictEqual(isRpcMessage({ type: 'response', id: 1, error: 42 }), false);
    assert.ok(isRpcMessage({ type: 'cancel', id: 4 }));
    assert.ok(isRpcMessage({ type: 'progress', id: 4, data: 'half' }));
  });
});

describe('Rpc', () => {
  it('resolves a request with the other side\'s handler result and deletes the entry', async () => {
    const { a, b, pump } = pair();
    b.on(testRequests.query, ({ selectors }) => Object.fromEntries(selectors.map((s) => [s, `text of ${s}`])));
    const p = a.request(testRequests.query, { selectors: ['#total-params'] });
    assert.strictEqual(a.pendingCount, 1);
    await pump();
    assert.deepStrictEqual(await p, { '#total-params': 'text of #total-params' });
    assert.strictEqual(a.pendingCount, 0);
  });

  it('passes handler errors back as rejections with their class name, and reports a missing handler', async () => {
    const { a, b, pump } = pair();
    b.on(testRequests.click, () => {
      const e = new Error('nothing to click');
      e.name = 'DataError';
      throw e;
    });
    const clicked = assert.rejects(a.request(testRequests.click, { selector: '#x' }), (e: Error) => e.message.includes('nothing to click') && e.name === 'DataError');
    const missing = assert.rejects(a.request(square, { n: 2 }), /no handler for request 'square'/);
    await pump();
    await Promise.all([clicked, missing]);
    assert.strictEqual(a.pendingCount, 0);
  });

  it('checks parameters before the handler runs, and results before the caller sees them', async () => {
    const { a, b, pump } = pair();
    let calls = 0;
    b.on(square, ({ n }) => { calls++; return n === 3 ? ('nine' as unknown as number) : n * n; });
    const badParams = assert.rejects(a.request(square, { n: 'two' } as unknown as { n: number }), /invalid parameters for 'square' \(n: /);
    const badResult = assert.rejects(a.request(square, { n: 3 }), /answer to 'square' is malformed/);
    const good = a.request(square, { n: 4 });
    await pump();
    await Promise.all([badParams, badResult]);
    assert.strictEqual(await good, 16);
    assert.strictEqual(calls, 2, 'the handler never saw the malformed parameters');
  });

  it('streams progress before the answer', async () => {
    const { a, b, pump } = pair();
    b.on(square, ({ n }, { progress }) => {
      progress('started');
      progress('halfway');
      return n * n;
    });
    const seen: string[] = [];
    const p = a.request(square, { n: 5 }, { onProgress: (note) => seen.push(note) });
    await pump();
    assert.strictEqual(await p, 25);
    assert.deepStrictEqual(seen, ['started', 'halfway']);
  });

  it('cancels: the caller rejects at once, the handler\'s signal aborts, its late answer is dropped', async () => {
    const { a, b, toA, pump } = pair(0);
    let handlerSignal: AbortSignal | undefined;
    let finish!: () => void;
    b.on(square, ({ n }, { signal }) => {
      handlerSignal = signal;
      return new Promise<number>((resolve) => { finish = () => resolve(n * n); });
    });
    const controller = new AbortController();
    const p = a.request(square, { n: 6 }, { signal: controller.signal });
    await pump();
    assert.strictEqual(handlerSignal?.aborted, false);
    controller.abort();
    await assert.rejects(p, (e: unknown) => e instanceof RpcCancelledError && e.name === 'CancelledError');
    assert.strictEqual(a.pendingCount, 0);
    await pump();
    assert.strictEqual(handlerSignal?.aborted, true, 'the cancel reached the handler');
    finish();
    await pump();
    assert.strictEqual(toA.length, 0, 'no answer is sent for a cancelled request');
    await assert.rejects(a.request(square, { n: 1 }, { signal: controller.signal }), RpcCancelledError, 'an aborted signal rejects without sending');
  });

  it('times out with a clear error, removes the pending entry and tells the other side to stop', async () => {
    const sent: RpcMessage[] = [];
    const rpc = new Rpc((m) => sent.push(m), { timeoutMs: 20 });
    const p = rpc.request(summaryProtocol.requests.whatIf, { height: 64, width: 64 });
    assert.strictEqual(rpc.pendingCount, 1);
    await assert.rejects(p, (e: unknown) => e instanceof RpcTimeoutError && e.message.includes("'whatIf' got no response within 20 ms"));
    assert.strictEqual(rpc.pendingCount, 0);
    assert.deepStrictEqual(sent.map((m) => m.type), ['request', 'cancel']);
    // A late response for the timed-out id is consumed and ignored.
    assert.strictEqual(rpc.handle({ type: 'response', id: (sent[0] as { id: number }).id, result: 1 }), true);
    assert.strictEqual(rpc.pendingCount, 0);
  });

  it('waits 5 s by default, and as long as it takes with a timeout of 0', async () => {
    assert.strictEqual(DEFAULT_RPC_TIMEOUT_MS, 5000);
    const rpc = new Rpc(() => undefined);
    let settled = false;
    const p = rpc.request(testRequests.query, { selectors: [] }).finally(() => { settled = true; });
    const forever = rpc.request(testRequests.query, { selectors: [] }, { timeoutMs: 0 });
    const rejected = Promise.all([assert.rejects(p, /failed: the connection was closed/), assert.rejects(forever, /failed/)]);
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(settled, false, 'still pending well before the default timeout');
    rpc.dispose();
    await rejected;
  });

  it('dispose rejects every pending request, aborts running handlers and refuses new requests', async () => {
    const rpc = new Rpc(() => undefined, { timeoutMs: 60000, closedReason: 'the webview was closed' });
    const p1 = rpc.request(testRequests.query, { selectors: ['a'] });
    const p2 = rpc.request(testRequests.click, { selector: 'b' });
    assert.strictEqual(rpc.pendingCount, 2);
    const r1 = assert.rejects(p1, /'query' failed: the webview was closed/);
    const r2 = assert.rejects(p2, /'click' failed/);
    let signal: AbortSignal | undefined;
    rpc.on(square, (_p, c) => { signal = c.signal; return new Promise<number>(() => undefined); });
    rpc.handle({ type: 'request', id: 9, method: 'square', params: { n: 1 } });
    rpc.dispose();
    await Promise.all([r1, r2]);
    assert.strictEqual(rpc.pendingCount, 0);
    assert.strictEqual(signal?.aborted, true);
    await assert.rejects(rpc.request(testRequests.query, { selectors: [] }), /after the webview was closed/);
  });

  it("abortRunning drops the old page's answers, and a reused id belongs to the new request", async () => {
    const sent: RpcMessage[] = [];
    const rpc = new Rpc((m) => sent.push(m));
    const finishers: (() => void)[] = [];
    const signals: AbortSignal[] = [];
    rpc.on(square, ({ n }, c) => {
      signals.push(c.signal);
      return new Promise<number>((resolve) => finishers.push(() => resolve(n * n)));
    });
    rpc.handle({ type: 'request', id: 1, method: 'square', params: { n: 2 } });
    rpc.abortRunning(); // the page reloaded
    assert.strictEqual(signals[0].aborted, true);
    rpc.handle({ type: 'request', id: 1, method: 'square', params: { n: 3 } }); // the new page's first request
    finishers[0]();
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(sent, [], "the old page's answer is dropped");
    rpc.handle({ type: 'cancel', id: 1 });
    assert.strictEqual(signals[1].aborted, true, 'the old request finishing did not unhook the new one from cancel');
    finishers[1]();
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(sent, [], 'a cancelled request is not answered');
  });

  it('rejects and cleans up when posting throws', async () => {
    const rpc = new Rpc(() => { throw new Error('webview is disposed'); });
    await assert.rejects(rpc.request(testRequests.query, { selectors: [] }), /webview is disposed/);
    assert.strictEqual(rpc.pendingCount, 0);
  });

  it('ignores malformed and unrelated messages', () => {
    const rpc = new Rpc(() => undefined);
    for (const m of [null, 'response', { type: 'response' }, { type: 'response', id: -3 }, { type: 'request', id: 1 }, { type: 'ready' }, { type: 'test', message: {} }]) {
      assert.strictEqual(rpc.handle(m), false, JSON.stringify(m));
    }
    rpc.dispose();
  });
});
