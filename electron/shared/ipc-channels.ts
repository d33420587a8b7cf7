/**
 * The IPC channels between the preload and the main process, and the name under which the
 * preload exposes the API to the page (`window.rsyncTray`: the contract's ApiClient, plus the
 * native folder chooser the profile editor uses). No imports: the sandboxed preload bundles this file.
 */
export const CALL_CHANNEL = 'rsync-tray:call';
export const EVENT_CHANNEL = 'rsync-tray:event';
export const PICK_FOLDER_CHANNEL = 'rsync-tray:pick-folder';
export const API_GLOBAL = 'rsyncTray';
