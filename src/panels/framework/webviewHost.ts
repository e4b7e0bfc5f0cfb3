/**
 * The base of every ConvLens page, panel or side view: it loads the page (strict CSP,
 * narrow resource roots, the panel's bundle), opens the checked channel, holds messages
 * while the page loads and again whenever VS Code tears a hidden page down (no
 * retainContextWhenHidden), gives the subclass a `ready` hook to replay its state, and
 * disposes everything with the surface. A panel is then its protocol, one subclass of this
 * and one webview entry.
 */
import * as vscode from 'vscode';
import { Disposables } from '../../host/disposables';
import type { ParamsOf, ProgressOf, ResultOf } from '../../protocol/define';
import type { PanelProtocol, ToHostOf, ToWebviewOf } from '../../protocol/panel';
import type { RequestContext } from '../../protocol/rpc';
import { WebviewChannel, type HoldPolicy } from './channel';
import type { PageHosts } from './pageHosts';
import { buildWebviewHtml, extensionResource, webviewOptions } from './webviewHtml';

/** What a page needs from the extension: where its files are, whether tests drive it, and who lists it. */
export interface PageContext {
  readonly extensionUri: vscode.Uri;
  /** ExtensionMode.Test: pages load the test hooks and answer the tests' requests. */
  readonly testMode: boolean;
  readonly hosts: PageHosts;
}

/** A WebviewPanel or a WebviewView, seen the same way. */
export interface Surface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
  readonly onDidChangeVisible: (listener: (visible: boolean) => void) => vscode.Disposable;
  readonly onDidDispose: (listener: () => void) => vscode.Disposable;
}

export function panelSurface(panel: vscode.WebviewPanel): Surface {
  return {
    webview: panel.webview,
    get visible() { return panel.visible; },
    onDidChangeVisible: (listener) => panel.onDidChangeViewState((e) => listener(e.webviewPanel.visible)),
    onDidDispose: (listener) => panel.onDidDispose(listener),
  };
}

export function viewSurface(view: vscode.WebviewView): Surface {
  return {
    webview: view.webview,
    get visible() { return view.visible; },
    onDidChangeVisible: (listener) => view.onDidChangeVisibility(() => listener(view.visible)),
    onDidDispose: (listener) => view.onDidDispose(listener),
  };
}

export interface PageOptions<P extends PanelProtocol> {
  /** The view type (panels) or view id (side views): how tests and the registry name it. */
  id: string;
  /** Which page of its kind this is (a document uri, a model key); '' for a single page. */
  key: string;
  protocol: P;
  /** The webview bundle: dist/webview/<script>.js. */
  script: string;
  title: string;
  styles?: string[];
  mode?: string;
  hold?: HoldPolicy<ToWebviewOf<P>>;
  /** Drawn by the page as soon as its script runs (see WebviewHtmlOptions.initial). */
  initial?: ToWebviewOf<P>;
}

export abstract class WebviewHost<P extends PanelProtocol> extends Disposables {
  readonly id: string;
  readonly key: string;
  readonly channel: WebviewChannel<P>;
  private readonly disposedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(protected readonly surface: Surface, context: PageContext, private readonly page: PageOptions<P>) {
    super();
    this.id = page.id;
    this.key = page.key;
    const webview = surface.webview;
    const joinPath = (base: vscode.Uri, ...parts: string[]): vscode.Uri => vscode.Uri.joinPath(base, ...parts);
    webview.options = webviewOptions(context.extensionUri, joinPath);
    webview.html = buildWebviewHtml(webview, extensionResource(context.extensionUri, joinPath), {
      script: page.script, title: page.title, styles: page.styles, mode: page.mode, testHooks: context.testMode, initial: page.initial,
    });
    this.channel = this.register(new WebviewChannel(webview, page.protocol, {
      onMessage: (m) => this.dispatch(m),
      onReady: () => this.onReady(),
      hold: page.hold,
      testMode: context.testMode,
    }));
    // A hidden page is torn down and reloads when shown: hold messages until its next `ready`.
    this.register(surface.onDidChangeVisible((visible) => { if (!visible) this.channel.reset(); }));
    this.register(surface.onDidDispose(() => this.dispose()));
    this.register(context.hosts.add(this));
  }

  post(message: ToWebviewOf<P>): void {
    this.channel.post(message);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposedEmitter.fire();
    super.dispose();
  }

  /** Answers one of the panel's requests (declared in its protocol). */
  protected answer<K extends keyof P['requests'] & string>(
    name: K,
    handler: (params: ParamsOf<P['requests'][K]>, context: RequestContext<ProgressOf<P['requests'][K]>>) => ResultOf<P['requests'][K]> | Promise<ResultOf<P['requests'][K]>>,
  ): void {
    this.channel.rpc.on(this.page.protocol.requests[name] as P['requests'][K], handler);
  }

  /** Every valid page message; `ready` comes after onReady has run. */
  protected abstract onMessage(message: ToHostOf<P>): void | Promise<void>;

  /** The page (re)loaded: send what it needs to draw the current state. */
  protected onReady(): void {
    // Nothing to replay by default: a page that needs its state again overrides this.
  }

  /** Errors of message handling are shown, never dropped. */
  private dispatch(message: ToHostOf<P>): void {
    Promise.resolve()
      .then(() => this.onMessage(message))
      .catch((e: unknown) => void vscode.window.showErrorMessage(`ConvLens: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** A page in an editor tab: closing the tab disposes the host, disposing the host closes the tab. */
export abstract class PanelHost<P extends PanelProtocol> extends WebviewHost<P> {
  constructor(readonly panel: vscode.WebviewPanel, context: PageContext, page: PageOptions<P>) {
    super(panelSurface(panel), context, page);
  }

  set title(title: string) {
    this.panel.title = title;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}
