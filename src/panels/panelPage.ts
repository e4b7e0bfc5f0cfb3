/**
 * Puts a ConvLens page into a webview panel: the narrow resource roots, the HTML shell with
 * its strict CSP (webviewHtml.ts) and the ConvLens icon on the tab. One place, so every
 * panel gets the same security settings.
 */
import * as vscode from 'vscode';
import { buildWebviewHtml, extensionResource, webviewOptions, type WebviewHtmlOptions } from './webviewHtml';

export function loadPanelPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewHtmlOptions): vscode.Webview {
  const webview = panel.webview;
  webview.options = webviewOptions(extensionUri, vscode.Uri.joinPath);
  webview.html = buildWebviewHtml(webview, extensionResource(extensionUri, vscode.Uri.joinPath), page);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'convlens.svg');
  return webview;
}
