/**
 * The one app window, created on demand and destroyed when closed (the app lives on in the tray;
 * a closed window costs no renderer memory). Every webContents, this one or any other, is
 * hardened: no new windows, no navigation away from the page, no webviews.
 */
import type { BrowserWindow as BrowserWindowType, WebContents } from 'electron';
import type { ElectronApi } from './electron-api.ts';
import { WINDOW_OPEN_RESPONSE, windowOptions } from './window-security.ts';

/**
 * The renderer's hash route for one profile (renderer/src/router.ts): its activity view, which
 * shows the state, the last error and a held-back deletion to confirm or refuse. The page
 * listens to hashchange, so an open window switches without reloading.
 */
export function profileRoute(profile: string): string {
  return `#/activity/${encodeURIComponent(profile)}`;
}

export function hardenWebContents(contents: WebContents, log: (message: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    log(`Blocked a new window for ${url}`);
    return WINDOW_OPEN_RESPONSE;
  });
  // Fired for navigations the page starts (links, location.href); loadURL from here does not fire it,
  // nor do in-page (hash) navigations.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log(`Blocked navigation to ${url}`);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface WindowManager {
  /** Opens (or focuses) the window, on one profile if given. */
  show(profile?: string): void;
  /** webContents ids of the app's windows, for the IPC sender check. */
  trustedIds(): ReadonlySet<number>;
  /** Sends to every app window still showing the app's page. */
  send(channel: string, payload: unknown): void;
  close(): void;
}

export interface WindowManagerOptions {
  preload: string;
  /** APP_BASE_URL + 'index.html', or the dev server URL. */
  pageUrl: string;
  icon?: string;
  /** macOS: an agent app must take focus explicitly to come to the front. */
  focusApp?(): void;
}

export function createWindowManager(
  electron: Pick<ElectronApi, 'BrowserWindow'>,
  options: WindowManagerOptions,
): WindowManager {
  let win: BrowserWindowType | null = null;
  const trusted = new Set<number>();
  const urlFor = (profile?: string): string =>
    `${options.pageUrl.replace(/#.*$/, '')}${profile ? profileRoute(profile) : ''}`;

  return {
    show(profile) {
      if (!win || win.isDestroyed()) {
        const created = new electron.BrowserWindow(windowOptions(options.preload, options.icon));
        const id = created.webContents.id;
        trusted.add(id);
        created.once('ready-to-show', () => created.show());
        created.on('closed', () => {
          trusted.delete(id);
          if (win === created) win = null;
        });
        win = created;
        void created.loadURL(urlFor(profile));
      } else {
        // Same document, new fragment: the page stays loaded and gets a hashchange.
        if (profile) void win.loadURL(urlFor(profile));
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
      }
      options.focusApp?.();
    },
    trustedIds: () => trusted,
    send(channel, payload) {
      if (!win || win.isDestroyed()) return;
      win.webContents.send(channel, payload);
    },
    close() {
      if (win && !win.isDestroyed()) win.destroy();
      win = null;
    },
  };
}
