/**
 * The augmentation panel's message guards (derived from src/protocol/augment.ts): the webview only puts
 * PNG data URLs into <img src>, so a host message carrying any other URL (a remote address
 * that would be fetched, a script URL) is refused as a whole; webview messages are limited to
 * the four the host handles.
 */
import * as assert from 'assert';
import { augmentProtocol, type AugmentView } from '../../src/protocol/augment';
import { guard } from '../../src/protocol/define';

const isAugmentHostMessage = guard(augmentProtocol.toWebview);
const isAugmentWebviewMessage = guard(augmentProtocol.toHost);

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const view: AugmentView = {
  kind: 'model', model: 'model', uri: 'file:///work/examples/keras/cats.py', fileName: 'keras/cats.py', steps: ['random_flip: mirrors left-right with probability 0.5'], notes: [],
  inputShape: [180, 180, 3], pixelScale: 255, sample: { source: 'synthetic', label: 'synthetic circle #0' },
  original: PNG, augmented: [PNG, PNG], seed: 1,
};

describe('augmentation panel protocol', () => {
  it('accepts a preview, busy and error from the host', () => {
    assert.ok(isAugmentHostMessage({ type: 'preview', view }));
    assert.ok(isAugmentHostMessage({ type: 'busy', what: 'Augmenting…' }));
    assert.ok(isAugmentHostMessage({ type: 'error', message: 'cannot read photo.jpg: no such file' }));
  });

  it('refuses pictures that are not PNG data URLs, and malformed views', () => {
    for (const bad of ['https://example.com/x.png', 'javascript:alert(1)', 'data:image/svg+xml;base64,PHN2Zz4=', '']) {
      assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, augmented: [PNG, bad] } }), bad);
      assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, original: bad } }), bad);
    }
    assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, inputShape: [180, 180] } }));
    assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, sample: { source: 'web', label: 'x' } } }));
    assert.ok(!isAugmentHostMessage({ type: 'other' }));
  });

  it("accepts an ImageDataGenerator's draws with their Keras parameters, and only Keras' keys", () => {
    const draws = [[{ key: 'theta', value: '12.3°' }, { key: 'flip_horizontal', value: 'yes' }], [{ key: 'zx', value: '0.910' }]];
    assert.ok(isAugmentHostMessage({ type: 'preview', view: { ...view, kind: 'generator', model: 'datagen', draws } }));
    assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, kind: 'generator', draws: [[{ key: 'rotation', value: '1' }]] } }));
    assert.ok(!isAugmentHostMessage({ type: 'preview', view: { ...view, kind: 'layers' } }));
  });

  it('accepts only the webview messages the host handles', () => {
    for (const m of [{ type: 'ready' }, { type: 'shuffle' }, { type: 'reveal' }, { type: 'sample', source: 'mnist' }, { type: 'sample', source: 'file' }]) {
      assert.ok(isAugmentWebviewMessage(m), JSON.stringify(m));
    }
    for (const m of [{ type: 'sample', source: '/etc/passwd' }, { type: 'sample' }, { type: 'run', code: 'x' }, null, 'shuffle']) {
      assert.ok(!isAugmentWebviewMessage(m), JSON.stringify(m));
    }
  });
});
