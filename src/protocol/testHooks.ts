/**
 * What the integration tests may ask of a page, as a user would see or do it: read text,
 * read attributes, click, type into a field, and list Content-Security-Policy violations.
 * These requests travel in their own envelope (`{type: 'test', message}`), separate from the
 * panel's protocol, and the page answers them only when the extension runs in test mode
 * (the host then loads webview/testHooks.ts before the panel's own bundle).
 */
import * as v from 'valibot';
import { request } from './define';
import { isRpcMessage, type RpcMessage } from './rpc';

export const TEST_ENVELOPE = 'test';

export interface TestEnvelope {
  type: typeof TEST_ENVELOPE;
  message: RpcMessage;
}

export function isTestEnvelope(value: unknown): value is TestEnvelope {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === TEST_ENVELOPE && isRpcMessage((value as { message?: unknown }).message);
}

const Selector = v.pipe(v.string(), v.minLength(1));

export const testRequests = {
  /** Text content (whitespace collapsed) of the first match of each selector, or null. */
  query: request('query', v.object({ selectors: v.array(Selector) }), v.record(v.string(), v.nullable(v.string()))),
  /** Clicks the first match; false when nothing matches. */
  click: request('click', v.object({ selector: Selector }), v.boolean()),
  /** An attribute of every match (an <img>'s src, say). */
  attributes: request('attributes', v.object({ selector: Selector, name: v.string() }), v.array(v.nullable(v.string()))),
  /** Types `value` into the first match (a text field) and fires `input` and `change`, as typing and leaving the field would. */
  type: request('type', v.object({ selector: Selector, value: v.string() }), v.boolean()),
  /**
   * When the page's document started (epoch ms, comparable with the host's Date.now()) and,
   * relative to that, when its DOM was ready and its scripts had run: where opening a panel spends its time.
   */
  timing: request('timing', v.object({}), v.object({ timeOrigin: v.number(), domInteractive: v.number(), scriptsRan: v.number(), resources: v.array(v.object({ name: v.string(), start: v.number(), duration: v.number() })) })),
  /** Every CSP violation the page reported since it loaded ('directive: blocked URI'). */
  cspViolations: request('cspViolations', v.object({}), v.array(v.string())),
} as const;
