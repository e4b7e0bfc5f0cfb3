/**
 * Asks for the training settings with quick picks, starting from what the user chose last
 * time for this model (workspace state), then `convlens.json` in the workspace, then the
 * code's `model.fit(...)`, then defaults (trainDefaults.ts); each prompt says which.
 *
 * convlens.json (optional, in the workspace root):
 *   { "training": { "data": "mnist", "epochs": 5, "batchSize": 32, "validationSplit": 0.2,
 *                   "earlyStopping": 3, "seed": 1, "stepsPerEpoch": 100, "validationSteps": 50,
 *                   "models": { "model": { "epochs": 10 } } } }
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { flowFolder } from '../core/engine/data/flowFolder';
import type { FitSpec } from '../core/model/spec';
import { datasetPickItems } from './datasetPicks';
import { readProjectChoices, type TrainChoices } from './projectSettings';
import { choicesToRemember, earlyStoppingPicks, resolveTrainChoices, sourceLabel } from './trainDefaults';

/** Settings from convlens.json, for one model; an unreadable file is reported, not fatal. */
export function projectChoices(root: string | undefined, modelName: string): Partial<TrainChoices> {
  const { choices, error } = readProjectChoices(root, modelName);
  if (error) void vscode.window.showWarningMessage(`ConvLens: ${error}; using defaults.`);
  return choices;
}

function stateKey(uri: vscode.Uri, modelName: string): string {
  return `convlens.train:${uri.toString()}#${modelName}`;
}

async function pickNumber(title: string, prompt: string, value: number, valid: (n: number) => boolean): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title, prompt, value: String(value), ignoreFocusOut: true,
    validateInput: (s) => (valid(Number(s)) && s.trim() !== '' ? undefined : 'Enter a valid number'),
  });
  return answer === undefined ? undefined : Number(answer);
}

/**
 * One choice from `items` with `active` highlighted, so Enter repeats the last run's answer
 * (showQuickPick always highlights the first item). Undefined on Escape.
 */
function pickOne<T extends vscode.QuickPickItem>(items: T[], active: T | undefined, title: string): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = title;
    pick.items = items;
    pick.ignoreFocusOut = true;
    if (active) pick.activeItems = [active];
    let chosen: T | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/** Runs the quick-pick flow; undefined when the user presses Escape at any step. */
export async function askTrainChoices(state: vscode.Memento, uri: vscode.Uri, modelName: string, fit?: FitSpec): Promise<TrainChoices | undefined> {
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const fitFolder = flowFolder(fit, [...(root ? [root] : []), path.dirname(uri.fsPath)]);
  const offered = resolveTrainChoices({ last: state.get<Partial<TrainChoices>>(stateKey(uri, modelName), {}), project: projectChoices(root, modelName), fit, fitFolder });
  const start = offered.choices;
  const from = (key: keyof TrainChoices): string => `${start[key]} — ${sourceLabel(offered.sources[key])}`;
  const title = `Train ${modelName}`;
  const items = datasetPickItems(start.data, offered.sources.data.kind === 'code' ? 'Folder of flow_from_directory in model.fit' : undefined);
  const current = items.find((i) => i.data === start.data) ?? items[0];
  const pickedData = await pickOne(items, current, `${title}: data (${from('data')})`);
  if (!pickedData) return undefined;
  let data = pickedData.data;
  if (!data) {
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Image folder with one subfolder per class', defaultUri: root ? vscode.Uri.file(root) : undefined });
    if (!folder?.[0]) return undefined;
    data = folder[0].fsPath;
  }
  const epochs = await pickNumber(title, `Epochs (${from('epochs')})`, start.epochs, (n) => Number.isInteger(n) && n >= 1 && n <= 1000);
  if (epochs === undefined) return undefined;
  const batchSize = await pickNumber(title, `Batch size (${from('batchSize')})`, start.batchSize, (n) => Number.isInteger(n) && n >= 1 && n <= 4096);
  if (batchSize === undefined) return undefined;
  const validationSplit = await pickNumber(title, `Validation split (${from('validationSplit')}; fraction held out; MNIST always uses 8,000 / 2,000)`, start.validationSplit, (n) => n > 0 && n < 1);
  if (validationSplit === undefined) return undefined;
  // steps_per_epoch / validation_steps are asked for only when the code, convlens.json or a last choice gives them.
  const askSteps = async (key: 'stepsPerEpoch' | 'validationSteps', what: string, zero: string): Promise<number | undefined> =>
    offered.sources[key].kind === 'default' ? 0 : pickNumber(title, `${what} (${from(key)}; 0 = ${zero})`, start[key] ?? 0, (n) => Number.isInteger(n) && n >= 0 && n <= 1_000_000);
  const stepsPerEpoch = await askSteps('stepsPerEpoch', 'Steps per epoch: training batches per epoch, from the images reshuffled at every pass', 'one pass over the training images');
  if (stepsPerEpoch === undefined) return undefined;
  const validationSteps = await askSteps('validationSteps', 'Validation steps: validation batches per epoch', 'all validation images');
  if (validationSteps === undefined) return undefined;
  const patience = earlyStoppingPicks(start.earlyStopping, offered.sources.earlyStopping, fit?.earlyStoppingMonitor);
  const early = await pickOne(patience, patience.find((p) => p.patience === start.earlyStopping), `${title}: early stopping`);
  if (!early) return undefined;
  const choices: TrainChoices = { data, epochs, batchSize, validationSplit, earlyStopping: early.patience, seed: start.seed, stepsPerEpoch, validationSteps };
  await state.update(stateKey(uri, modelName), choicesToRemember(choices, offered));
  return choices;
}

