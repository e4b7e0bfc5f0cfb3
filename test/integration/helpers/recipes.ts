/**
 * VAE and GAN sources written into the test workspace and trained through the Train command,
 * as a user would; the files and their run folders are removed after the suite.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GenerativeReport } from '../../../src/core/generative/train/types';
import type { StartedGenerativeRun } from '../../../src/training/generativeTrainer';
import type { TrainChoices } from '../../../src/training/projectSettings';
import { closeAllEditors, workspaceRoot } from './vscode';

export class RecipeScratch {
  readonly files: string[] = [];
  readonly runs: string[] = [];
  private convlensDirExisted = true;

  /** Call in `before`: whether the workspace had run folders before, so `cleanup` leaves those. */
  remember(): void {
    this.convlensDirExisted = fs.existsSync(path.join(workspaceRoot().fsPath, '.convlens'));
  }

  /** Writes `source` as `name`, opens it and starts training its `model`'s recipe. */
  async start(name: string, source: string, model: string, choices: TrainChoices): Promise<{ file: vscode.Uri; run: StartedGenerativeRun }> {
    const file = vscode.Uri.joinPath(workspaceRoot(), name);
    fs.writeFileSync(file.fsPath, source);
    this.files.push(file.fsPath);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const run = await vscode.commands.executeCommand<StartedGenerativeRun>('convlens.trainModel', file, model, choices);
    return { file, run };
  }

  /** The run's report once it ended well (its folder is removed with the rest). */
  async finished(run: StartedGenerativeRun, what = 'the recipe'): Promise<GenerativeReport> {
    const report = await run.finished;
    assert.ok(report, `${what} trained`);
    this.runs.push(report.runDir);
    await vscode.commands.executeCommand('notifications.clearAll');
    return report;
  }

  async cleanup(): Promise<void> {
    await closeAllEditors();
    for (const f of this.files) fs.rmSync(f, { force: true });
    for (const r of this.runs) fs.rmSync(r, { recursive: true, force: true });
    if (!this.convlensDirExisted) fs.rmSync(path.join(workspaceRoot().fsPath, '.convlens'), { recursive: true, force: true });
  }
}
