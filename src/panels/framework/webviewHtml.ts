/**
 * The HTML shell of every ConvLens webview: a strict Content Security Policy (no inline
 * script or style, no eval; scripts only with this render's nonce), the stylesheet from
 * media/ and the panel's bundle from dist/webview/. No runtime `vscode` import, so the
 * unit tests can render it with a stand-in webview.
 */
import { randomBytes } from 'crypto';
import type * as vscode from 'vscode';

/** The part of vscode.Webview the builder uses (a stand-in in unit tests). */
export interface WebviewLike<U> {
  readonly cspSource: string;
  asWebviewUri(uri: U): { toString(): string };
}

/** The only folders a webview may load from (localResourceRoots). */
export const WEBVIEW_RESOURCE_FOLDERS = [['dist', 'webview'], ['media']] as const;
export type ResourceFolder = 'dist/webview' | 'media';

export interface WebviewHtmlOptions {
  /** Bundle name: dist/webview/<script>.js. */
  script: string;
  title: string;
  /** Stylesheets in media/. */
  styles?: string[];
  /** Set as data-mode on <body>, so one bundle can render a full or a compact layout. */
  mode?: string;
  /** Load webview/testHooks.ts before the panel's bundle (ExtensionMode.Test only). */
  testHooks?: boolean;
  /**
   * The first host message, as JSON in a data attribute: the page draws it as its script runs,
   * so it shows content the moment VS Code reveals it instead of waiting for a round trip.
   */
  initial?: unknown;
}

/** The bundle that answers the integration tests' requests inside a page. */
export const TEST_HOOKS_SCRIPT = 'testHooks';

/** 128 random bits, base64: a new one for every render, so an old nonce is worthless. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ') + ';';
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** For a double-quoted attribute: keeps the CSP's single quotes readable. */
const escapeAttr = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/**
 * @param resource maps a folder and file name to a resource uri (vscode.Uri.joinPath on
 * the extension uri in the host; plain strings in tests).
 */
export function buildWebviewHtml<U>(
  webview: WebviewLike<U>,
  resource: (folder: ResourceFolder, file: string) => U,
  options: WebviewHtmlOptions,
  nonce: string = createNonce(),
): string {
  const src = (folder: ResourceFolder, file: string): string => escapeHtml(webview.asWebviewUri(resource(folder, file)).toString());
  const styles = (options.styles ?? ['webview.css'])
    .map((s) => `<link rel="stylesheet" href="${src('media', s)}">`)
    .join('\n    ');
  const mode = options.mode ? ` data-mode="${escapeHtml(options.mode)}"` : '';
  const initial = options.initial === undefined ? '' : ` data-initial="${escapeHtml(JSON.stringify(options.initial))}"`;
  // The hooks go first: they must see CSP violations from the start and hold the VS Code API for the panel.
  const scripts = [...(options.testHooks ? [TEST_HOOKS_SCRIPT] : []), options.script]
    .map((name) => `<script nonce="${nonce}" src="${src('dist/webview', `${name}.js`)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(webview.cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(options.title)}</title>
  </head>
  <body${mode}>
    <main id="app"${initial}><p class="muted">Loading…</p></main>
    ${scripts}
  </body>
</html>`;
}

/** Webview options shared by the panel and the side view: scripts on, resources only from our two folders. */
export function webviewOptions(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: WEBVIEW_RESOURCE_FOLDERS.map((parts) => joinPath(extensionUri, ...parts)),
  };
}

/** The resource mapper for real webviews. */
export function extensionResource(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...parts: string[]) => vscode.Uri) {
  return (folder: ResourceFolder, file: string): vscode.Uri => joinPath(extensionUri, ...folder.split('/'), file);
}
