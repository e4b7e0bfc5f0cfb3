/**
 * The `convlens.*` settings as one typed object. Read fresh on every call: VS Code caches
 * configuration itself, and a stale copy here would miss a change made in settings.json.
 */
import * as vscode from 'vscode';
import { CONFIGURATION_DEFAULTS, CONFIGURATION_SECTION, type ConfigurationKey, type ConvLensConfiguration, type SwitchKey } from './configurationSchema';

export type { ConfigurationKey, ConvLensConfiguration, SwitchKey } from './configurationSchema';

export function readConfiguration(): ConvLensConfiguration {
  const config = vscode.workspace.getConfiguration(CONFIGURATION_SECTION);
  const read = <K extends ConfigurationKey>(key: K): ConvLensConfiguration[K] => config.get(key, CONFIGURATION_DEFAULTS[key]);
  return {
    'codeLens.enabled': read('codeLens.enabled'),
    'inlineHints.enabled': read('inlineHints.enabled'),
    'diagnostics.enabled': read('diagnostics.enabled'),
    backend: read('backend'),
    nativeKernels: read('nativeKernels'),
    weightsFolder: read('weightsFolder'),
  };
}

/** Flips an on/off setting where the user keeps it (workspace folder or workspace if set there, else user settings). */
export async function toggle(key: SwitchKey): Promise<boolean> {
  const config = vscode.workspace.getConfiguration(CONFIGURATION_SECTION);
  const inspected = config.inspect<boolean>(key);
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  const next = !readConfiguration()[key];
  await config.update(key, next, target);
  return next;
}

/** Fires `listener` when one of the given settings changes. */
export function onConfigurationChanged(keys: readonly ConfigurationKey[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (keys.some((key) => e.affectsConfiguration(`${CONFIGURATION_SECTION}.${key}`))) listener();
  });
}
