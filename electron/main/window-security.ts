/**
 * The window's security settings in one place, as data, so a test can assert them and nothing
 * in the glue can quietly loosen them. Follows Electron's security checklist: isolated, sandboxed
 * renderer without Node; a strict CSP; no navigation, no new windows, no webviews, no permissions.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { windowCsp } from '../shared/csp.ts';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // Middle-click would try to open links in a new window; window.open is denied anyway.
    disableBlinkFeatures: 'Auxclick',
  };
}

export function windowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 1040,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Rsync Tray',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    autoHideMenuBar: true,
    ...(icon ? { icon } : {}),
    webPreferences: secureWebPreferences(preload),
  };
}

/**
 * The page's Content-Security-Policy (electron/shared/csp.ts, the one the built page and `serve`
 * carry too). Production: only the app's own scripts and styles. The Vite dev server injects
 * styles inline and talks to its HMR websocket, so development allows exactly that origin and
 * inline styles, never inline scripts or eval.
 */
export function contentSecurityPolicy(devServerUrl?: string): string {
  return windowCsp({ devServerUrl });
}

/** Every permission a page can ask for (notifications, media, geolocation, …) is refused. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

/** window.open and target=_blank never open anything. */
export const WINDOW_OPEN_RESPONSE = { action: 'deny' } as const;
