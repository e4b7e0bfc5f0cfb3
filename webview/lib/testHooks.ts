/**
 * RPC handlers the integration tests use to look into the webview as a user would: read
 * text by selector, click, and type into the what-if fields. They only read or drive the
 * existing UI, so a test passing means the real DOM shows the numbers.
 */
import type { Rpc } from '../../src/protocol/rpc';

const text = (el: Element | null): string | null => (el ? (el.textContent ?? '').replace(/\s+/g, ' ').trim() : null);

export function installTestHooks(rpc: Rpc, setWhatIf?: (height: number, width: number) => Promise<boolean>): void {
  rpc.on('query', ({ selectors }) => {
    const out: Record<string, string | null> = {};
    for (const s of Array.isArray(selectors) ? selectors : []) {
      try {
        out[s] = text(document.querySelector(s));
      } catch {
        out[s] = null; // an invalid selector matches nothing
      }
    }
    return out;
  });
  rpc.on('click', ({ selector }) => {
    const el = document.querySelector(selector);
    if (!(el instanceof HTMLElement || el instanceof SVGElement)) return false;
    if (el instanceof HTMLElement) el.click();
    else el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    return true;
  });
  rpc.on('attributes', ({ selector, name }) => {
    try {
      return [...document.querySelectorAll(selector)].map((el) => el.getAttribute(name));
    } catch {
      return [];
    }
  });
  rpc.on('setWhatIf', ({ height, width }) => (setWhatIf ? setWhatIf(height, width) : false));
}
