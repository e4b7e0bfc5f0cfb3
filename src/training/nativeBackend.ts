/**
 * "ConvLens: Install Native Backend": installs @tensorflow/tfjs-node into the extension's
 * global storage with npm, on demand. Its install step downloads libtensorflow from outside
 * the npm registry, so it fails on machines without internet: the error says so in one line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const PACKAGE = '@tensorflow/tfjs-node@4.22.0';

export async function installNativeBackend(context: vscode.ExtensionContext): Promise<boolean> {
  const dir = path.join(context.globalStorageUri.fsPath, 'native');
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"convlens-native","private":true}\n');
  const output: string[] = [];
  const code = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ConvLens: installing ${PACKAGE}`, cancellable: true },
    (progress, token) => new Promise<number | 'cancelled' | Error>((resolve) => {
      const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund', PACKAGE], { cwd: dir, env: { ...process.env, npm_config_yes: 'true' } });
      const onData = (b: Buffer): void => {
        for (const line of b.toString().split('\n').filter((l) => l.trim())) {
          output.push(line);
          progress.report({ message: line.slice(0, 120) });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', (e) => resolve(e));
      child.on('close', (c) => resolve(c ?? 1));
      token.onCancellationRequested(() => { child.kill(); resolve('cancelled'); });
    }),
  );
  if (code === 0) {
    void vscode.window.showInformationMessage('ConvLens: the native TensorFlow backend is installed; the next training run uses it (setting convlens.backend: auto).');
    return true;
  }
  if (code === 'cancelled') return false;
  const reason = code instanceof Error
    ? `npm could not be started (${code.message}); install Node.js with npm`
    : (output.reverse().find((l) => /error|ERR!|fail/i.test(l)) ?? `npm exited with code ${code}`).replace(/^npm (error|ERR!)\s*/, '');
  void vscode.window.showErrorMessage(`ConvLens: could not install the native backend: ${reason}. Training keeps using wasm or cpu.`);
  return false;
}
