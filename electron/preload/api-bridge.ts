/**
 * The API the page gets, built over ipcRenderer: `call` and `onEvent`, shaped exactly like the
 * contract's ApiClient, plus `pickFolder` (the native folder chooser, which only the main process
 * can show) — and nothing more. Listeners are wrapped so the page never receives the IPC event
 * object (which would hand it `sender`, i.e. ipcRenderer itself).
 */
import type { ApiClient } from '../shared/contract.ts';
import type { EngineEvent } from '../shared/status.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, PICK_FOLDER_CHANNEL } from '../shared/ipc-channels.ts';

/** What the preload exposes as `window.rsyncTray`. */
export interface PreloadApi extends ApiClient {
  /** The native folder chooser; null when the user cancels. */
  pickFolder(): Promise<string | null>;
}

/** The subset of ipcRenderer used. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createApiClient(ipc: IpcRendererLike): PreloadApi {
  return Object.freeze({
    call: ((method: string, input: unknown) => ipc.invoke(CALL_CHANNEL, method, input)) as ApiClient['call'],
    pickFolder: async (): Promise<string | null> => {
      const folder = await ipc.invoke(PICK_FOLDER_CHANNEL);
      return typeof folder === 'string' ? folder : null;
    },
    onEvent(listener: (event: EngineEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload as EngineEvent);
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
  });
}
