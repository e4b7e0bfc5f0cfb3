/**
 * Test hooks, loaded before a panel's bundle only when the extension runs in test mode: they
 * answer the integration tests' requests (protocol/testHooks.ts) by reading and driving the
 * page's real DOM as a user would, and record Content-Security-Policy violations from the
 * first moment the page runs. Shipped pages never load this file.
 */
import { Rpc } from '../src/protocol/rpc';
import { isTestEnvelope, TEST_ENVELOPE, testRequests } from '../src/protocol/testHooks';
import { vscodeApi } from './lib/vscodeApi';

const api = vscodeApi();
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'}`));

const rpc = new Rpc((message) => api.postMessage({ type: TEST_ENVELOPE, message }), { timeoutMs: 0 });
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (isTestEnvelope(e.data)) rpc.handle(e.data.message);
});

const text = (el: Element | null): string | null => (el ? (el.textContent ?? '').replace(/\s+/g, ' ').trim() : null);

/** querySelector that treats an invalid selector as matching nothing. */
function first(selector: string): Element | null {
  try {
    return document.querySelector(selector);
  } catch {
    return null;
  }
}

rpc.on(testRequests.query, ({ selectors }) => Object.fromEntries(selectors.map((s) => [s, text(first(s))])));

rpc.on(testRequests.click, ({ selector }) => {
  const el = first(selector);
  // A picture or a canvas reads where it was clicked (the latent plane): click its centre, as a user aiming at it would.
  if (el instanceof HTMLCanvasElement || el instanceof HTMLImageElement) {
    const r = el.getBoundingClientRect();
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 }));
  } else if (el instanceof HTMLElement) {
    // vscode-checkbox listens on the label inside its shadow root, which is what a pointer hits.
    (el.shadowRoot?.querySelector<HTMLElement>('label') ?? el).click();
  }
  else if (el instanceof SVGElement) el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  else return false;
  return true;
});

rpc.on(testRequests.attributes, ({ selector, name }) => {
  try {
    return [...document.querySelectorAll(selector)].map((el) => el.getAttribute(name));
  } catch {
    return [];
  }
});

rpc.on(testRequests.type, ({ selector, value }) => {
  const el = first(selector) as (HTMLElement & { value?: string }) | null;
  if (!el || !('value' in el)) return false;
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
});

rpc.on(testRequests.cspViolations, () => [...violations]);

// The panel's bundle runs right after this one: its end is when the page's own scripts have run.
let scriptsRan = -1;
document.addEventListener('DOMContentLoaded', () => { scriptsRan = performance.now(); });
rpc.on(testRequests.timing, () => {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return {
    timeOrigin: performance.timeOrigin,
    domInteractive: nav?.domInteractive ?? -1,
    scriptsRan,
    resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name.split('/').pop() ?? r.name, start: r.startTime, duration: r.duration })),
  };
});
