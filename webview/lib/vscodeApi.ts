/**
 * The page's one handle on VS Code (acquireVsCodeApi may be called only once per page). In
 * test mode the test-hooks bundle runs first, acquires it and leaves it here for the panel.
 */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const SHARED = '__convlensVsCodeApi';

export function vscodeApi(): VsCodeApi {
  const w = window as unknown as Record<string, VsCodeApi | undefined>;
  return (w[SHARED] ??= acquireVsCodeApi());
}
