/**
 * What a webview panel's protocol declares: the messages each side accepts, the state the
 * page persists for the serializer, and the requests the host answers. The host-side panel
 * framework (src/panels/framework) and the page-side `Host` (webview/lib/host.ts) both take
 * one of these, so a panel's wire format is written once.
 */
import type { RequestDef, Schema } from './define';

export interface PanelProtocol<ToWebview = unknown, ToHost extends { type: string } = { type: string }, State = unknown> {
  /** Host → page messages. */
  readonly toWebview: Schema<ToWebview>;
  /** Page → host messages; `ready` among them. */
  readonly toHost: Schema<ToHost>;
  /** What the page keeps with setState and the serializer reads back after a window reload. */
  readonly state: Schema<State>;
  /** Requests the page makes and the host answers (each panel its own). */
  readonly requests: Readonly<Record<string, RequestDef>>;
}

export type ToWebviewOf<P> = P extends PanelProtocol<infer H, { type: string }, unknown> ? H : never;
export type ToHostOf<P> = P extends PanelProtocol<unknown, infer W, unknown> ? W : never;
export type StateOf<P> = P extends PanelProtocol<unknown, { type: string }, infer S> ? S : never;

/** Checks a protocol's shape at compile time while keeping its exact types. */
export function panelProtocol<ToWebview, ToHost extends { type: string }, State, const R extends Readonly<Record<string, RequestDef>>>(
  p: { toWebview: Schema<ToWebview>; toHost: Schema<ToHost>; state: Schema<State>; requests: R },
): PanelProtocol<ToWebview, ToHost, State> & { requests: R } {
  return p;
}
