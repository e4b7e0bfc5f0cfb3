/** The webview HTML shell: strict CSP, a fresh nonce per render, resources only from our folders. */
import * as assert from 'assert';
import { buildWebviewHtml, contentSecurityPolicy, WEBVIEW_RESOURCE_FOLDERS, type ResourceFolder } from '../../src/panels/framework/webviewHtml';

const CSP_SOURCE = 'https://*.vscode-cdn.net';
/** Stands in for vscode.Webview: uris are plain strings under a fake webview origin. */
const webview = {
  cspSource: CSP_SOURCE,
  asWebviewUri: (uri: string) => ({ toString: () => `https://file+.vscode-resource.vscode-cdn.net/ext/${uri}` }),
};
const resource = (folder: ResourceFolder, file: string) => `${folder}/${file}`;
const render = (nonce?: string) => buildWebviewHtml(webview, resource, { script: 'summary', title: 'ConvLens <test>', mode: 'compact' }, nonce);
const cspOf = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';

describe('webview HTML', () => {
  it('sets the strict CSP with the webview source and the nonce', () => {
    const html = render('abc123');
    assert.strictEqual(cspOf(html),
      `default-src 'none'; img-src ${CSP_SOURCE} data:; style-src ${CSP_SOURCE}; font-src ${CSP_SOURCE}; script-src 'nonce-abc123';`);
    assert.strictEqual(cspOf(html), contentSecurityPolicy(CSP_SOURCE, 'abc123'));
  });

  it('never allows unsafe-inline or unsafe-eval, and has no inline styles or scripts', () => {
    const html = render();
    assert.ok(!html.includes('unsafe-'));
    assert.ok(!/\sstyle=/.test(html), 'no style attributes');
    assert.ok(!html.includes('<style'), 'no <style> elements');
    assert.ok(!/\son[a-z]+=/.test(html), 'no inline event handlers');
  });

  it('puts the render\'s nonce on every script, and every script is external', () => {
    const html = render();
    const nonce = /'nonce-([^']+)'/.exec(cspOf(html))?.[1];
    assert.ok(nonce && nonce.length >= 16, 'a nonce of at least 16 characters');
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length >= 1);
    for (const s of scripts) {
      assert.ok(s.includes(`nonce="${nonce}"`), s);
      assert.ok(/\ssrc="[^"]+"/.test(s), s);
    }
  });

  it('makes a different nonce for every render', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => /'nonce-([^']+)'/.exec(cspOf(render()))?.[1]));
    assert.strictEqual(nonces.size, 20);
  });

  it('loads the bundle from dist/webview and styles from media through asWebviewUri', () => {
    const html = render();
    assert.ok(html.includes('src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/summary.js"'));
    assert.ok(html.includes('href="https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css"'));
    assert.ok(html.includes('<body data-mode="compact">'));
    assert.ok(html.includes('<title>ConvLens &lt;test&gt;</title>'), 'the title is escaped');
    assert.deepStrictEqual(WEBVIEW_RESOURCE_FOLDERS.map((p) => p.join('/')), ['dist/webview', 'media']);
  });

  it('loads the test hooks only in test mode, first, with the same nonce', () => {
    assert.ok(!render().includes('testHooks.js'), 'shipped pages never load the hooks');
    const html = buildWebviewHtml(webview, resource, { script: 'summary', title: 't', testHooks: true }, 'n0nce');
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepStrictEqual(scripts.map((s) => /dist\/webview\/(\w+)\.js/.exec(s)?.[1]), ['testHooks', 'summary']);
    for (const s of scripts) assert.ok(s.includes('nonce="n0nce"'), s);
  });

  it('carries the first message as an escaped data attribute that cannot become markup', () => {
    const initial = { type: 'empty', reason: 'a "quoted" </main><script>alert(1)</script> & more' };
    const html = buildWebviewHtml(webview, resource, { script: 'summary', title: 't', initial }, 'n0nce');
    assert.strictEqual((html.match(/<script\b/g) ?? []).length, 1, 'only the bundle is a script');
    const attr = /<main id="app" data-initial="([^"]*)">/.exec(html)?.[1];
    assert.ok(attr, 'the attribute is on <main>');
    const decoded = attr.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepStrictEqual(JSON.parse(decoded), initial);
    assert.ok(!render().includes('data-initial'), 'absent unless given');
  });
});
