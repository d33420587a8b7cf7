/**
 * The two IPC channels between the preload and the main process, and the name under which the
 * preload exposes the API to the page (`window.rsyncTray`, an `ApiClient`). No imports: the
 * sandboxed preload bundles this file.
 */
export const CALL_CHANNEL = 'rsync-tray:call';
export const EVENT_CHANNEL = 'rsync-tray:event';
export const API_GLOBAL = 'rsyncTray';
