/**
 * What the integration tests use to look into a page, as a user would: read text and
 * attributes, click, type, and list CSP violations. Exists only in test mode (the
 * extension returns it from `activate` when VS Code runs it under test); each call finds
 * the page anew, so a driver keeps working across a page's reloads and a tab reopened.
 */
import type { ResultOf } from '../../protocol/define';
import { testRequests } from '../../protocol/testHooks';
import type { Rpc } from '../../protocol/rpc';
import type { PageHosts } from './pageHosts';

/** How long a test waits for a page to exist and load before failing. */
const READY_TIMEOUT_MS = 10000;

export interface PageDriver {
  query(selectors: string[]): Promise<Record<string, string | null>>;
  attributes(selector: string, name: string): Promise<(string | null)[]>;
  /** Fails when nothing matches. */
  click(selector: string): Promise<void>;
  /** Fails when nothing matches or the match takes no value. */
  type(selector: string, value: string): Promise<void>;
  cspViolations(): Promise<string[]>;
  /** When the page's document started and became ready (bench/panel-open.js). */
  timing(): Promise<ResultOf<typeof testRequests.timing>>;
}

export interface TestApi {
  /** The page of that view type or view id (and key: a document uri, a model key), or the one last shown or focused. */
  page(id: string, key?: string): PageDriver;
}

export function createTestApi(hosts: PageHosts): TestApi {
  return {
    page(id, key) {
      const what = key === undefined ? id : `${id} (${key})`;
      const rpc = async (): Promise<Rpc> => {
        const deadline = Date.now() + READY_TIMEOUT_MS;
        for (;;) {
          const host = hosts.find(id, key);
          if (host?.channel.testRpc && host.channel.isReady) return host.channel.testRpc;
          if (Date.now() > deadline) throw new Error(`ConvLens: ${host ? `${what} did not load` : `no ${what} is open`} within ${READY_TIMEOUT_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      return {
        query: async (selectors) => (await rpc()).request(testRequests.query, { selectors }),
        attributes: async (selector, name) => (await rpc()).request(testRequests.attributes, { selector, name }),
        async click(selector) {
          if (!(await (await rpc()).request(testRequests.click, { selector }))) throw new Error(`ConvLens: nothing matches ${selector} in ${what}`);
        },
        async type(selector, value) {
          if (!(await (await rpc()).request(testRequests.type, { selector, value }))) throw new Error(`ConvLens: no field matches ${selector} in ${what}`);
        },
        cspViolations: async () => (await rpc()).request(testRequests.cspViolations, {}),
        timing: async () => (await rpc()).request(testRequests.timing, {}),
      };
    },
  };
}
