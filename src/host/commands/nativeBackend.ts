/** Install Native Backend: tfjs-node into the extension's storage, for training. */
import { installNativeBackend } from '../../training/nativeBackend';
import type { CommandServices, CommandTable } from './types';

export function nativeBackendCommands({ context }: CommandServices): CommandTable {
  return {
    'convlens.installNativeBackend': () => installNativeBackend(context),
  };
}
