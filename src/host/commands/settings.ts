/** Toggle Inline Shape Hints and Toggle CodeLens: flip the setting, say the new state in the status bar. */
import * as vscode from 'vscode';
import { toggle, type SwitchKey } from '../configuration';
import type { CommandTable } from './types';

async function toggleAndSay(key: SwitchKey, label: string): Promise<void> {
  const on = await toggle(key);
  void vscode.window.setStatusBarMessage(`ConvLens: ${label} ${on ? 'on' : 'off'}`, 3000);
}

export function settingsCommands(): CommandTable {
  return {
    'convlens.toggleInlineHints': () => toggleAndSay('inlineHints.enabled', 'inline shape hints'),
    'convlens.toggleCodeLens': () => toggleAndSay('codeLens.enabled', 'CodeLens'),
  };
}
