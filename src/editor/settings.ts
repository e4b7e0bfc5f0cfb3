/** ConvLens settings, read fresh each time (VS Code caches configuration itself). */
import * as vscode from 'vscode';

export type Setting = 'codeLens.enabled' | 'inlineHints.enabled' | 'diagnostics.enabled';

export function isEnabled(setting: Setting): boolean {
  return vscode.workspace.getConfiguration('convlens').get<boolean>(setting, true);
}

/** Flips a boolean setting where the user keeps it (workspace if set there, else user settings). */
export async function toggle(setting: Setting): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('convlens');
  const inspected = config.inspect<boolean>(setting);
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  const next = !isEnabled(setting);
  await config.update(setting, next, target);
  return next;
}

/** Fires `listener` when one of the given settings changes. */
export function onSettingChanged(settings: Setting[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (settings.some((s) => e.affectsConfiguration(`convlens.${s}`))) listener();
  });
}
