/**
 * The host <-> webview protocol: guards reject malformed messages, and the RPC class
 * never leaks a pending entry (response, timeout and dispose all delete it).
 */
import * as assert from 'assert';
import {
  isHostMessage, isRpcRequest, isRpcResponse, isSourceRange, isSummaryState, isWebviewMessage, isWhatIfParams, type RpcMessage,
} from '../../src/protocol/messages';
import { DEFAULT_RPC_TIMEOUT_MS, Rpc, RpcTimeoutError } from '../../src/protocol/rpc';

const range = { start: { line: 3, column: 1 }, end: { line: 3, column: 20 } };

/** Two Rpc ends wired to each other through queues, like a webview and its host. */
function pair(timeoutMs = 50) {
  const toB: RpcMessage[] = [];
  const toA: RpcMessage[] = [];
  const a = new Rpc((m) => toB.push(m), timeoutMs);
  const b = new Rpc((m) => toA.push(m), timeoutMs);
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

  it('checks host messages, RPC envelopes, what-if sizes and saved state', () => {
    assert.ok(isHostMessage({ type: 'empty', reason: 'no model' }));
    assert.ok(isHostMessage({ type: 'focus', view: 'arithmetic', layerIndex: 2 }));
    assert.strictEqual(isHostMessage({ type: 'focus', view: 'graph' }), false);
    assert.strictEqual(isHostMessage({ type: 'model', payload: { uri: 'file:///a.py' } }), false);
    assert.ok(isRpcRequest({ type: 'request', id: 1, method: 'whatIf', params: {} }));
    assert.strictEqual(isRpcRequest({ type: 'request', id: -1, method: 'whatIf' }), false);
    assert.strictEqual(isRpcRequest({ type: 'request', id: 1, method: '' }), false);
    assert.strictEqual(isRpcRequest({ type: 'request', id: '1', method: 'x' }), false);
    assert.ok(isRpcResponse({ type: 'response', id: 1, result: 3 }));
    assert.strictEqual(isRpcResponse({ type: 'response', id: 1, error: 42 }), false);
    assert.ok(isWhatIfParams({ height: 64, width: 32 }));
    for (const bad of [{ height: 0, width: 3 }, { height: 2.5, width: 3 }, { height: 1e9, width: 3 }, { height: '64', width: 64 }, null]) {
      assert.strictEqual(isWhatIfParams(bad), false, JSON.stringify(bad));
    }
    assert.ok(isSourceRange(range));
    assert.ok(isSummaryState({ uri: 'file:///a.py', modelName: 'model' }));
    assert.strictEqual(isSummaryState({ uri: 'file:///a.py' }), false);
  });
});

describe('Rpc', () => {
  it('resolves a request with the other side\'s handler result and deletes the entry', async () => {
    const { a, b, pump } = pair();
    b.on('query', ({ selectors }) => Object.fromEntries(selectors.map((s) => [s, `text of ${s}`])));
    const p = a.request('query', { selectors: ['#total-params'] });
    assert.strictEqual(a.pendingCount, 1);
    await pump();
    assert.deepStrictEqual(await p, { '#total-params': 'text of #total-params' });
    assert.strictEqual(a.pendingCount, 0);
  });

  it('passes handler errors back as rejections, and reports a missing handler', async () => {
    const { a, b, pump } = pair();
    b.on('click', () => { throw new Error('nothing to click'); });
    const clicked = assert.rejects(a.request('click', { selector: '#x' }), /nothing to click/);
    const missing = assert.rejects(a.request('setWhatIf', { height: 1, width: 1 }), /no handler for request 'setWhatIf'/);
    await pump();
    await Promise.all([clicked, missing]);
    assert.strictEqual(a.pendingCount, 0);
  });

  it('times out with a clear error and removes the pending entry', async () => {
    const sent: RpcMessage[] = [];
    const rpc = new Rpc((m) => sent.push(m), 20);
    const p = rpc.request('whatIf', { height: 64, width: 64 });
    assert.strictEqual(rpc.pendingCount, 1);
    await assert.rejects(p, (e: unknown) => e instanceof RpcTimeoutError && e.message.includes("'whatIf' got no response within 20 ms"));
    assert.strictEqual(rpc.pendingCount, 0);
    // A late response for the timed-out id is consumed and ignored.
    assert.strictEqual(rpc.handle({ type: 'response', id: (sent[0] as { id: number }).id, result: 1 }), true);
    assert.strictEqual(rpc.pendingCount, 0);
  });

  it('waits 5 s by default', async () => {
    assert.strictEqual(DEFAULT_RPC_TIMEOUT_MS, 5000);
    const rpc = new Rpc(() => undefined);
    let settled = false;
    const p = rpc.request('query', { selectors: [] }).finally(() => { settled = true; });
    const rejected = assert.rejects(p, /cancelled/);
    await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(settled, false, 'still pending well before the default timeout');
    rpc.dispose();
    await rejected;
  });

  it('dispose rejects every pending request, clears timers and refuses new requests', async () => {
    const rpc = new Rpc(() => undefined, 60000);
    const p1 = rpc.request('query', { selectors: ['a'] });
    const p2 = rpc.request('click', { selector: 'b' });
    assert.strictEqual(rpc.pendingCount, 2);
    const r1 = assert.rejects(p1, /'query' cancelled: the webview was closed/);
    const r2 = assert.rejects(p2, /'click' cancelled/);
    rpc.dispose();
    await Promise.all([r1, r2]);
    assert.strictEqual(rpc.pendingCount, 0);
    await assert.rejects(rpc.request('query', { selectors: [] }), /after the webview was closed/);
    // If a 60 s timer were left running, mocha would not exit promptly; pendingCount 0 shows the map is clean.
  });

  it('rejects and cleans up when posting throws', async () => {
    const rpc = new Rpc(() => { throw new Error('webview is disposed'); });
    await assert.rejects(rpc.request('query', { selectors: [] }), /webview is disposed/);
    assert.strictEqual(rpc.pendingCount, 0);
  });

  it('ignores malformed and unrelated messages', () => {
    const rpc = new Rpc(() => undefined);
    for (const m of [null, 'response', { type: 'response' }, { type: 'response', id: -3 }, { type: 'request', id: 1 }, { type: 'ready' }]) {
      assert.strictEqual(rpc.handle(m), false, JSON.stringify(m));
    }
    rpc.dispose();
  });
});
