/**
 * The IPC transport of the API: one `invoke` channel for calls, one channel for engine events.
 * Each call is checked for its sender first (ipc-security.ts), then goes through `dispatch`, which
 * validates the method and payload against the contract's schemas and turns every failure into
 * `{ ok: false, error: { code, message, hint } }` — nothing is thrown across the bridge.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiHandlers, Result } from '../shared/contract.ts';
import { dispatch } from '../core/service/api-dispatch.ts';
import type { ElectronApi } from './electron-api.ts';
import { CALL_CHANNEL, PICK_FOLDER_CHANNEL } from '../shared/ipc-channels.ts';
import { checkSender, REFUSED_SENDER, type SenderInfo, type SenderPolicy } from './ipc-security.ts';

export function senderInfo(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): SenderInfo {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame?.url,
    isMainFrame: frame !== null && frame !== undefined && frame === event.sender.mainFrame,
  };
}

export { REFUSED_SENDER };

export interface IpcBridgeOptions {
  handlers: ApiHandlers;
  policy(): SenderPolicy;
  log(level: 'warn' | 'error', message: string): void;
  /** Called after every call that succeeded (the tray refreshes on it). */
  afterCall?(method: string): void;
  /** The native folder chooser, over the sender's window; null when cancelled. */
  pickFolder?(sender: WebContents): Promise<string | null>;
}

export async function handleCall(
  options: IpcBridgeOptions,
  sender: SenderInfo,
  method: unknown,
  input: unknown,
): Promise<Result<unknown>> {
  // The page controls `method`: never coerce it (an object's toString may be anything).
  const name = typeof method === 'string' ? method.slice(0, 60) : `(${typeof method})`;
  const check = checkSender(sender, options.policy());
  if (!check.ok) {
    options.log('warn', `Refused an API call (${name}): ${check.reason}`);
    return { ok: false, error: { ...REFUSED_SENDER } };
  }
  const result = await dispatch(options.handlers, method, input);
  if (!result.ok && result.error.code === 'INTERNAL') options.log('error', `${name} failed: ${result.error.message}`);
  if (result.ok) options.afterCall?.(name);
  return result;
}

export async function handlePickFolder(
  options: IpcBridgeOptions,
  sender: SenderInfo,
  contents: WebContents,
): Promise<string | null> {
  const check = checkSender(sender, options.policy());
  if (!check.ok) {
    options.log('warn', `Refused a folder chooser request: ${check.reason}`);
    return null;
  }
  return options.pickFolder ? options.pickFolder(contents) : null;
}

export function registerIpc(electron: Pick<ElectronApi, 'ipcMain'>, options: IpcBridgeOptions): () => void {
  electron.ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown) =>
    handleCall(options, senderInfo(event), method, input),
  );
  electron.ipcMain.handle(PICK_FOLDER_CHANNEL, (event) => handlePickFolder(options, senderInfo(event), event.sender));
  return () => {
    electron.ipcMain.removeHandler(CALL_CHANNEL);
    electron.ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
  };
}
