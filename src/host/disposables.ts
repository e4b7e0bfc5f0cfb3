/**
 * A Disposable base with `register()`, so nothing a feature registers is ever dropped:
 * disposing the owner disposes everything it registered, newest first, and a late
 * registration after disposal is disposed at once.
 */
import type * as vscode from 'vscode';

export class Disposables implements vscode.Disposable {
  private items: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch (e) {
        console.error('ConvLens: dispose failed', e);
      }
    }
  }
}
