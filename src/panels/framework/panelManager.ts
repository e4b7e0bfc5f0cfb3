/**
 * Create-or-show and revive for one kind of panel (the webview-sample pattern): `show`
 * reveals the panel for a key or creates it, the serializer brings panels back after a
 * window reload from the state their page saved (checked against the protocol first: an
 * unreadable or stale state closes the panel instead of showing a broken one), and every
 * panel is disposed with the manager.
 */
import * as vscode from 'vscode';
import { Disposables } from '../../host/disposables';
import * as v from 'valibot';
import type { PanelProtocol, StateOf } from '../../protocol/panel';
import type { PageContext, PanelHost } from './webviewHost';

export interface PanelKind<P extends PanelProtocol, Panel extends PanelHost<P>, Init = undefined> {
  viewType: string;
  protocol: P;
  /** The tab title of a panel created for `key`. */
  title(key: string): string;
  /** Which panel a saved state belongs to; undefined when nothing can be re-attached. */
  keyOf(state: StateOf<P>): string | undefined;
  /** Wraps a new or revived webview panel; `restored` is the page's saved state after a reload, `init` what `show` was given. */
  create(webviewPanel: vscode.WebviewPanel, key: string, restored?: StateOf<P>, init?: Init): Panel;
  /** Extra panel options (find widget…); scripts and resource roots are set by the framework. */
  options?: vscode.WebviewPanelOptions;
}

export class PanelManager<P extends PanelProtocol, Panel extends PanelHost<P>, Init = undefined> extends Disposables implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, Panel>();

  constructor(private readonly context: PageContext, private readonly kind: PanelKind<P, Panel, Init>) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(kind.viewType, this));
    this.register({ dispose: () => { for (const p of [...this.panels.values()]) p.dispose(); } });
  }

  get(key: string): Panel | undefined {
    return this.panels.get(key);
  }

  /** Reveals the key's panel, creating it beside the editor if needed (a new one leaves the focus in the editor). */
  show(key: string, init?: Init, preserveFocus = true): Panel {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn, preserveFocus);
      this.context.hosts.activate(existing);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(this.kind.viewType, this.kind.title(key),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { retainContextWhenHidden: false, ...this.kind.options });
    return this.adopt(webviewPanel, key, undefined, init);
  }

  deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = v.is(this.kind.protocol.state, state) ? (state as StateOf<P>) : undefined;
    const key = restored && this.kind.keyOf(restored);
    if (key === undefined || this.panels.has(key)) {
      webviewPanel.dispose(); // nothing to re-attach to, or that panel is already open
      return Promise.resolve();
    }
    this.adopt(webviewPanel, key, restored);
    return Promise.resolve();
  }

  private adopt(webviewPanel: vscode.WebviewPanel, key: string, restored?: StateOf<P>, init?: Init): Panel {
    webviewPanel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'convlens.svg');
    const panel = this.kind.create(webviewPanel, key, restored, init);
    this.panels.set(key, panel);
    const focus = webviewPanel.onDidChangeViewState((e) => { if (e.webviewPanel.active) this.context.hosts.activate(panel); });
    panel.onDidDispose(() => {
      focus.dispose();
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }
}
