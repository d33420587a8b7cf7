/**
 * Entry point of the Electron main process (bundled to out/main/index.js). The only main-process
 * file that imports `electron` and `electron-store`: it hands them to startTrayApp.
 */
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  powerMonitor,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import Store from 'electron-store';
import { startTrayApp } from './app-main.ts';
import { serializeStoreDocument } from './config-store.ts';

// The engine idles for days in this process: keep V8's young generation small, or it holds on to
// ~37 MiB it grew during a first full sync (measured headless on a 200k-file tree: 187 → 126 MiB).
app.commandLine.appendSwitch('js-flags', '--max-semi-space-size=1');

const here = import.meta.dirname;
// Packaged: electron-builder copies build/tray and the icon into resources/ (electron-builder.yml).
const resources = app.isPackaged ? process.resourcesPath : path.join(here, '..', '..', 'build');

startTrayApp({
  electron: {
    app,
    BrowserWindow,
    dialog,
    ipcMain,
    Menu,
    nativeImage,
    nativeTheme,
    powerMonitor,
    Notification,
    protocol,
    safeStorage,
    session,
    shell,
    Tray,
  },
  paths: {
    preload: path.join(here, '..', 'preload', 'index.cjs'),
    rendererDir: path.join(here, '..', 'renderer'),
    trayImagesDir: path.join(resources, 'tray'),
    appIcon: app.isPackaged ? path.join(resources, 'icon.png') : path.join(resources, 'icons', '256x256.png'),
  },
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
  openStore: (name) =>
    new Store<Record<string, unknown>>({
      name,
      // Secrets are filed under target keys such as "backup@host:873/module", which contain dots.
      accessPropertiesByDotNotation: false,
      // Never replace a config the user can still repair with an empty one.
      clearInvalidConfig: false,
      serialize: serializeStoreDocument,
      configFileMode: 0o600,
    }),
}).catch((error: unknown) => {
  dialog.showErrorBox(
    'Rsync Tray could not start',
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
  app.exit(1);
});
