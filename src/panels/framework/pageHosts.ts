/**
 * Every open page, by id and key, with the one last shown or focused per id. The panel
 * managers and the side view add their pages here; the test API (test mode only) finds the
 * page a test means without each panel exposing its own query helpers.
 */
import type * as vscode from 'vscode';
import type { Rpc } from '../../protocol/rpc';

/** What the list needs of a page (a WebviewHost of any protocol). */
export interface ListedPage {
  readonly id: string;
  readonly key: string;
  readonly channel: { readonly testRpc: Rpc | undefined; readonly isReady: boolean };
}

type AnyHost = ListedPage;

export class PageHosts {
  private readonly hosts = new Set<AnyHost>();
  private readonly active = new Map<string, AnyHost>();

  add(host: ListedPage): vscode.Disposable {
    this.hosts.add(host);
    this.active.set(host.id, host);
    return {
      dispose: () => {
        this.hosts.delete(host);
        if (this.active.get(host.id) === host) {
          const other = [...this.hosts].reverse().find((h) => h.id === host.id);
          if (other) this.active.set(host.id, other);
          else this.active.delete(host.id);
        }
      },
    };
  }

  /** The page was shown or focused: it is the one `find(id)` means. */
  activate(host: ListedPage): void {
    if (this.hosts.has(host)) this.active.set(host.id, host);
  }

  /** The page with this id and key, or (no key) the one last shown or focused. */
  find(id: string, key?: string): AnyHost | undefined {
    return key === undefined ? this.active.get(id) : [...this.hosts].find((h) => h.id === id && h.key === key);
  }
}
