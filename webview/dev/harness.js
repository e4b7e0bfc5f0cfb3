// Dev harness only (not bundled, not shipped): renders the real panel HTML (real CSP,
// real bundle) from 127.0.0.1, plays the host with real analyses, and screenshots it in
// headless Debian Chromium.  Usage: node esbuild.js && node webview/dev/harness.js [outDir]
const esbuild = require('esbuild');
const http = require('http');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '../..');
const outDir = path.resolve(process.argv[2] || path.join(root, '.cache/webview-shots'));
fs.mkdirSync(outDir, { recursive: true });
const load = (entry) => {
  const r = esbuild.buildSync({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', format: 'cjs', write: false, external: ['vscode', 'typescript', '@tensorflow/*'] });
  const m = { exports: {} };
  new Function('module', 'exports', 'require', r.outputFiles[0].text)(m, m.exports, require);
  return m.exports;
};
const html = load('src/panels/webviewHtml.ts');
const payloads = load('src/panels/payload.ts');
const core = require(path.join(root, 'dist/core.js'));

function analysis(file) {
  return core.analyzeSource(fs.readFileSync(path.join(root, file), 'utf8'), file.endsWith('.py') ? 'python' : 'typescript', file);
}

const pages = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (pages.has(url.pathname)) { res.writeHead(200, { 'content-type': 'text/html' }); return res.end(pages.get(url.pathname)); }
  const file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root) || !fs.existsSync(file)) { res.writeHead(404); return res.end(); }
  const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream';
  res.writeHead(200, { 'content-type': type });
  fs.createReadStream(file).pipe(res);
});

async function main() {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const problems = [];
  async function open({ file, model = 0, theme, mode, width = 1200, height = 900 }) {
    const a = analysis(file);
    const payload = payloads.buildPayload(`file://${file}`, file, a, model);
    const nonce = html.createNonce();
    const webview = { cspSource: origin, asWebviewUri: (u) => u };
    let page_html = html.buildWebviewHtml(webview, (folder, f) => `${origin}/${folder}/${f}`, { script: 'summary', title: 'dev', mode, styles: ['webview.css', '../webview/dev/themes.css'] }, nonce);
    page_html = page_html.replace('<meta name="viewport"', `<script nonce="${nonce}" src="${origin}/webview/dev/fake-vscode.js?theme=${theme}"></script>\n    <meta name="viewport"`);
    fs.writeFileSync(path.join(root, '.cache/dev-page.html'), page_html);
    const page = await browser.newPage({ viewport: { width, height } });
    const tag = `${path.basename(file)}/${theme}/${mode || 'full'}`;
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${tag} console ${m.type()}: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${tag} HTTP ${r.status()} ${r.url()}`); });
    page.on('pageerror', (e) => problems.push(`${tag} pageerror: ${e.message}`));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sample}`)));
    await page.exposeFunction('__hostPost', async (m) => {
      const reply = (x) => page.evaluate((msg) => window.postMessage(msg, '*'), x);
      if (m.type === 'ready') await reply({ type: 'model', payload });
      else if (m.type === 'request' && m.method === 'whatIf') {
        const s = core.analyzeWithInputSize(a.specs[model], m.params.height, m.params.width);
        await reply({ type: 'response', id: m.id, result: s });
      } else if (m.type === 'response') page.__last = m;
      else console.log('host got', JSON.stringify(m));
    });
    const key = `/dev-page/${pages.size}`;
    pages.set(key, page_html);
    await page.goto(`${origin}${key}?theme=${theme}`);
    await page.waitForSelector('#model-name');
    return page;
  }
  // Host -> webview RPC, as the extension's test API does.
  async function rpc(page, method, params) {
    const id = Math.floor(Math.random() * 1e6);
    page.__last = undefined;
    await page.evaluate((m) => window.postMessage(m, '*'), { type: 'request', id, method, params });
    for (let i = 0; i < 100 && !(page.__last && page.__last.id === id); i++) await page.waitForTimeout(50);
    return page.__last;
  }
  for (const theme of ['vscode-light', 'vscode-dark', 'vscode-high-contrast']) {
    const page = await open({ file: 'examples/keras/chollet_mnist_convnet.py', theme });
    await page.screenshot({ path: path.join(outDir, `table-${theme}.png`), fullPage: true });
    if (theme === 'vscode-dark') {
      console.log('query', JSON.stringify(await rpc(page, 'query', { selectors: ['#model-name', '#total-params', '#size', 'tr[data-layer-index="0"] .shape', 'tr[data-layer-index="0"] .params', 'tr[data-layer-index="0"] .formula', '#whatif-total'] })));
      console.log('setWhatIf', JSON.stringify(await rpc(page, 'setWhatIf', { height: 64, width: 64 })));
      console.log('after', JSON.stringify(await rpc(page, 'query', { selectors: ['#whatif-total', '#total-params', 'tr[data-layer-index="6"] .params'] })));
      await page.screenshot({ path: path.join(outDir, `whatif-${theme}.png`), fullPage: true });
      await page.focus('tr[data-layer-index="2"]');
      await page.keyboard.press('Enter');
      await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(outDir, `focus-${theme}.png`) });
    }
    console.log('click', JSON.stringify(await rpc(page, 'click', { selector: 'tr[data-layer-index="0"] button.link' })));
    await page.waitForTimeout(200);
    for (let i = 0; i < 5; i++) await page.click('#arith-next');
    await page.screenshot({ path: path.join(outDir, `arith-${theme}.png`), fullPage: true });
    if (theme === 'vscode-dark') {
      for (let i = 0; i < 14; i++) await page.click('#arith-next');
      await page.screenshot({ path: path.join(outDir, `arith-pool-${theme}.png`), fullPage: true });
      console.log('step', JSON.stringify(await rpc(page, 'query', { selectors: ['#arithmetic-sum', '#arithmetic-title'] })));
    }
    if (theme === 'vscode-light') {
      // Sanity check that the CSP is enforced here: an inline style attribute must be refused.
      const before = problems.length;
      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div style="color: red">x</div>'));
      await page.waitForTimeout(100);
      const caught = problems.splice(before).filter((p) => /CSP violation: style-src-attr/.test(p));
      console.log(caught.length ? 'CSP enforced: inline style attribute was blocked' : 'WARNING: CSP not enforced in harness');
    }
    await page.close();
  }
  for (const file of ['examples/keras/vgg16.py', 'examples/keras/residual_functional.py']) {
    const page = await open({ file, theme: 'vscode-dark' });
    await page.screenshot({ path: path.join(outDir, `table-${path.basename(file)}.png`), fullPage: true });
    // 'same' padding in the arithmetic view (VGG16's convolutions), through the host's focus message.
    await page.evaluate(() => window.postMessage({ type: 'focus', view: 'arithmetic', layerIndex: 1 }, '*'));
    await page.waitForTimeout(200);
    await page.click('#arith-next');
    await page.screenshot({ path: path.join(outDir, `arith-${path.basename(file)}.png`) });
    await page.close();
  }
  const side = await open({ file: 'examples/keras/chollet_mnist_convnet.py', theme: 'vscode-dark', mode: 'compact', width: 320, height: 600 });
  await side.screenshot({ path: path.join(outDir, 'side-dark.png'), fullPage: true });
  console.log('side', await side.evaluate(() => [document.body.className, getComputedStyle(document.querySelector('#model-name')).color, getComputedStyle(document.body).opacity, getComputedStyle(document.querySelector('#app')).opacity, getComputedStyle(document.body).backgroundColor]));
  await side.close();
  await browser.close();
  server.close();
  console.log(problems.length ? `PROBLEMS:\n${problems.join('\n')}` : 'no console errors or CSP violations');
}
main().catch((e) => { console.error(e); process.exit(1); });
