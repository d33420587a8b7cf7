/**
 * The parts of the `electron` module the main process uses, as a type. Only index.ts imports
 * `electron` itself and hands these in; everything else receives them, so tests pass a double
 * (importing `electron` from plain Node would try to download the Electron binary).
 */
import type * as Electron from 'electron';

export type ElectronApi = Pick<
  typeof Electron,
  | 'app'
  | 'BrowserWindow'
  | 'dialog'
  | 'ipcMain'
  | 'Menu'
  | 'nativeImage'
  | 'nativeTheme'
  | 'powerMonitor'
  | 'Notification'
  | 'protocol'
  | 'safeStorage'
  | 'session'
  | 'shell'
  | 'Tray'
>;
