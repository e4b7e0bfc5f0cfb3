/**
 * The command table: every command ConvLens registers, from one place, so the manifest test
 * can compare it with package.json. A failing command shows its reason instead of failing silently.
 */
import * as vscode from 'vscode';
import { augmentationCommands } from './augmentation';
import { exportCommands } from './export';
import { inspectCommands } from './inspect';
import { latentCommands } from './latent';
import { nativeBackendCommands } from './nativeBackend';
import { settingsCommands } from './settings';
import { summaryCommands } from './summary';
import { trainingCommands } from './training';
import type { CommandServices, CommandTable } from './types';

export function commandTable(services: CommandServices): CommandTable {
  const groups = [summaryCommands(services), trainingCommands(services), augmentationCommands(services), inspectCommands(services), exportCommands(services), latentCommands(services), settingsCommands(), nativeBackendCommands(services)];
  const table: CommandTable = {};
  for (const group of groups) {
    for (const [id, handler] of Object.entries(group)) {
      if (id in table) throw new Error(`command ${id} is defined twice`);
      table[id] = handler;
    }
  }
  return table;
}

/** Registers every command of the table (disposed with the extension); returns their ids. */
export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): string[] {
  const table = commandTable(services);
  for (const [id, handler] of Object.entries(table)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        void vscode.window.showErrorMessage(`ConvLens: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }));
  }
  return Object.keys(table);
}
